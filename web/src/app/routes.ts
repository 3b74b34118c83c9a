import type { MessageKey } from '../i18n/en';

/**
 * Who may open a page; the API refuses the data to anyone else too. `reviewer`: auditors and
 * admins (who see break-glass access waiting for review).
 */
export type RouteAudience = 'everyone' | 'auditor' | 'reviewer' | 'admin';

export type RouteName =
  | 'home'
  | 'createRequest'
  | 'myRequests'
  | 'requestDetails'
  | 'approveRequests'
  | 'myApprovals'
  | 'activeAccess'
  | 'endedAccess'
  | 'auditApprovals'
  | 'auditSessions'
  | 'reviewsPending'
  | 'sessionsToReview'
  | 'sessionSummary'
  | 'dashboard'
  | 'eligibilityPolicy'
  | 'approverPolicy'
  | 'policyDocument'
  | 'settings';

export interface RouteDefinition {
  name: RouteName;
  /** Path pattern; `:id` matches one segment. */
  pattern: string;
  audience: RouteAudience;
  /** Page title (also the last breadcrumb). */
  title: MessageKey;
  /** The section the page belongs to in the breadcrumbs. */
  section?: MessageKey;
  /** A page of one item of a list: the list is highlighted and leads back in the breadcrumbs. */
  parent?: RouteName;
}

export const ROUTES: readonly RouteDefinition[] = [
  { name: 'home', pattern: '/', audience: 'everyone', title: 'nav.home' },
  {
    name: 'createRequest',
    pattern: '/requests/new',
    audience: 'everyone',
    title: 'nav.createRequest',
    section: 'nav.requests',
  },
  {
    name: 'myRequests',
    pattern: '/requests',
    audience: 'everyone',
    title: 'nav.myRequests',
    section: 'nav.requests',
  },
  {
    name: 'requestDetails',
    pattern: '/requests/:id',
    audience: 'everyone',
    title: 'page.requestDetails.title',
    section: 'nav.requests',
  },
  {
    name: 'approveRequests',
    pattern: '/approvals/pending',
    audience: 'everyone',
    title: 'nav.approveRequests',
    section: 'nav.approvals',
  },
  {
    name: 'myApprovals',
    pattern: '/approvals',
    audience: 'everyone',
    title: 'nav.myApprovals',
    section: 'nav.approvals',
  },
  {
    name: 'activeAccess',
    pattern: '/sessions/active',
    audience: 'everyone',
    title: 'nav.activeAccess',
    section: 'nav.sessions',
  },
  {
    name: 'endedAccess',
    pattern: '/sessions/ended',
    audience: 'everyone',
    title: 'nav.endedAccess',
    section: 'nav.sessions',
  },
  {
    name: 'auditApprovals',
    pattern: '/audit/approvals',
    audience: 'auditor',
    title: 'nav.auditApprovals',
    section: 'nav.audit',
  },
  {
    name: 'auditSessions',
    pattern: '/audit/sessions',
    audience: 'auditor',
    title: 'nav.auditSessions',
    section: 'nav.audit',
  },
  {
    name: 'reviewsPending',
    pattern: '/audit/reviews',
    audience: 'reviewer',
    title: 'nav.reviewsPending',
    section: 'nav.audit',
  },
  {
    name: 'dashboard',
    pattern: '/audit/dashboard',
    audience: 'reviewer',
    title: 'nav.dashboard',
    section: 'nav.audit',
  },
  {
    name: 'sessionsToReview',
    pattern: '/audit/session-reviews',
    audience: 'reviewer',
    title: 'nav.sessionsToReview',
    section: 'nav.audit',
  },
  {
    name: 'sessionSummary',
    pattern: '/audit/session-reviews/:id',
    audience: 'reviewer',
    title: 'page.sessionSummary.title',
    section: 'nav.audit',
    parent: 'sessionsToReview',
  },
  {
    name: 'eligibilityPolicy',
    pattern: '/admin/eligibility',
    audience: 'admin',
    title: 'nav.eligibilityPolicy',
    section: 'nav.administration',
  },
  {
    name: 'approverPolicy',
    pattern: '/admin/approvers',
    audience: 'admin',
    title: 'nav.approverPolicy',
    section: 'nav.administration',
  },
  {
    name: 'policyDocument',
    pattern: '/admin/policy-document',
    audience: 'admin',
    title: 'nav.policyDocument',
    section: 'nav.administration',
  },
  {
    name: 'settings',
    pattern: '/admin/settings',
    audience: 'admin',
    title: 'nav.settings',
    section: 'nav.administration',
  },
];

export interface RouteMatch {
  route: RouteDefinition;
  params: Record<string, string>;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(g);
      } catch {
        return undefined;
      }
      params[w.slice(1)] = value;
    } else if (w !== g) return undefined;
  }
  return params;
}

/** The route a path opens (static patterns win over `:param` ones), or undefined: not found. */
export function matchRoute(path: string): RouteMatch | undefined {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const ordered = [...ROUTES].sort(
    (a, b) => Number(a.pattern.includes(':')) - Number(b.pattern.includes(':')),
  );
  for (const route of ordered) {
    const params = matchPattern(route.pattern, normalized);
    if (params) return { route, params };
  }
  return undefined;
}

/** Path of a route, e.g. `pathOf('requestDetails', { id })`. */
export function pathOf(name: RouteName, params: Record<string, string> = {}): string {
  const route = ROUTES.find((r) => r.name === name);
  if (!route) return '/';
  return route.pattern.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
}

/**
 * The list pages that link to a request's details. The details page highlights the one it was
 * opened from (`?from=<route name>`) in the side navigation and leads back to it in the
 * breadcrumbs; opened directly, it belongs to My requests.
 */
export const REQUEST_ORIGINS = [
  'myRequests',
  'approveRequests',
  'myApprovals',
  'activeAccess',
  'endedAccess',
  'auditApprovals',
  'auditSessions',
  'reviewsPending',
  'sessionsToReview',
] as const satisfies readonly RouteName[];

export type RequestOrigin = (typeof REQUEST_ORIGINS)[number];

/** The query parameter naming where a request's details were opened from. */
export const REQUEST_ORIGIN_PARAM = 'from';

const DEFAULT_REQUEST_ORIGIN: RequestOrigin = 'myRequests';

function isRequestOrigin(value: string | null | undefined): value is RequestOrigin {
  return REQUEST_ORIGINS.some((origin) => origin === value);
}

/** Where a request's details were opened from: the `from` parameter if it names a list, else My requests. */
export function requestOriginOf(value: string | null | undefined): RequestOrigin {
  return isRequestOrigin(value) ? value : DEFAULT_REQUEST_ORIGIN;
}

/** Path of a request's details opened from a page: the origin travels along unless it is the default. */
export function requestDetailsPath(id: string, from?: RouteName): string {
  const path = pathOf('requestDetails', { id });
  if (!isRequestOrigin(from) || from === DEFAULT_REQUEST_ORIGIN) return path;
  return `${path}?${new URLSearchParams({ [REQUEST_ORIGIN_PARAM]: from }).toString()}`;
}

/** Whether someone with these personas may open a route. */
export function canOpen(audience: RouteAudience, persona: { isAdmin: boolean; isAuditor: boolean }): boolean {
  if (audience === 'admin') return persona.isAdmin;
  if (audience === 'auditor') return persona.isAuditor;
  if (audience === 'reviewer') return persona.isAuditor || persona.isAdmin;
  return true;
}
