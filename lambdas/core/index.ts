/**
 * The core: TEAM's domain, grouped by feature — `requests/` (the lifecycle, creating, deciding,
 * reading and listing requests, the request form), `policies/` (eligibility and approvers),
 * `settings/`, `access/` (grants, the workflow's step, the reconciler), `notifications/`,
 * `session-logs/`, `session-review/` and `dashboard/` (the counters) — over a small shared kernel at this level that every feature may import and
 * that imports no feature: `types.ts` (the domain's data), `errors.ts` (domain errors, each with
 * the `errorType` clients see), `ports.ts` (what the core needs from outside that more than one
 * feature uses; a port only one feature needs sits in that feature, as `notifications/ports.ts`),
 * `authorization.ts` (one decision per API operation), `paging.ts`, `audit.ts` (actors and audit
 * event ids) and `input-fields.ts` (the building blocks of the input schemas, each schema sitting
 * beside its use case). Features import each other one way only: settings use no other feature;
 * policies and session logs use settings; requests use policies and settings; access uses
 * requests, settings and notifications (and session review's port, to say a session ended, and
 * the dashboard's recorder); session review uses session logs, settings, requests and the
 * dashboard's recorder; the dashboard uses no other feature. Nothing here knows about AWS, Lambda
 * or GraphQL.
 */
export * from './types';
export * from './errors';
export * from './ports';
export * from './authorization';
export * from './paging';
export * from './audit';
export * from './input-fields';
export * from './requests';
export * from './policies';
export * from './settings';
export * from './access';
export * from './notifications';
export * from './session-logs';
export * from './session-review';
export * from './dashboard';
