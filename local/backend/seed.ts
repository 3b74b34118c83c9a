/**
 * First-run data of the local cloud: the demo organization's starter eligibility and approver
 * policies (with their extensions, break-glass, approvals and stages) and the default settings, each written only if absent (data kept between runs wins).
 *
 * They are written through the API, as an admin of the organization would write them on the
 * Policies and Settings pages: the GraphQL operations the SPA sends, signed in as the first member
 * of the admin group, so the seeded records pass the same checks as an admin's edits and name
 * that admin as their author.
 */
import {
  CreateApproverPoliciesDocument,
  CreateEligibilityPoliciesDocument,
  SettingsDocument,
  UpdateSettingsDocument,
  type TypedDocumentString,
} from '../../graphql/generated/operations';
import { DEFAULT_SLACK_SIGNING_SECRET, DEFAULT_SLACK_TOKEN } from '../outbox';
import type { DemoOrg } from '../sim';

/**
 * The notification settings of a fresh local cloud: email (SES), Slack and Microsoft Teams on, all
 * into the outbox, so every notification of the demo shows up without visiting Settings. SNS stays
 * off (its topic has no subscribers to show). The Slack token is the one the outbox's stub accepts,
 * and the signing secret the one its interactions are signed with (so Approve and Reject work);
 * the Teams webhook is the outbox's (`SeedApi.teamsWebhookUrl`: its port changes between runs).
 */
export const DEMO_NOTIFICATIONS = {
  sesEnabled: true,
  sesSourceEmail: 'team@example.com',
  slackEnabled: true,
  slackToken: DEFAULT_SLACK_TOKEN,
  slackSigningSecret: DEFAULT_SLACK_SIGNING_SECRET,
  teamsEnabled: true,
} as const;

/** What `seedDemoData` wrote (ids), and what it left alone because it was there. */
export interface SeedResult {
  eligibility: { created: string[]; kept: string[] };
  approvers: { created: string[]; kept: string[] };
  settings: 'created' | 'kept';
}

/** Where and as whom the seed talks to the API. */
export interface SeedApi {
  /** The GraphQL endpoint (the local AppSync). */
  graphqlUrl: string;
  /** The TEAM admin group of the deployment (its first member in the organization seeds). */
  adminGroup: string;
  /** Signs a user in; resolves to the access token the SPA would send. */
  accessTokenOf(userName: string): Promise<string>;
  /** The outbox's Teams webhook; without it, Teams notifications stay off. */
  teamsWebhookUrl?: string;
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: { errorType?: string | null; message: string }[];
}

/** Answer of an operation that may find its record already there. */
type Outcome<TData> = { conflict: false; data: TData } | { conflict: true };

/** The `errorType` of a record that already exists or changed since it was read (graphql/README.md). */
const CONFLICT = 'Conflict';

