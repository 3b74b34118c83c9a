import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { SettingsRepository } from '../../core/ports';
import type { Settings } from '../../core/types';
import { compact, isConditionFailure } from './common';

/** The key of the one settings record. */
export const SETTINGS_ID = 'settings';

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
    if (!out.Item) return undefined;
    const { id: _id, ...settings } = out.Item;
    return settings as Settings;
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
