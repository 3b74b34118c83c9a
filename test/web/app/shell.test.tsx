// @vitest-environment jsdom
import cloudscapeEn from '@cloudscape-design/components/i18n/messages/all.en';
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { act, cleanup, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../web/src/app/app';
import type { AuthPort } from '../../../web/src/api/auth';
import { safeReturnPath } from '../../../web/src/api/auth';
import { ApiError } from '../../../web/src/api/errors';
import type { Me } from '../../../web/src/api/model';
import { fixedClock } from '../../../web/src/app/clock';
import { memoryHistory } from '../../../web/src/app/router';
import { matchRoute } from '../../../web/src/app/routes';
import type { AppInfo } from '../../../web/src/app/session';
import { LanguageProvider } from '../../../web/src/i18n';
import { en } from '../../../web/src/i18n/en';
import { ALICE, BOB, me, memoryData, NOW, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import { APP_INFO, button, setupWebTests, waitForElement } from '../support/render';

setupWebTests();

class FakeAuth implements AuthPort {
  signInCalls: (string | undefined)[] = [];
  signOutCalls = 0;
  private failure: ((message: string) => void) | undefined;
  constructor(public signedIn: boolean) {}
  isSignedIn = async () => this.signedIn;
  signIn = async (returnTo?: string) => {
    this.signInCalls.push(returnTo);
  };
  signOut = async () => {
    this.signOutCalls += 1;
    this.signedIn = false;
  };
  onSignInFailure = (listener: (message: string) => void) => {
    this.failure = listener;
    return () => undefined;
  };
  fail(message: string) {
    this.failure?.(message);
  }
}

function renderApp(
  options: { who?: Me; path?: string; signedIn?: boolean; api?: MemoryTeamApi; app?: AppInfo } = {},
) {
  const api = options.api ?? new MemoryTeamApi(memoryData({ me: options.who ?? me() }));
  const auth = new FakeAuth(options.signedIn ?? true);
  const history = memoryHistory(options.path ?? '/');
  render(
    <LanguageProvider initial="en" catalogs={{ en }} cloudscapeMessages={{ en: cloudscapeEn }} timeZone="UTC">
      <App auth={auth} api={api} app={options.app ?? APP_INFO} history={history} clock={fixedClock(NOW)} />
    </LanguageProvider>,
  );
  return { api, auth, history, page: createWrapper() };
}

type Page = ReturnType<typeof renderApp>['page'];

function navLinks(page: Page): string[] {
  const nav = page.findSideNavigation()?.getElement();
  return Array.from(nav?.querySelectorAll('li a') ?? []).map((a) => a.textContent ?? '');
}

async function signedInShell(options: Parameters<typeof renderApp>[0] = {}) {
  const harness = renderApp(options);
  await waitForElement(() => harness.page.findSideNavigation());
  return harness;
}

describe('sign-in gate', () => {
  it('shows the splash page when signed out and signs in from it', async () => {
    const { auth, page } = renderApp({ signedIn: false, path: '/requests/r-9' });
    const signIn = await waitForElement(() => {
      try {
        return button(page, 'Sign in');
      } catch {
        return undefined;
      }
    });
    act(() => signIn.click());
    expect(auth.signInCalls).toEqual(['/requests/r-9']);
  });

  it('shows a sign-in failure coming back from the hosted UI', async () => {
    const { auth, page } = renderApp({ signedIn: false });
    await waitForElement(() => page.getElement().textContent?.includes('Sign in'));
    act(() => auth.fail('invalid_grant'));
    await waitForElement(() => page.getElement().textContent?.includes('invalid_grant'));
    expect(page.getElement().textContent).toContain('Sign-in failed');
  });

  it('explains when the caller cannot be loaded', async () => {
    const api = new MemoryTeamApi(memoryData());
    api.failNext('me', new ApiError('Unauthorized', 'Not Authorized to access me on type Query'));
    const { page } = renderApp({ api });
    await waitForElement(() => page.getElement().textContent?.includes('Your session could not be loaded'));
    expect(page.getElement().textContent).toContain('Not Authorized to access me');
  });

  it('only accepts in-app return paths', () => {
    expect(safeReturnPath('/requests/abc')).toBe('/requests/abc');
    expect(safeReturnPath('//evil.example.com')).toBeUndefined();
    expect(safeReturnPath('https://evil.example.com/')).toBeUndefined();
    expect(safeReturnPath('/\\evil')).toBeUndefined();
    expect(safeReturnPath(42)).toBeUndefined();
  });
});

describe('navigation by persona', () => {
  it('shows requests, approvals and sessions to everyone, but no audit or administration', async () => {
    const { page } = await signedInShell();
    await waitForElement(() => page.getElement().textContent?.includes('Welcome, Alice'));
    expect(navLinks(page)).toEqual([
      'Create request',
      'My requests',
      'Approve requests',
      'My approvals',
      'Active access',
      'Ended access',
    ]);
  });

  it('adds Audit for auditors and Administration for admins', async () => {
    const { page } = await signedInShell({
      who: me({ isAuditor: true, isAdmin: true, personas: ['REQUESTER', 'AUDITOR', 'ADMIN'] }),
    });
    expect(navLinks(page)).toEqual([
      'Create request',
      'My requests',
      'Approve requests',
      'My approvals',
      'Active access',
      'Ended access',
      'Dashboard',
      'Approvals',
      'Elevated access',
      'Reviews pending',
      'Sessions to review',
      'Eligibility policy',
      'Approver policy',
      'Policy document',
      'Settings',
    ]);
    const nav = page.findSideNavigation()?.getElement().textContent ?? '';
    expect(nav).toContain('Audit');
    expect(nav).toContain('Administration');
  });

  it('shows admins who are not auditors the reviews pending, the only Audit page they may open', async () => {
    const { page } = await signedInShell({
      who: me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] }),
      path: '/audit/reviews',
    });
    await waitForElement(() => page.findTable());
    expect(navLinks(page)).toContain('Reviews pending');
    expect(navLinks(page)).toContain('Sessions to review');
    expect(navLinks(page)).not.toContain('Elevated access');
    const crumbs = page.findBreadcrumbGroup()?.findBreadcrumbLinks() ?? [];
    // The Audit crumb leads nowhere it cannot open (its landing page is for auditors).
    expect(crumbs.map((c) => c.getElement().getAttribute('href'))).not.toContain('/audit/approvals');
  });

  it('keeps a session’s review under Sessions to review: highlighted, and a breadcrumb back', async () => {
    const { page } = await signedInShell({
      who: me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
      path: '/audit/session-reviews/r-1',
    });
    await waitForElement(() => page.getElement().textContent?.includes('No session summary'));
    expect(page.findSideNavigation()?.findActiveLink()?.getElement().textContent).toBe('Sessions to review');
    const crumbs = (page.findBreadcrumbGroup()?.findBreadcrumbLinks() ?? []).map((c) => [
      c.getElement().textContent,
      c.getElement().getAttribute('href'),
    ]);
    expect(crumbs).toContainEqual(['Sessions to review', '/audit/session-reviews']);
    expect(page.findBreadcrumbGroup()?.getElement().textContent).toContain('Session review');
  });

  it('opens the dashboard for auditors and admins, and to nobody else', async () => {
    const requester = await signedInShell({ path: '/audit/dashboard' });
    await waitForElement(() => requester.page.getElement().textContent?.includes("You don't have access"));
    expect(navLinks(requester.page)).not.toContain('Dashboard');
    expect(requester.api.callsOf('dashboard')).toHaveLength(0);
    cleanup();

    for (const who of [
      me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
      me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] }),
    ]) {
      const { page, api } = await signedInShell({ who, path: '/audit/dashboard' });
      expect(navLinks(page)).toContain('Dashboard');
      await waitForElement(() => api.callsOf('dashboard').length === 1);
      await waitForElement(() => page.findDateRangePicker());
      expect(page.findBreadcrumbGroup()?.getElement().textContent).toContain('Dashboard');
      expect(page.findSideNavigation()?.findActiveLink()?.getElement().textContent).toBe('Dashboard');
      cleanup();
    }
  });

  it("tells non-admins they don't have access to admin pages", async () => {
    const { page, api } = await signedInShell({ path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes("You don't have access"));
    expect(api.callsOf('settings')).toHaveLength(0);
  });

  it('opens audit pages for auditors and listens to the AUDIT channel there', async () => {
    const { page, api } = await signedInShell({
      who: me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] }),
      path: '/audit/approvals',
    });
    await waitForElement(() => page.findTable());
    expect(api.subscribers('AUDIT')).toBe(1);
  });

  it('shows a not-found page for unknown addresses', async () => {
    const { page } = await signedInShell({ path: '/nowhere' });
    await waitForElement(() => page.getElement().textContent?.includes('Page not found'));
  });

  it('moves between pages from the side navigation without reloading', async () => {
    const { page, history } = await signedInShell();
    const link = page.findSideNavigation()?.findLinkByHref('/requests');
    act(() => link?.click());
    expect(history.location()).toBe('/requests');
    await waitForElement(() => page.findTable());
    expect(page.findBreadcrumbGroup()?.getElement().textContent).toContain('My requests');
  });
});