function graphqlClient(url: string, token: string) {
  return async <TData, TVariables>(
    document: TypedDocumentString<TData, TVariables>,
    variables: TVariables,
  ): Promise<Outcome<TData>> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await response.json()) as GraphQLResponse<TData>;
    const errors = body.errors ?? [];
    if (errors.length > 0 && errors.every((e) => e.errorType === CONFLICT)) return { conflict: true };
    if (errors.length > 0 || !body.data) {
      const reasons = errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message}`).join('; ');
      throw new Error(`Seeding the local cloud failed (HTTP ${response.status}): ${reasons || 'no data'}`);
    }
    return { conflict: false, data: body.data };
  };
}

/** The user who seeds: the first member of the admin group. */
function seedingAdmin(org: DemoOrg, adminGroup: string): string {
  const admin = org.groups.find((g) => g.displayName === adminGroup)?.members[0];
  if (admin === undefined) {
    throw new Error(`The organization has no member of ${adminGroup} to seed its policies and settings.`);
  }
  return admin;
}

/** Seeds the demo organization's policies and the default settings where none exist. */
export async function seedDemoData(org: DemoOrg, api: SeedApi): Promise<SeedResult> {
  const run = graphqlClient(api.graphqlUrl, await api.accessTokenOf(seedingAdmin(org, api.adminGroup)));
  const result: SeedResult = {
    eligibility: { created: [], kept: [] },
    approvers: { created: [], kept: [] },
    settings: 'kept',
  };
  // One call per policy: a call creates all its policies or none, and each may exist already.
  for (const p of org.policies.eligibility) {
    const outcome = await run(CreateEligibilityPoliciesDocument, {
      input: {
        principals: [{ id: p.id, type: p.principalType }],
        accountIds: p.accounts.map((a) => a.id),
        ouIds: p.ous.map((o) => o.id),
        permissionSetArns: p.permissionSets.map((s) => s.arn),
        maxDurationHours: p.maxDurationHours,
        approvalRequired: p.approvalRequired,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.maxTotalHours !== undefined ? { maxTotalHours: p.maxTotalHours } : {}),
        ...(p.extensionApprovalRequired !== undefined
          ? { extensionApprovalRequired: p.extensionApprovalRequired }
          : {}),
        ...(p.breakGlass !== undefined ? { breakGlass: p.breakGlass } : {}),
        ...(p.breakGlassMaxHours !== undefined ? { breakGlassMaxHours: p.breakGlassMaxHours } : {}),
        ...(p.ticketNo ? { ticketNo: p.ticketNo } : {}),
      },
    });
    result.eligibility[outcome.conflict ? 'kept' : 'created'].push(p.id);
  }
  for (const p of org.policies.approvers) {
    const outcome = await run(CreateApproverPoliciesDocument, {
      input: {
        targets: [p.id],
        ...(p.permissionSets.length > 0 ? { permissionSetArns: p.permissionSets.map((s) => s.arn) } : {}),
        approverGroupIds: p.approverGroups.map((g) => g.id),
        approverUserIds: p.approverUsers.map((u) => u.id),
        ...(p.approvalsRequired !== undefined ? { approvalsRequired: p.approvalsRequired } : {}),
        ...(p.stageName !== undefined ? { stageName: p.stageName } : {}),
        nextStages: p.nextStages.map((stage) => ({
          name: stage.name,
          approverGroupIds: stage.approverGroups.map((g) => g.id),
          approverUserIds: stage.approverUsers.map((u) => u.id),
          approvalsRequired: stage.approvalsRequired,
        })),
        ...(p.remindAfterMinutes !== undefined ? { remindAfterMinutes: p.remindAfterMinutes } : {}),
        ...(p.escalateAfterMinutes !== undefined ? { escalateAfterMinutes: p.escalateAfterMinutes } : {}),
        ...(p.escalationGroups.length > 0 ? { escalationGroupIds: p.escalationGroups.map((g) => g.id) } : {}),
        ...(p.ticketNo ? { ticketNo: p.ticketNo } : {}),
      },
    });
    result.approvers[outcome.conflict ? 'kept' : 'created'].push(p.id);
  }
  const read = await run(SettingsDocument, {});
  if (!read.conflict && read.data.settings.version === 0) {
    // Nothing stored: save the defaults, as an admin saving the Settings page would, with email,
    // Slack and Teams notifications on (into the outbox). The group names are left out, so they keep
    // following the deployment's.
    const s = read.data.settings;
    const saved = await run(UpdateSettingsDocument, {
      input: {
        maxDurationHours: s.maxDurationHours,
        expiryHours: s.expiryHours,
        commentsRequired: s.commentsRequired,
        ticketRequired: s.ticketRequired,
        approvalWorkflow: s.approvalWorkflow,
        sesEnabled: DEMO_NOTIFICATIONS.sesEnabled,
        sesSourceEmail: DEMO_NOTIFICATIONS.sesSourceEmail,
        snsEnabled: s.snsEnabled,
        slackEnabled: DEMO_NOTIFICATIONS.slackEnabled,
        slackToken: DEMO_NOTIFICATIONS.slackToken,
        slackSigningSecret: DEMO_NOTIFICATIONS.slackSigningSecret,
        ...(api.teamsWebhookUrl
          ? { teamsEnabled: DEMO_NOTIFICATIONS.teamsEnabled, teamsWebhookUrl: api.teamsWebhookUrl }
          : {}),
        ouCacheEnabled: s.ouCacheEnabled,
        sensitiveActions: s.sensitiveActions,
        expectedVersion: 0,
      },
    });
    if (!saved.conflict) result.settings = 'created';
  }
  return result;
}
