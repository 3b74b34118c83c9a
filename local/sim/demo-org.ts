import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PATTERNS } from './ids';

/**
 * The demo organization (`local/demo-org.json`): the AWS Organizations tree, the Identity
 * Center instance with its permission sets and standing assignments, the Identity Store
 * directory, and TEAM's starter policies. Everything refers to fixed ids so URLs and tests
 * stay stable; the loader checks that every reference resolves.
 */

const accountId = z.string().regex(PATTERNS.accountId, 'account id: 12 digits');
const ouId = z.string().regex(PATTERNS.ouId, 'OU id: ou-xxxx-xxxxxxxx');
const rootId = z.string().regex(PATTERNS.rootId, 'root id: r-xxxx');
const parentId = z.union([rootId, ouId]);
const principalId = z.string().regex(PATTERNS.principalId, 'user/group id: UUID-like');
const permissionSetArn = z.string().regex(PATTERNS.permissionSetArn, 'permission set ARN');
const isoDuration = z.string().regex(/^PT(\d+H)?(\d+M)?$/, 'ISO 8601 duration like PT1H');
const named = z.object({ id: z.string(), name: z.string() });

export const eligibilityPolicySchema = z.object({
  /** The IdC user or group id (one policy per principal and name). */
  id: principalId,
  principalType: z.enum(['USER', 'GROUP']),
  principalName: z.string(),
  accounts: z.array(named.extend({ id: accountId })),
  ous: z.array(named.extend({ id: parentId })),
  permissionSets: z.array(z.object({ arn: permissionSetArn, name: z.string() })).min(1),
  maxDurationHours: z.number().int().min(1).max(8000),
  approvalRequired: z.boolean(),
  /** The policy's name among the principal's policies (the API's `default` when absent). */
  name: z.string().min(1).max(64).optional(),
  /** Most hours with extensions (at least `maxDurationHours`; absent: no extensions). */
  maxTotalHours: z.number().int().min(1).max(8000).optional(),
  /** Extensions wait for approval like the request (the API's default, true, when absent). */
  extensionApprovalRequired: z.boolean().optional(),
  /** The principal may take this access as break-glass. */
  breakGlass: z.boolean().optional(),
  /** Longest break-glass access (the API's default, 1 hour, when absent). */
  breakGlassMaxHours: z.number().int().min(1).max(24).optional(),
  ticketNo: z.string().optional(),
});

/** A stage of an approver policy after its first: its own approvers and number of approvals. */
export const approvalStageSchema = z.object({
  name: z.string().min(1).max(64),
  approverGroups: z.array(named.extend({ id: principalId })).default([]),
  /** Users by id and userName. */
  approverUsers: z.array(named.extend({ id: principalId })).default([]),
  approvalsRequired: z.number().int().min(1).max(10).default(1),
});

const timerMinutes = z.number().int().min(1).max(10_080);

export const approverPolicySchema = z.object({
  /** The account, OU or root id the policy applies to. */
  id: z.union([accountId, parentId]),
  targetType: z.enum(['ACCOUNT', 'OU']),
  targetName: z.string(),
  /** Only requests for these permission sets (none: every permission set). */
  permissionSets: z.array(z.object({ arn: permissionSetArn, name: z.string() })).default([]),
  approverGroups: z.array(named.extend({ id: principalId })).default([]),
  /** Users by id and userName. */
  approverUsers: z.array(named.extend({ id: principalId })).default([]),
  /** Approvals the first stage needs from different people (the API's default, 1, when absent). */
  approvalsRequired: z.number().int().min(1).max(10).optional(),
  /** Name of the first stage, shown in a request's progress. */
  stageName: z.string().min(1).max(64).optional(),
  /** Stages approved in order after the first. */
  nextStages: z.array(approvalStageSchema).default([]),
  remindAfterMinutes: timerMinutes.optional(),
  escalateAfterMinutes: timerMinutes.optional(),
  escalationGroups: z.array(named.extend({ id: principalId })).default([]),
  ticketNo: z.string().optional(),
});