describe('request details follow the list they were opened from', () => {
  const AUDITOR = me({ isAuditor: true, personas: ['REQUESTER', 'AUDITOR'] });
  const requests = () => [
    request({ id: 'r-pending', requester: BOB, approvers: [ALICE] }),
    request({ id: 'r-live', requester: ALICE, approvers: [BOB], status: 'IN_PROGRESS' }),
  ];

  function activeNav(page: Page): string | undefined {
    return page.findSideNavigation()?.findActiveLink()?.getElement().textContent ?? undefined;
  }

  function crumbs(page: Page): [string, string | null][] {
    return (page.findBreadcrumbGroup()?.findBreadcrumbLinks() ?? []).map((link) => [
      (link.getElement().textContent ?? '').trim(),
      link.getElement().getAttribute('href'),
    ]);
  }

  it.each([
    {
      list: '/approvals/pending',
      id: 'r-pending',
      from: 'approveRequests',
      nav: 'Approve requests',
      trail: [
        ['TEAM', '/'],
        ['Approve requests', '/approvals/pending'],
      ],
    },
    {
      list: '/sessions/active',
      id: 'r-live',
      from: 'activeAccess',
      nav: 'Active access',
      trail: [
        ['TEAM', '/'],
        ['Active access', '/sessions/active'],
      ],
    },
    {
      list: '/audit/approvals',
      id: 'r-pending',
      from: 'auditApprovals',
      nav: 'Approvals',
      // The Audit section leads to this very list, as on the list itself.
      trail: [
        ['TEAM', '/'],
        ['Approvals', '/audit/approvals'],
      ],
    },
    {
      list: '/audit/sessions',
      id: 'r-live',
      from: 'auditSessions',
      nav: 'Elevated access',
      trail: [
        ['TEAM', '/'],
        ['Audit', '/audit/approvals'],
        ['Elevated access', '/audit/sessions'],
      ],
    },
  ])('from $list', async ({ list, id, from, nav, trail }) => {
    const api = new MemoryTeamApi(memoryData({ me: AUDITOR, requests: requests() }));
    const { page, history } = await signedInShell({ api, path: list });
    await waitForElement(() => page.findTable()?.findRows().length);
    const anchor = page
      .findTable()
      ?.getElement()
      .querySelector<HTMLAnchorElement>(`a[href^="/requests/${id}"]`);
    act(() => anchor?.click());
    expect(history.location()).toBe(`/requests/${id}?from=${from}`);
    await waitForElement(() => page.getElement().textContent?.includes('Fix the outage'));
    expect(activeNav(page)).toBe(nav);
    expect(crumbs(page)).toEqual([...trail, ['Request details', null]]);

    // Back to the list from the breadcrumbs.
    const back = trail[trail.length - 1]?.[1] ?? '';
    act(() => page.findBreadcrumbGroup()?.findBreadcrumbLink(trail.length)?.click());
    expect(history.location()).toBe(back);
  });

  it('belongs to My requests when opened directly, or from a list the caller may not open', async () => {
    for (const path of [
      '/requests/r-live',
      '/requests/r-live?from=auditApprovals',
      '/requests/r-live?from=x',
    ]) {
      const api = new MemoryTeamApi(memoryData({ requests: requests() }));
      const { page } = await signedInShell({ api, path });
      await waitForElement(() => page.getElement().textContent?.includes('Fix the outage'));
      expect(activeNav(page)).toBe('My requests');
      expect(crumbs(page).map(([text]) => text)).toEqual(['TEAM', 'My requests', 'Request details']);
      cleanup();
    }
  });

  it('opens the details from the View details button with the origin too', async () => {
    const api = new MemoryTeamApi(memoryData({ me: AUDITOR, requests: requests() }));
    const { page, history } = await signedInShell({ api, path: '/approvals/pending' });
    await waitForElement(() => page.findTable()?.findRows().length);
    act(() => page.findTable()?.findRowSelectionArea(1)?.click());
    act(() => button(page, 'View details').click());
    expect(history.location()).toBe('/requests/r-pending?from=approveRequests');
    await waitForElement(() => page.getElement().textContent?.includes('Fix the outage'));
    expect(activeNav(page)).toBe('Approve requests');
  });
});

