import { approverPolicyFrom, eligibilityPolicyFrom } from '../../lambdas/core/policies/stored-policies';
import type {
  AccountInfo,
  ApproverPolicy,
  DirectoryUser,
  EligibilityPolicy,
  GroupRef,
  PermissionSetInfo,
} from '../../lambdas/core/types';

/** A small organization and IdC directory, described as data the fakes are built from. */
export interface OrgDescription {
  managementAccountId: string;
  root: { id: string; name: string };
  /** Every OU with its direct parent (the root or another OU). */
  ous: { id: string; name: string; parentId: string }[];
  accounts: (AccountInfo & { parentId: string })[];
  users: DirectoryUser[];
  groups: GroupRef[];
  /** Group id → member user ids. */
  memberships: Record<string, string[]>;
  permissionSets: PermissionSetInfo[];
  /** Account id → ARNs of the permission sets provisioned to it. */
  provisioned: Record<string, string[]>;
}

const INSTANCE = 'ssoins-7223a1b2c3d4e5f6';
const psArn = (n: number): string =>
  `arn:aws:sso:::permissionSet/${INSTANCE}/ps-${n.toString(16).padStart(16, '0')}`;
const userId = (n: number): string => `9067a1b2c3-a1000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const groupId = (n: number): string => `9067a1b2c3-b2000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

/** Well-known ids of the demo organization, for readable tests. */
export const DEMO = {
  root: { id: 'r-a1b2', name: 'Root' },
  ous: {
    security: { id: 'ou-a1b2-security', name: 'Security' },
    production: { id: 'ou-a1b2-production', name: 'Production' },
    /** Nested under Production: its accounts are NOT covered by a policy naming Production. */
    productionEu: { id: 'ou-a1b2-prodeu01', name: 'Production-EU' },
    nonProduction: { id: 'ou-a1b2-nonprod01', name: 'NonProduction' },
    sandbox: { id: 'ou-a1b2-sandbox01', name: 'Sandbox' },
  },
  accounts: {
    management: { id: '111111111111', name: 'Management' },
    sharedTools: { id: '666666666661', name: 'Shared-Tools' },
    securityAudit: { id: '222222222221', name: 'Security-Audit' },
    logArchive: { id: '222222222222', name: 'Security-LogArchive' },
    prodPayments: { id: '333333333331', name: 'Prod-Payments' },
    prodWeb: { id: '333333333332', name: 'Prod-Web' },
    prodEuData: { id: '333333333333', name: 'Prod-EU-Data' },
    devWorkloads: { id: '444444444441', name: 'Dev-Workloads' },
    staging: { id: '444444444442', name: 'Staging' },
    sandbox: { id: '555555555551', name: 'Sandbox-Alice' },
  },
  permissionSets: {
    admin: { arn: psArn(1), name: 'AdministratorAccess' },
    powerUser: { arn: psArn(2), name: 'PowerUserAccess' },
    readOnly: { arn: psArn(3), name: 'ReadOnlyAccess' },
    /** Provisioned to the management account: never offered, in any account. */
    billing: { arn: psArn(4), name: 'ManagementBilling' },
  },
  groups: {
    users: { id: groupId(1), name: 'TEAM-Users' },
    admins: { id: groupId(2), name: 'TEAM-Admins' },
    approversProduction: { id: groupId(3), name: 'TEAM-Approvers-Production' },
    approversNonProduction: { id: groupId(4), name: 'TEAM-Approvers-NonProduction' },
    auditors: { id: groupId(5), name: 'TEAM-Auditors' },
  },
  users: {
    /** Requester (TEAM-Users) with her own policy for the Sandbox OU and the root. */
    alice: {
      id: userId(1),
      userName: 'alice@example.com',
      displayName: 'Alice Requester',
      email: 'alice@example.com',
    },
    /** Production approver. */
    bob: {
      id: userId(2),
      userName: 'bob@example.com',
      displayName: 'Bob Approver',
      email: 'bob@example.com',
    },
    /** The only NonProduction approver, and also a requester (TEAM-Users). */
    carol: {
      id: userId(3),
      userName: 'carol@example.com',
      displayName: 'Carol Both',
      email: 'carol@example.com',
    },
    /** TEAM admin. */
    dave: {
      id: userId(4),
      userName: 'dave@example.com',
      displayName: 'Dave Admin',
      email: 'dave@example.com',
    },
    /** TEAM auditor. */
    erin: {
      id: userId(5),
      userName: 'erin@example.com',
      displayName: 'Erin Auditor',
      email: 'erin@example.com',
    },
    /** Second Production approver (for concurrent decisions). */
    frank: {
      id: userId(6),
      userName: 'frank@example.com',
      displayName: 'Frank Approver',
      email: 'frank@example.com',
    },
    /** Signed in, in no group, eligible for nothing. */
    oscar: {
      id: userId(7),
      userName: 'oscar@example.com',
      displayName: 'Oscar Outsider',
      email: 'oscar@example.com',
    },
  },
  /** Deployment-config fallbacks for the admin and auditor group names. */
  deployment: { adminGroupName: 'TEAM-Admins', auditorGroupName: 'TEAM-Auditors' },
} as const;

