import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { RouteName } from '../app/routes';
import type { PageProps } from './page-props';

type LazyPage = LazyExoticComponent<ComponentType<PageProps>>;

/**
 * Each page is its own chunk, loaded when first opened: the initial route stays small. The shell
 * reaches the pages through this map only; pages take their props type from `./page-props`.
 */
export const PAGES: Readonly<Record<RouteName, LazyPage>> = {
  home: lazy(() => import('./home/home-page')),
  createRequest: lazy(() => import('./create-request/create-request-page')),
  myRequests: lazy(() => import('./my-requests/my-requests-page')),
  requestDetails: lazy(() => import('./request-details/request-details-page')),
  approveRequests: lazy(() => import('./approve-requests/approve-requests-page')),
  myApprovals: lazy(() => import('./my-approvals/my-approvals-page')),
  activeAccess: lazy(() => import('./active-access/active-access-page')),
  endedAccess: lazy(() => import('./ended-access/ended-access-page')),
  auditApprovals: lazy(() => import('./audit-approvals/audit-approvals-page')),
  auditSessions: lazy(() => import('./audit-sessions/audit-sessions-page')),
  reviewsPending: lazy(() => import('./reviews-pending/reviews-pending-page')),
  sessionsToReview: lazy(() => import('./sessions-to-review/sessions-to-review-page')),
  sessionSummary: lazy(() => import('./sessions-to-review/session-summary-page')),
  dashboard: lazy(() => import('./dashboard/dashboard-page')),
  eligibilityPolicy: lazy(() => import('./eligibility-policy/eligibility-policy-page')),
  approverPolicy: lazy(() => import('./approver-policy/approver-policy-page')),
  policyDocument: lazy(() => import('./policy-document/policy-document-page')),
  settings: lazy(() => import('./settings/settings-page')),
};