const demoOrgShape = z.object({
  description: z.string().optional(),
  organization: z.object({
    id: z.string().regex(PATTERNS.organizationId),
    managementAccountId: accountId,
    root: z.object({ id: rootId, name: z.string().default('Root') }),
  }),
  ous: z.array(z.object({ id: ouId, name: z.string().min(1), parentId })),
  accounts: z.array(
    z.object({
      id: accountId,
      name: z.string().min(1),
      email: z.email(),
      parentId,
      status: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']).default('ACTIVE'),
    }),
  ),
  identityCenter: z.object({
    instanceArn: z.string().regex(PATTERNS.instanceArn),
    identityStoreId: z.string().regex(PATTERNS.identityStoreId),
    name: z.string().optional(),
    region: z.string().default('us-east-1'),
  }),
  permissionSets: z.array(
    z.object({
      arn: permissionSetArn,
      name: z.string().regex(/^[\w+=,.@-]{1,32}$/, 'permission set name'),
      description: z.string().optional(),
      sessionDuration: isoDuration,
      /** Accounts the permission set is provisioned to (besides those it gets assigned in). */
      provisionedTo: z.array(accountId).default([]),
    }),
  ),
  users: z.array(
    z.object({
      id: principalId,
      userName: z.string().min(1),
      displayName: z.string().min(1),
      givenName: z.string().min(1),
      familyName: z.string().min(1),
      email: z.email(),
    }),
  ),
  groups: z.array(
    z.object({
      id: principalId,
      displayName: z.string().min(1),
      description: z.string().optional(),
      /** Members by userName. */
      members: z.array(z.string()).default([]),
    }),
  ),
  /** Standing access that exists before TEAM: principal by userName or group displayName. */
  assignments: z
    .array(
      z.object({
        accountId,
        permissionSet: z.string(),
        principalType: z.enum(['USER', 'GROUP']),
        principal: z.string(),
      }),
    )
    .default([]),
  policies: z
    .object({
      eligibility: z.array(eligibilityPolicySchema).default([]),
      approvers: z.array(approverPolicySchema).default([]),
    })
    .default({ eligibility: [], approvers: [] }),
});

