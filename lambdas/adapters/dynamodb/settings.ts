import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError } from '../../core/errors';
import type { SettingsRepository } from '../../core/ports';
import { DEFAULT_SETTINGS } from '../../core/settings/settings';
import type { Settings } from '../../core/types';
import { compact, isConditionFailure } from './common';

/** The key of the one settings record. */
export const SETTINGS_ID = 'settings';

/** An attribute a record may lack (written before the field existed): its default then. */
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess((value) => (value === undefined || value === null ? fallback : value), schema);

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const groupRef = z.object({ id: z.string(), name: z.string() });

/**
 * The stored record, checked once on the way in: attributes missing from a record written by an
 * older version take their defaults, anything else of the wrong type fails loudly (a setting
 * silently replaced by its default could turn break-glass back on). Unknown attributes are
 * dropped, so a Slack token an old record still holds never leaves the adapter.
 */
const storedSettings = z.object({
  maxDurationHours: withDefault(z.number(), DEFAULT_SETTINGS.maxDurationHours),
  expiryHours: withDefault(z.number(), DEFAULT_SETTINGS.expiryHours),
  commentsRequired: withDefault(z.boolean(), DEFAULT_SETTINGS.commentsRequired),
  ticketRequired: withDefault(z.boolean(), DEFAULT_SETTINGS.ticketRequired),
  approvalWorkflow: withDefault(z.boolean(), DEFAULT_SETTINGS.approvalWorkflow),
  sesEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.sesEnabled),
  sesSourceEmail: optionalText,
  sesSourceArn: optionalText,
  snsEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.snsEnabled),
  slackEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.slackEnabled),
  slackAuditChannel: optionalText,
  slackTokenConfigured: withDefault(z.boolean(), DEFAULT_SETTINGS.slackTokenConfigured),
  slackSigningSecretConfigured: withDefault(z.boolean(), DEFAULT_SETTINGS.slackSigningSecretConfigured),
  teamsEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.teamsEnabled),
  teamsWebhookConfigured: withDefault(z.boolean(), DEFAULT_SETTINGS.teamsWebhookConfigured),
  adminGroupName: optionalText,
  auditorGroupName: optionalText,
  ouCacheEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.ouCacheEnabled),
  ouCacheLifetimeHours: withDefault(z.number(), DEFAULT_SETTINGS.ouCacheLifetimeHours),
  sensitiveActions: withDefault(z.array(z.string()), [...DEFAULT_SETTINGS.sensitiveActions]),
  reminderMinutes: withDefault(z.number(), DEFAULT_SETTINGS.reminderMinutes),
  escalationMinutes: withDefault(z.number(), DEFAULT_SETTINGS.escalationMinutes),
  escalationGroups: withDefault(z.array(groupRef), []),
  breakGlassEnabled: withDefault(z.boolean(), DEFAULT_SETTINGS.breakGlassEnabled),
  updatedAt: optionalText,
  updatedBy: optionalText,
  version: z.number(),
});

/** The settings a stored item holds; throws naming the attribute when one has the wrong type. */
export function settingsFromItem(item: Record<string, unknown>): Settings {
  const parsed = storedSettings.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'the record';
    throw new Error(`The stored settings are malformed at ${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return compact(parsed.data);
}

/**
 * The settings record: read strongly consistent (an admin sees what they just saved), written
 * only if the stored version is the one the admin edited (0: nothing stored yet).
 */
export class DynamoSettingsRepository implements SettingsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<Settings | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id: SETTINGS_ID }, ConsistentRead: true }),
    );
    return out.Item ? settingsFromItem(out.Item) : undefined;
  }

  async put(settings: Settings, expectedVersion: number): Promise<void> {
    const condition =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(id)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: compact({ ...settings, id: SETTINGS_ID }),
          ...condition,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError('The settings were changed by someone else; reload them and try again.');
      }
      throw err;
    }
  }
}
