import AppLayout from '@cloudscape-design/components/app-layout-toolbar';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import Box from '@cloudscape-design/components/box';
import type { ButtonDropdownProps } from '@cloudscape-design/components/button-dropdown';
import { Suspense, useEffect, useState } from 'react';
import type { Me } from '../api/model';
import { useI18n, type Language, type Translate } from '../i18n';
import { AboutPanel } from './about-panel';
import { PageErrorBoundary } from './page-error-boundary';
import { navigationItems, sectionHref } from './navigation';
import { Notifications } from './notifications';
import { NoAccessPage, NotFoundPage } from './status-pages';
import { PAGES } from '../pages/registry';
import { useFollow, useRouter } from './router';
import {
  canOpen,
  matchRoute,
  pathOf,
  REQUEST_ORIGIN_PARAM,
  requestOriginOf,
  ROUTES,
  type RequestOrigin,
} from './routes';
import { useSession, type AppInfo } from './session';

const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', ja: '日本語' };

/** Id of the top navigation, which the app layout keeps clear of. */
const TOP_NAV_ID = 'team-top-navigation';

/**
 * The user menu: the support links of the deployment (documentation, feedback, bug reports) and
 * the version, each opening in a new tab, then Sign out. A link the configuration leaves out is
 * not shown; without release notes the version is shown as plain text.
 */
function userMenu(app: AppInfo, t: Translate): ButtonDropdownProps.ItemOrGroup[] {
  const links = app.links ?? {};
  const external = (id: string, text: string, href: string): ButtonDropdownProps.Item => ({
    id,
    text,
    href,
    external: true,
    externalIconAriaLabel: t('common.opensInNewTab'),
  });
  const support: ButtonDropdownProps.Item[] = [];
  if (links.documentation)
    support.push(external('documentation', t('top.documentation'), links.documentation));
  if (links.feedback) support.push(external('feedback', t('top.feedback'), links.feedback));
  if (links.bugReport) support.push(external('report-bug', t('top.reportBug'), links.bugReport));
  const versionText = t('top.version', { version: app.version });
  return [
    ...(support.length > 0 ? [{ id: 'support', text: t('top.support'), items: support }] : []),
    links.releaseNotes
      ? external('version', versionText, links.releaseNotes)
      : { id: 'version', text: versionText, disabled: true },
    { id: 'sign-out', text: t('top.signOut') },
  ];
}

/** The list a request's details were opened from, if the caller may open it; else My requests. */
function openableOrigin(search: URLSearchParams, me: Pick<Me, 'isAdmin' | 'isAuditor'>): RequestOrigin {
  const origin = requestOriginOf(search.get(REQUEST_ORIGIN_PARAM));
  const route = ROUTES.find((r) => r.name === origin);
  return route && canOpen(route.audience, me) ? origin : requestOriginOf(undefined);
}

/** The signed-in app: top navigation, side navigation by persona, flashes, help, the page. */
export function Shell() {
  const { t, language, setLanguage } = useI18n();
  const { me, app, signOut } = useSession();
  const { path, search } = useRouter();
  const follow = useFollow();
  const [navigationOpen, setNavigationOpen] = useState(true);
  const [toolsOpen, setToolsOpen] = useState(false);

  const match = matchRoute(path);
  const allowed = match ? canOpen(match.route.audience, me) : false;
  const title = match ? t(match.route.title) : t('notFound.title');

  useEffect(() => {
    document.title = `${title} - ${t('app.name')}`;
  }, [title, t]);

  // A request's details belong to the list they were opened from (My requests by default):
  // that list is highlighted and leads back in the breadcrumbs, as it would on the list itself.
  // A page of one item of another list (a session's review) belongs to that list the same way.
  const origin = match?.route.name === 'requestDetails' ? openableOrigin(search, me) : match?.route.parent;
  const listRoute = origin ? ROUTES.find((r) => r.name === origin) : match?.route;
  const listPath = origin ? pathOf(origin) : path;
  const breadcrumbs = [{ text: t('app.name'), href: '/' }];
  if (match && listRoute && match.route.name !== 'home') {
    const section = listRoute.section;
    const href = section ? sectionHref(section, me) : undefined;
    if (section && href && href !== listPath) breadcrumbs.push({ text: t(section), href });
    breadcrumbs.push({ text: t(listRoute.title), href: listPath });
    if (origin) {
      const query = search.toString();
      breadcrumbs.push({ text: title, href: query ? `${path}?${query}` : path });
    }
  }

  let content;
  if (!match) content = <NotFoundPage />;
  else if (!allowed) content = <NoAccessPage />;
  else {
    const Page = PAGES[match.route.name];
    content = (
      <PageErrorBoundary key={path}>
        <Suspense
          fallback={
            <Box textAlign="center" padding="xxl">
              <Spinner size="large" />
            </Box>
          }
        >
          <Page params={match.params} />
        </Suspense>
      </PageErrorBoundary>
    );
  }

  const userLabel = me.displayName || me.email || me.userName;
  const userMenuItems = userMenu(app, t);

  return (
    <>
      <div id={TOP_NAV_ID} style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ href: '/', title: t('app.title'), onFollow: follow }}
          utilities={[
            {
              type: 'button',
              text: t('top.portal'),
              href: app.idcStartUrl,
              external: true,
              externalIconAriaLabel: t('common.opensInNewTab'),
            },
            {
              type: 'button',
              iconName: 'status-info',
              text: t('help.about'),
              onClick: () => setToolsOpen(true),
            },
            {
              type: 'menu-dropdown',
              iconName: 'globe',
              text: LANGUAGE_NAMES[language],
              // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
              ariaLabel: `${LANGUAGE_NAMES[language]} – ${t('top.language')}`,
              title: t('top.language'),
              items: (Object.keys(LANGUAGE_NAMES) as Language[]).map((id) => ({
                id,
                text: LANGUAGE_NAMES[id],
                lang: id,
                checked: id === language,
                itemType: 'checkbox' as const,
              })),
              onItemClick: ({ detail }) => {
                if (detail.id === 'en' || detail.id === 'ja') setLanguage(detail.id);
              },
            },
            {
              type: 'menu-dropdown',
              iconName: 'user-profile',
              text: userLabel,
              description: me.email,
              ariaLabel: t('top.userMenu', { user: userLabel }),
              items: userMenuItems,
              onItemClick: ({ detail }) => {
                if (detail.id === 'sign-out') signOut();
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector={`#${TOP_NAV_ID}`}
        navigationOpen={navigationOpen}
        onNavigationChange={({ detail }) => setNavigationOpen(detail.open)}
        navigation={
          <SideNavigation
            header={{ text: t('app.name'), href: '/' }}
            activeHref={listPath}
            items={navigationItems(me, t)}
            onFollow={follow}
          />
        }
        breadcrumbs={
          <BreadcrumbGroup items={breadcrumbs} onFollow={follow} ariaLabel={t('common.breadcrumbs')} />
        }
        notifications={<Notifications />}
        toolsOpen={toolsOpen}
        onToolsChange={({ detail }) => setToolsOpen(detail.open)}
        tools={<AboutPanel />}
        content={content}
        contentType={
          match?.route.name === 'createRequest' || match?.route.name === 'home' ? 'default' : 'table'
        }
      />
    </>
  );
}