/** The top navigation's overflow menu (jsdom has no width, so every utility is in it). */
function overflowMenu(page: Page) {
  const top = page.findTopNavigation();
  act(() => top?.findOverflowMenuButton()?.click());
  const menu = top?.findOverflowMenu();
  if (!menu) throw new Error('no overflow menu');
  return menu;
}

describe('top navigation', () => {
  it('switches to Japanese and remembers the choice', async () => {
    const { page } = await signedInShell();
    const menu = overflowMenu(page);
    expect(menu.findUtility(3)?.getElement().textContent).toContain('English');
    act(() => menu.findUtility(3)?.click());
    act(() => menu.findMenuDropdownItemById('ja')?.click());
    await waitForElement(() => navLinks(page).includes('リクエストを作成'));
    expect(localStorage.getItem('team.language')).toBe('ja');
    expect(document.documentElement.lang).toBe('ja');
  });

  it('links to the access portal, opens About and signs out from the user menu', async () => {
    const { page, auth } = await signedInShell();
    const menu = overflowMenu(page);
    expect(menu.findUtility(1)?.getElement().getAttribute('href')).toBe(APP_INFO.idcStartUrl);
    expect(menu.findUtility(2)?.getElement().textContent).toContain('About TEAM');
    expect(menu.findUtility(4)?.getElement().textContent).toContain('Alice');
    act(() => menu.findUtility(4)?.click());
    act(() => menu.findMenuDropdownItemById('sign-out')?.click());
    await waitForElement(() => auth.signOutCalls === 1);
    await waitForElement(() => page.getElement().textContent?.includes('Sign in'));
  });
});