/** The demo organization (fresh copy on each call, so tests can change it freely). */
export function demoOrg(): OrgDescription {
  const { ous, accounts, users, groups, permissionSets: ps } = DEMO;
  const member = [ps.admin.arn, ps.powerUser.arn, ps.readOnly.arn];
  return {
    managementAccountId: accounts.management.id,
    root: { ...DEMO.root },
    ous: [
      { ...ous.security, parentId: DEMO.root.id },
      { ...ous.production, parentId: DEMO.root.id },
      { ...ous.productionEu, parentId: ous.production.id },
      { ...ous.nonProduction, parentId: DEMO.root.id },
      { ...ous.sandbox, parentId: DEMO.root.id },
    ],
    accounts: [
      { ...accounts.management, email: 'aws-management@example.com', parentId: DEMO.root.id },
      { ...accounts.sharedTools, email: 'aws-tools@example.com', parentId: DEMO.root.id },
      { ...accounts.securityAudit, email: 'aws-audit@example.com', parentId: ous.security.id },
      { ...accounts.logArchive, email: 'aws-logs@example.com', parentId: ous.security.id },
      { ...accounts.prodPayments, email: 'aws-payments@example.com', parentId: ous.production.id },
      { ...accounts.prodWeb, email: 'aws-web@example.com', parentId: ous.production.id },
      { ...accounts.prodEuData, email: 'aws-eu-data@example.com', parentId: ous.productionEu.id },
      { ...accounts.devWorkloads, email: 'aws-dev@example.com', parentId: ous.nonProduction.id },
      { ...accounts.staging, email: 'aws-staging@example.com', parentId: ous.nonProduction.id },
      { ...accounts.sandbox, email: 'aws-sandbox@example.com', parentId: ous.sandbox.id },
    ],
    users: Object.values(users).map((u) => ({ ...u })),
    groups: Object.values(groups).map((g) => ({ ...g })),
    memberships: {
      [groups.users.id]: [users.alice.id, users.carol.id],
      [groups.admins.id]: [users.dave.id],
      [groups.approversProduction.id]: [users.bob.id, users.frank.id],
      [groups.approversNonProduction.id]: [users.carol.id],
      [groups.auditors.id]: [users.erin.id],
    },
    permissionSets: [
      { ...ps.admin, description: 'Full access', sessionDuration: 'PT1H' },
      { ...ps.powerUser, description: 'Everything but IAM', sessionDuration: 'PT4H' },
      { ...ps.readOnly, description: 'Read only', sessionDuration: 'PT8H' },
      { ...ps.billing, description: 'Billing in the management account', sessionDuration: 'PT1H' },
    ],
    provisioned: {
      [accounts.management.id]: [ps.billing.arn],
      ...Object.fromEntries(
        Object.values(accounts)
          .filter((a) => a.id !== accounts.management.id)
          .map((a) => [a.id, [...member]]),
      ),
    },
  };
}

const STARTER_TIME = '2026-01-05T08:00:00.000Z';

/**
 * Starter policies of the demo:
 * - TEAM-Users may request ReadOnly/PowerUser in the Production and NonProduction OUs (direct
 *   accounts only, so not Prod-EU-Data) and in Shared-Tools, up to 8 h, with approval;
 * - Alice may request AdministratorAccess in the Sandbox OU and the root (so Shared-Tools and,
 *   were it not excluded, the management account), up to 4 h, without approval;
 * - Production (OU) and the root are approved by TEAM-Approvers-Production, NonProduction by
 *   TEAM-Approvers-NonProduction, and Prod-Web additionally by TEAM-Approvers-NonProduction.
 */
export function demoPolicies(): { eligibility: EligibilityPolicy[]; approvers: ApproverPolicy[] } {
  const { ous, accounts, groups, users, permissionSets: ps } = DEMO;
  return {
    // Written in the original one-per-principal model, as a deployment moving over has them.
    eligibility: [
      eligibilityPolicyFrom({
        id: groups.users.id,
        principalType: 'GROUP',
        principalName: groups.users.name,
        accounts: [{ ...accounts.sharedTools }],
        ous: [{ ...ous.production }, { ...ous.nonProduction }],
        permissionSets: [{ ...ps.readOnly }, { ...ps.powerUser }],
        maxDurationHours: 8,
        approvalRequired: true,
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
      eligibilityPolicyFrom({
        id: users.alice.id,
        principalType: 'USER',
        principalName: users.alice.userName,
        accounts: [],
        ous: [{ ...ous.sandbox }, { ...DEMO.root }],
        permissionSets: [{ ...ps.admin }, { ...ps.billing }],
        maxDurationHours: 4,
        approvalRequired: false,
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
    ],
    approvers: [
      approverPolicyFrom({
        id: ous.production.id,
        targetType: 'OU',
        targetName: ous.production.name,
        approverGroups: [{ ...groups.approversProduction }],
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
      approverPolicyFrom({
        id: DEMO.root.id,
        targetType: 'OU',
        targetName: DEMO.root.name,
        approverGroups: [{ ...groups.approversProduction }],
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
      approverPolicyFrom({
        id: ous.nonProduction.id,
        targetType: 'OU',
        targetName: ous.nonProduction.name,
        approverGroups: [{ ...groups.approversNonProduction }],
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
      approverPolicyFrom({
        id: accounts.prodWeb.id,
        targetType: 'ACCOUNT',
        targetName: accounts.prodWeb.name,
        approverGroups: [{ ...groups.approversNonProduction }],
        updatedAt: STARTER_TIME,
        updatedBy: users.dave.userName,
      }),
    ],
  };
}