function checkReferences(org: z.infer<typeof demoOrgShape>, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const unique = (what: string, values: string[], path: string) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) issue([path, i], `duplicate ${what} ${v}`);
      seen.add(v);
    });
  };
  unique(
    'OU id',
    org.ous.map((o) => o.id),
    'ous',
  );
  unique(
    'account id',
    org.accounts.map((a) => a.id),
    'accounts',
  );
  unique(
    'permission set ARN',
    org.permissionSets.map((p) => p.arn),
    'permissionSets',
  );
  unique(
    'permission set name',
    org.permissionSets.map((p) => p.name),
    'permissionSets',
  );
  unique(
    'user id',
    org.users.map((u) => u.id),
    'users',
  );
  unique(
    'userName',
    org.users.map((u) => u.userName),
    'users',
  );
  unique(
    'group id',
    org.groups.map((g) => g.id),
    'groups',
  );
  unique(
    'group displayName',
    org.groups.map((g) => g.displayName),
    'groups',
  );

  const parents = new Map<string, string>([[org.organization.root.id, org.organization.root.name]]);
  for (const ou of org.ous) parents.set(ou.id, ou.name);
  org.ous.forEach((ou, i) => {
    if (!parents.has(ou.parentId)) issue(['ous', i, 'parentId'], `unknown parent ${ou.parentId}`);
  });
  // Every OU must reach the root: a cycle would make the tree endless.
  const ouParent = new Map(org.ous.map((o) => [o.id, o.parentId]));
  org.ous.forEach((ou, i) => {
    const seen = new Set<string>();
    let at: string | undefined = ou.id;
    while (at && ouParent.has(at)) {
      if (seen.has(at)) {
        issue(['ous', i], `OU ${ou.id} is part of a cycle`);
        break;
      }
      seen.add(at);
      at = ouParent.get(at);
    }
  });
  const accounts = new Map(org.accounts.map((a) => [a.id, a.name]));
  org.accounts.forEach((a, i) => {
    if (!parents.has(a.parentId)) issue(['accounts', i, 'parentId'], `unknown parent ${a.parentId}`);
  });
  if (!accounts.has(org.organization.managementAccountId)) {
    issue(['organization', 'managementAccountId'], 'the management account must be listed in accounts');
  }
  const instanceSuffix = org.identityCenter.instanceArn.split('/').pop();
  const permissionSets = new Map(org.permissionSets.map((p) => [p.arn, p.name]));
  org.permissionSets.forEach((p, i) => {
    if (p.arn.split('/')[1] !== instanceSuffix)
      issue(['permissionSets', i, 'arn'], 'belongs to another instance');
    p.provisionedTo.forEach((id, j) => {
      if (!accounts.has(id)) issue(['permissionSets', i, 'provisionedTo', j], `unknown account ${id}`);
    });
  });
  const userNames = new Map(org.users.map((u) => [u.userName, u.id]));
  const users = new Map(org.users.map((u) => [u.id, u.userName]));
  const groups = new Map(org.groups.map((g) => [g.id, g.displayName]));
  const groupNames = new Set(org.groups.map((g) => g.displayName));
  org.groups.forEach((g, i) =>
    g.members.forEach((m, j) => {
      if (!userNames.has(m)) issue(['groups', i, 'members', j], `unknown userName ${m}`);
    }),
  );
  const psNames = new Set(permissionSets.values());
  org.assignments.forEach((a, i) => {
    if (!accounts.has(a.accountId)) issue(['assignments', i, 'accountId'], `unknown account ${a.accountId}`);
    if (!psNames.has(a.permissionSet))
      issue(['assignments', i, 'permissionSet'], `unknown ${a.permissionSet}`);
    const known = a.principalType === 'USER' ? userNames.has(a.principal) : groupNames.has(a.principal);
    if (!known) issue(['assignments', i, 'principal'], `unknown ${a.principalType} ${a.principal}`);
  });
  const sameName = (map: Map<string, string>, id: string, name: string, path: (string | number)[]) => {
    const actual = map.get(id);
    if (actual === undefined) issue(path, `unknown id ${id}`);
    else if (actual !== name) issue(path, `name ${name} does not match ${actual}`);
  };
  unique(
    'eligibility policy (principal and name)',
    org.policies.eligibility.map((p) => `${p.id} ${p.name ?? 'default'}`),
    'policies',
  );
  org.policies.eligibility.forEach((p, i) => {
    const base = ['policies', 'eligibility', i];
    sameName(p.principalType === 'USER' ? users : groups, p.id, p.principalName, [...base, 'id']);
    p.accounts.forEach((a, j) => sameName(accounts, a.id, a.name, [...base, 'accounts', j]));
    p.ous.forEach((o, j) => sameName(parents, o.id, o.name, [...base, 'ous', j]));
    p.permissionSets.forEach((ps, j) =>
      sameName(permissionSets, ps.arn, ps.name, [...base, 'permissionSets', j]),
    );
    if (p.accounts.length + p.ous.length === 0) issue(base, 'needs at least one account or OU');
    if (p.maxTotalHours !== undefined && p.maxTotalHours < p.maxDurationHours) {
      issue([...base, 'maxTotalHours'], 'must be at least maxDurationHours');
    }
    if (p.breakGlassMaxHours !== undefined && p.breakGlass !== true) {
      issue([...base, 'breakGlassMaxHours'], 'only with breakGlass: true');
    }
  });
  unique(
    'approver policy target and scope',
    org.policies.approvers.map((p) => [p.id, ...p.permissionSets.map((ps) => ps.arn).sort()].join(' ')),
    'policies',
  );
  org.policies.approvers.forEach((p, i) => {
    const base = ['policies', 'approvers', i];
    sameName(p.targetType === 'ACCOUNT' ? accounts : parents, p.id, p.targetName, [...base, 'id']);
    p.permissionSets.forEach((ps, j) =>
      sameName(permissionSets, ps.arn, ps.name, [...base, 'permissionSets', j]),
    );
    p.approverGroups.forEach((g, j) => sameName(groups, g.id, g.name, [...base, 'approverGroups', j]));
    p.approverUsers.forEach((u, j) => sameName(users, u.id, u.name, [...base, 'approverUsers', j]));
    if (p.approverGroups.length + p.approverUsers.length === 0) {
      issue(base, 'needs at least one approver group or user');
    }
    p.escalationGroups.forEach((g, j) => sameName(groups, g.id, g.name, [...base, 'escalationGroups', j]));
    p.nextStages.forEach((stage, k) => {
      const at = [...base, 'nextStages', k];
      stage.approverGroups.forEach((g, j) => sameName(groups, g.id, g.name, [...at, 'approverGroups', j]));
      stage.approverUsers.forEach((u, j) => sameName(users, u.id, u.name, [...at, 'approverUsers', j]));
      if (stage.approverGroups.length + stage.approverUsers.length === 0) {
        issue(at, 'needs at least one approver group or user');
      }
    });
    if (
      p.remindAfterMinutes !== undefined &&
      p.escalateAfterMinutes !== undefined &&
      p.escalateAfterMinutes <= p.remindAfterMinutes
    ) {
      issue([...base, 'escalateAfterMinutes'], 'must be later than remindAfterMinutes');
    }
  });
}

export const demoOrgSchema = demoOrgShape.superRefine(checkReferences);

export type DemoOrg = z.infer<typeof demoOrgSchema>;
/** What a demo org file may leave out (defaults are filled in by the loader). */
export type DemoOrgInput = z.input<typeof demoOrgSchema>;
export type DemoEligibilityPolicy = z.infer<typeof eligibilityPolicySchema>;
export type DemoApproverPolicy = z.infer<typeof approverPolicySchema>;

/** `local/demo-org.json`. */
export const DEFAULT_DEMO_ORG_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo-org.json');

/** Validates parsed JSON as a demo organization; throws a readable error naming each problem. */
export function parseDemoOrg(json: unknown): DemoOrg {
  const result = demoOrgSchema.safeParse(json);
  if (!result.success) throw new Error(`Invalid demo organization:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads and validates a demo organization file (default: `local/demo-org.json`). */
export function loadDemoOrg(path: string = DEFAULT_DEMO_ORG_PATH): DemoOrg {
  return parseDemoOrg(JSON.parse(readFileSync(path, 'utf8')));
}