describe('user menu links', () => {
  const LINKS = {
    documentation: 'https://wiki.example.com/team',
    feedback: 'https://forms.example.com/team-feedback',
    bugReport: 'https://tickets.example.com/new?queue=team',
    releaseNotes: 'https://github.example.com/team/releases/tag/v0.1.0',
  };

  /** The user menu, opened inside the overflow menu, with its Support group expanded. */
  function userMenu(page: Page) {
    const menu = overflowMenu(page);
    act(() => menu.findUtility(4)?.click());
    const support = Array.from(menu.getElement().querySelectorAll('button')).find(
      (b) => b.textContent === 'Support',
    );
    if (support) act(() => support.click());
    return menu;
  }

  function link(menu: ReturnType<typeof overflowMenu>, id: string) {
    const item = menu.findMenuDropdownItemById(id)?.getElement();
    const anchor = item?.tagName === 'A' ? item : item?.querySelector('a');
    return anchor
      ? { text: anchor.textContent, href: anchor.getAttribute('href'), target: anchor.getAttribute('target') }
      : undefined;
  }

  it('shows Documentation, Feedback, Report a bug and the version, with the configured URLs, in new tabs', async () => {
    const { page } = await signedInShell({ app: { ...APP_INFO, links: LINKS } });
    const menu = userMenu(page);
    expect(link(menu, 'documentation')).toEqual({
      text: expect.stringContaining('Documentation'),
      href: LINKS.documentation,
      target: '_blank',
    });
    expect(link(menu, 'feedback')).toEqual({
      text: expect.stringContaining('Feedback'),
      href: LINKS.feedback,
      target: '_blank',
    });
    expect(link(menu, 'report-bug')).toEqual({
      text: expect.stringContaining('Report a bug'),
      href: LINKS.bugReport,
      target: '_blank',
    });
    expect(link(menu, 'version')).toEqual({
      text: expect.stringContaining('Version 0.1.0'),
      href: LINKS.releaseNotes,
      target: '_blank',
    });
    // Each says it opens a new tab (the external-link icon's label).
    for (const id of ['documentation', 'feedback', 'report-bug', 'version']) {
      const item = menu.findMenuDropdownItemById(id)?.getElement();
      expect(item?.querySelector('[aria-label="Opens in a new tab"]'), id).not.toBeNull();
    }
    expect(menu.findMenuDropdownItemById('sign-out')).not.toBeNull();
  });

  it('leaves out the links the configuration has none for, and shows the version as text', async () => {
    const { page } = await signedInShell({ app: { ...APP_INFO, links: { feedback: LINKS.feedback } } });
    const menu = userMenu(page);
    expect(menu.findMenuDropdownItemById('documentation')).toBeNull();
    expect(menu.findMenuDropdownItemById('report-bug')).toBeNull();
    expect(link(menu, 'feedback')?.href).toBe(LINKS.feedback);
    expect(link(menu, 'version')?.text).toContain('Version 0.1.0');
    expect(link(menu, 'version')?.href).toBeNull();
  });
});

describe('routes', () => {
  it('matches static paths before parameters', () => {
    expect(matchRoute('/requests/new')?.route.name).toBe('createRequest');
    expect(matchRoute('/requests/abc')?.params).toEqual({ id: 'abc' });
    expect(matchRoute('/requests/')?.route.name).toBe('myRequests');
    expect(matchRoute('/requests/a/b')).toBeUndefined();
    expect(matchRoute('/requests/%E0%A4%A')).toBeUndefined();
  });
});
