/**
 * Settings: the defaults used when an admin never saved any, the settings in force, and how an
 * admin's edit is applied.
 */
import { DEFAULT_OU_CACHE_LIFETIME_HOURS } from '../../contract/patterns';
import { ValidationError } from '../errors';
import type { SettingsRepository } from '../ports';
import type { Settings, SettingsFallback } from '../types';
import { validateSettingsInput, type SettingsInput } from './settings-input';

/**
 * Actions flagged in session activity logs unless an admin changes the list: changes to IAM
 * users, passwords, roles, policies and access keys, to security groups, to buckets and their
 * policies and ACLs, and creation, deletion, stopping or modification of instances, databases
 * and their snapshots. A session that used one of them successfully is flagged for review
 * (lambdas/core/session-review).
 */
export const DEFAULT_SENSITIVE_ACTIONS: readonly string[] = [
  'iam.amazonaws.com:CreateUser',
  'iam.amazonaws.com:DeleteUser',
  'iam.amazonaws.com:UpdateUser',
  'iam.amazonaws.com:CreateLoginProfile',
  'iam.amazonaws.com:UpdateLoginProfile',
  'iam.amazonaws.com:ChangePassword',
  'iam.amazonaws.com:AddUserToGroup',
  'iam.amazonaws.com:CreateRole',
  'iam.amazonaws.com:DeleteRole',
  'iam.amazonaws.com:UpdateRole',
  'iam.amazonaws.com:UpdateAssumeRolePolicy',
  'iam.amazonaws.com:CreatePolicy',
  'iam.amazonaws.com:DeletePolicy',
  'iam.amazonaws.com:CreatePolicyVersion',
  'iam.amazonaws.com:SetDefaultPolicyVersion',
  'iam.amazonaws.com:AttachUserPolicy',
  'iam.amazonaws.com:DetachUserPolicy',
  'iam.amazonaws.com:PutUserPolicy',
  'iam.amazonaws.com:DeleteUserPolicy',
  'iam.amazonaws.com:AttachRolePolicy',
  'iam.amazonaws.com:DetachRolePolicy',
  'iam.amazonaws.com:PutRolePolicy',
  'iam.amazonaws.com:DeleteRolePolicy',
  'iam.amazonaws.com:AttachGroupPolicy',
  'iam.amazonaws.com:PutGroupPolicy',
  'iam.amazonaws.com:CreateAccessKey',
  'iam.amazonaws.com:UpdateAccessKey',
  'iam.amazonaws.com:DeleteAccessKey',
  'ec2.amazonaws.com:CreateSecurityGroup',
  'ec2.amazonaws.com:DeleteSecurityGroup',
  'ec2.amazonaws.com:AuthorizeSecurityGroupIngress',
  'ec2.amazonaws.com:AuthorizeSecurityGroupEgress',
  'ec2.amazonaws.com:RevokeSecurityGroupIngress',
  'ec2.amazonaws.com:RevokeSecurityGroupEgress',
  'ec2.amazonaws.com:ModifySecurityGroupRules',
  's3.amazonaws.com:PutBucketPolicy',
  's3.amazonaws.com:DeleteBucketPolicy',
  's3.amazonaws.com:PutBucketAcl',
  's3.amazonaws.com:PutObjectAcl',
  's3.amazonaws.com:PutBucketPublicAccessBlock',
  's3.amazonaws.com:DeleteBucketPublicAccessBlock',
  's3.amazonaws.com:CreateBucket',
  's3.amazonaws.com:DeleteBucket',
  'ec2.amazonaws.com:RunInstances',
  'ec2.amazonaws.com:TerminateInstances',
  'ec2.amazonaws.com:StopInstances',
  'ec2.amazonaws.com:ModifyInstanceAttribute',
  'rds.amazonaws.com:CreateDBInstance',
  'rds.amazonaws.com:DeleteDBInstance',
  'rds.amazonaws.com:ModifyDBInstance',
  'rds.amazonaws.com:CreateDBCluster',
  'rds.amazonaws.com:DeleteDBCluster',
  'rds.amazonaws.com:ModifyDBCluster',
  'rds.amazonaws.com:CreateDBSnapshot',
  'rds.amazonaws.com:DeleteDBSnapshot',
  'dynamodb.amazonaws.com:DeleteTable',
];

/** The settings in force when none are stored (version 0: nothing stored yet). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  maxDurationHours: 9,
  expiryHours: 3,
  commentsRequired: true,
  ticketRequired: true,
  approvalWorkflow: true,
  sesEnabled: false,
  snsEnabled: false,
  slackEnabled: false,
  slackTokenConfigured: false,
  slackSigningSecretConfigured: false,
  teamsEnabled: false,
  teamsWebhookConfigured: false,
  ouCacheEnabled: false,
  ouCacheLifetimeHours: DEFAULT_OU_CACHE_LIFETIME_HOURS,
  sensitiveActions: [...DEFAULT_SENSITIVE_ACTIONS],
  reminderMinutes: 0,
  escalationMinutes: 0,
  escalationGroups: [],
  breakGlassEnabled: true,
  version: 0,
});

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value : undefined;

/**
 * The settings in force: the stored ones (fields missing from an older record take their
 * defaults) or the defaults, with the admin and auditor group names falling back to deployment
 * config. Always a fresh object the caller may change.
 */
