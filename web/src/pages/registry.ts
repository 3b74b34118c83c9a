import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { RouteName } from './routes';

/** What every page receives: the path parameters of its route. */
export interface PageProps {
  params: Record<string, string>;
}

type LazyPage = LazyExoticComponent<ComponentType<PageProps>>;

/** Each page is its own chunk, loaded when first opened: the initial route stays small. */
export const PAGES: Readonly<Record<RouteName, LazyPage>> = {
  home: lazy(() => import('../pages/home/HomePage')),
  createRequest: lazy(() => import('../pages/create-request/CreateRequestPage')),
  myRequests: lazy(() => import('../pages/my-requests/MyRequestsPage')),
  requestDetails: lazy(() => import('../pages/request-details/RequestDetailsPage')),
  approveRequests: lazy(() => import('../pages/approve-requests/ApproveRequestsPage')),
  myApprovals: lazy(() => import('../pages/my-approvals/MyApprovalsPage')),
  activeAccess: lazy(() => import('../pages/active-access/ActiveAccessPage')),
  endedAccess: lazy(() => import('../pages/ended-access/EndedAccessPage')),
  auditApprovals: lazy(() => import('../pages/audit-approvals/AuditApprovalsPage')),
  auditSessions: lazy(() => import('../pages/audit-sessions/AuditSessionsPage')),
  eligibilityPolicy: lazy(() => import('../pages/eligibility-policy/EligibilityPolicyPage')),
  approverPolicy: lazy(() => import('../pages/approver-policy/ApproverPolicyPage')),
  settings: lazy(() => import('../pages/settings/SettingsPage')),
};
