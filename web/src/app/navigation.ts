import type { SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import type { Me } from '../api/model';
import type { Translate } from '../i18n';
import { canOpen, pathOf, ROUTES, type RouteName } from './routes';

interface Section {
  title: Parameters<Translate>[0];
  routes: RouteName[];
  /** Where the section's breadcrumb leads. */
  landing: RouteName;
}

const SECTIONS: readonly Section[] = [
  { title: 'nav.requests', routes: ['createRequest', 'myRequests'], landing: 'myRequests' },
  { title: 'nav.approvals', routes: ['approveRequests', 'myApprovals'], landing: 'approveRequests' },
  { title: 'nav.sessions', routes: ['activeAccess', 'endedAccess'], landing: 'activeAccess' },
  {
    title: 'nav.audit',
    routes: ['dashboard', 'auditApprovals', 'auditSessions', 'reviewsPending', 'sessionsToReview'],
    landing: 'auditApprovals',
  },
  {
    title: 'nav.administration',
    routes: ['eligibilityPolicy', 'approverPolicy', 'policyDocument', 'settings'],
    landing: 'eligibilityPolicy',
  },
];

/**
 * The side navigation for a caller: everyone sees requests, approvals and sessions; auditors
 * also Audit, admins also Administration. (The API refuses the data to others anyway.)
 */
export function navigationItems(
  me: Pick<Me, 'isAdmin' | 'isAuditor'>,
  t: Translate,
): SideNavigationProps.Item[] {
  const items: SideNavigationProps.Item[] = [];
  for (const section of SECTIONS) {
    const links = section.routes.flatMap((name) => {
      const route = ROUTES.find((r) => r.name === name);
      if (!route || !canOpen(route.audience, me)) return [];
      return [{ type: 'link' as const, text: t(route.title), href: pathOf(name) }];
    });
    if (links.length > 0) {
      items.push({ type: 'section', text: t(section.title), items: links, defaultExpanded: true });
    }
  }
  return items;
}

/**
 * Where a section's breadcrumb leads: its landing page, or for someone who may not open that
 * (an admin in Audit) the first page of the section they may open.
 */
export function sectionHref(
  section: Parameters<Translate>[0],
  me?: Pick<Me, 'isAdmin' | 'isAuditor'>,
): string | undefined {
  const found = SECTIONS.find((s) => s.title === section);
  if (!found) return undefined;
  const openable = (name: RouteName) => {
    const route = ROUTES.find((r) => r.name === name);
    return !me || (route !== undefined && canOpen(route.audience, me));
  };
  const target = openable(found.landing) ? found.landing : found.routes.find(openable);
  return target ? pathOf(target) : undefined;
}
