/**
 * The settings as the schema's `Settings`. Fields are listed one by one, so a secret that ever
 * slipped into a stored record has no way out: the schema has no field for it either.
 */
import type { Settings as GraphQLSettings, ReconcileNowResult } from '../../../../graphql/generated/schema';
import type { ReconciliationStarted } from '../../../core/access';
import type { Settings } from '../../../core/types';

/** A GraphQL `Settings`. */
export function settingsToGraphQL(s: Settings): GraphQLSettings {
  return {
    maxDurationHours: s.maxDurationHours,
    expiryHours: s.expiryHours,
    commentsRequired: s.commentsRequired,
    ticketRequired: s.ticketRequired,
    approvalWorkflow: s.approvalWorkflow,
    sesEnabled: s.sesEnabled,
    sesSourceEmail: s.sesSourceEmail ?? null,
    sesSourceArn: s.sesSourceArn ?? null,
    snsEnabled: s.snsEnabled,
    slackEnabled: s.slackEnabled,
    slackAuditChannel: s.slackAuditChannel ?? null,
    slackTokenConfigured: s.slackTokenConfigured,
    slackSigningSecretConfigured: s.slackSigningSecretConfigured,
    teamsEnabled: s.teamsEnabled,
    teamsWebhookConfigured: s.teamsWebhookConfigured,
    adminGroupName: s.adminGroupName ?? null,
    auditorGroupName: s.auditorGroupName ?? null,
    ouCacheEnabled: s.ouCacheEnabled,
    ouCacheLifetimeHours: s.ouCacheLifetimeHours,
    sensitiveActions: [...s.sensitiveActions],
    reminderMinutes: s.reminderMinutes,
    escalationMinutes: s.escalationMinutes,
    escalationGroups: s.escalationGroups.map((g) => ({ id: g.id, name: g.name })),
    breakGlassEnabled: s.breakGlassEnabled,
    updatedAt: s.updatedAt ?? null,
    updatedBy: s.updatedBy ?? null,
    version: s.version,
  };
}

/** A GraphQL `ReconcileNowResult`: when the reconciler run was started. */
export function reconciliationStartedToGraphQL(started: ReconciliationStarted): ReconcileNowResult {
  return { startedAt: started.startedAt };
}