export function effectiveSettings(stored: Settings | undefined, fallback: SettingsFallback): Settings {
  const defined = Object.fromEntries(
    Object.entries(stored ?? {}).filter(([, value]) => value !== undefined && value !== null),
  ) as Partial<Settings>;
  const merged: Settings = {
    ...DEFAULT_SETTINGS,
    ...defined,
    sensitiveActions: [...(defined.sensitiveActions ?? DEFAULT_SETTINGS.sensitiveActions)],
    escalationGroups: [...(defined.escalationGroups ?? DEFAULT_SETTINGS.escalationGroups)],
  };
  const adminGroupName = nonEmpty(merged.adminGroupName) ?? nonEmpty(fallback.adminGroupName);
  const auditorGroupName = nonEmpty(merged.auditorGroupName) ?? nonEmpty(fallback.auditorGroupName);
  delete merged.adminGroupName;
  delete merged.auditorGroupName;
  if (adminGroupName !== undefined) merged.adminGroupName = adminGroupName;
  if (auditorGroupName !== undefined) merged.auditorGroupName = auditorGroupName;
  return merged;
}

/** Ports needed to know the settings in force. */
export interface SettingsDeps {
  settings: SettingsRepository;
  /** Deployment config the admin and auditor group names fall back to. */
  fallback?: SettingsFallback;
}

/** The settings in force: stored ones or the defaults, group names falling back to deployment config. */
export async function loadSettings(deps: SettingsDeps): Promise<Settings> {
  return effectiveSettings(await deps.settings.get(), deps.fallback ?? {});
}

type ClearableField =
  'sesSourceEmail' | 'sesSourceArn' | 'slackAuditChannel' | 'adminGroupName' | 'auditorGroupName';
const CLEARABLE: readonly ClearableField[] = [
  'sesSourceEmail',
  'sesSourceArn',
  'slackAuditChannel',
  'adminGroupName',
  'auditorGroupName',
];

const PLAIN = [
  'maxDurationHours',
  'expiryHours',
  'commentsRequired',
  'ticketRequired',
  'approvalWorkflow',
  'sesEnabled',
  'snsEnabled',
  'slackEnabled',
  'teamsEnabled',
  'ouCacheEnabled',
  'ouCacheLifetimeHours',
  'sensitiveActions',
  'reminderMinutes',
  'escalationMinutes',
  'breakGlassEnabled',
] as const satisfies readonly (keyof Settings)[];

/**
 * The reminder and escalation as they stand after an edit: an escalation needs a group to go to,
 * and when both are on the escalation comes after the reminder (reminding people who were just
 * escalated to would be noise).
 */
function requireCoherentTimers(settings: Settings): void {
  if (settings.escalationMinutes > 0 && settings.escalationGroups.length === 0) {
    throw new ValidationError(
      'Escalation groups are required when escalation is on (an escalation time above 0).',
      'escalationGroups',
    );
  }
  if (
    settings.reminderMinutes > 0 &&
    settings.escalationMinutes > 0 &&
    settings.escalationMinutes <= settings.reminderMinutes
  ) {
    throw new ValidationError(
      `Escalation time must be later than the reminder (${settings.reminderMinutes} minutes), or 0 for no escalation.`,
      'escalationMinutes',
    );
  }
}

/**
 * The settings after an admin's edit: the input is validated again, fields left out keep their
 * value, optional text fields set to null or '' are cleared, `slackTokenConfigured`,
 * `slackSigningSecretConfigured` and `teamsWebhookConfigured` follow their secret (a string stores
 * one, null clears it) — the secrets themselves are never part of Settings.
 * Version is bumped; write it conditionally on `current.version`.
 * Throws ValidationError when a channel is switched on without what it needs, or when the
 * escalation has no group to go to or does not come after the reminder.
 */
export function applySettingsInput(
  current: Settings,
  input: SettingsInput,
  meta: { now: Date; updatedBy: string },
): Settings {
  const valid = validateSettingsInput(input);
  const next: Settings = {
    ...current,
    sensitiveActions: [...current.sensitiveActions],
    escalationGroups: current.escalationGroups.map((g) => ({ ...g })),
  };

  for (const key of PLAIN) {
    const value = valid[key];
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  for (const key of CLEARABLE) {
    const value = valid[key];
    if (value === undefined) continue;
    if (value === null || value === '') delete next[key];
    else next[key] = value;
  }
  if (valid.escalationGroups !== undefined)
    next.escalationGroups = valid.escalationGroups.map((g) => ({ ...g }));
  if (valid.slackToken !== undefined) next.slackTokenConfigured = valid.slackToken !== null;
  if (valid.slackSigningSecret !== undefined)
    next.slackSigningSecretConfigured = valid.slackSigningSecret !== null;
  if (valid.teamsWebhookUrl !== undefined) next.teamsWebhookConfigured = valid.teamsWebhookUrl !== null;

  if (next.sesEnabled && !next.sesSourceEmail) {
    throw new ValidationError('Source email is required when email notifications are on.', 'sesSourceEmail');
  }
  if (next.slackEnabled && !next.slackTokenConfigured) {
    throw new ValidationError('Slack token is required when Slack notifications are on.', 'slackToken');
  }
  if (next.teamsEnabled && !next.teamsWebhookConfigured) {
    throw new ValidationError(
      'Teams webhook URL is required when Microsoft Teams notifications are on.',
      'teamsWebhookUrl',
    );
  }
  requireCoherentTimers(next);

  next.updatedAt = meta.now.toISOString();
  next.updatedBy = meta.updatedBy;
  next.version = current.version + 1;
  return next;
}
