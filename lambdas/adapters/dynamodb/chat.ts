import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChatMessageRef, ChatStore, Clock } from '../../core/ports';
import { isConditionFailure } from './common';

/** How long a request's chat messages are remembered: longer than any request stays open. */
const MESSAGE_DAYS = 30;
/** Most messages read for one request (an approver list is at most 90 people, plus escalations). */
const MAX_MESSAGES = 300;

const messagePk = (requestId: string) => `request#${requestId}`;
const signaturePk = (signature: string) => `signature#${signature}`;

interface MessageItem {
  pk: string;
  sk: string;
  requestId: string;
  conversation: string;
  ts: string;
  recipientId?: string;
  timeZone?: string;
  expiresAt: number;
}

/**
 * The `Chat` table: one item per Slack message posted about a request (`request#<id>` /
 * `slack#<conversation>#<ts>`), and one per accepted interaction signature (`signature#<hex>`),
 * both removed by TTL (`expiresAt`, epoch seconds).
 */
export class DynamoChatStore implements ChatStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async addMessage(ref: ChatMessageRef): Promise<void> {
    const item: MessageItem = {
      pk: messagePk(ref.requestId),
      sk: `slack#${ref.conversation}#${ref.ts}`,
      requestId: ref.requestId,
      conversation: ref.conversation,
      ts: ref.ts,
      ...(ref.recipientId !== undefined && { recipientId: ref.recipientId }),
      ...(ref.timeZone !== undefined && { timeZone: ref.timeZone }),
      expiresAt: this.epochSeconds() + MESSAGE_DAYS * 86_400,
    };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async messagesOf(requestId: string): Promise<ChatMessageRef[]> {
    const refs: ChatMessageRef[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': messagePk(requestId) },
          Limit: MAX_MESSAGES - refs.length,
          ...(start !== undefined && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of (out.Items ?? []) as MessageItem[]) {
        refs.push({
          requestId: item.requestId,
          conversation: item.conversation,
          ts: item.ts,
          ...(item.recipientId !== undefined && { recipientId: item.recipientId }),
          ...(item.timeZone !== undefined && { timeZone: item.timeZone }),
        });
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined && refs.length < MAX_MESSAGES);
    return refs.sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  async firstUse(signature: string, until: Date): Promise<boolean> {
    const now = this.epochSeconds();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: signaturePk(signature), sk: '-', expiresAt: Math.ceil(until.getTime() / 1000) },
          // An expired record the TTL sweeper has not removed yet no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private epochSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
