/**
 * The session summaries repository against DynamoDB Local: created once, changed only at the
 * version read, the sparse indexes following the summary's state, a review written with its
 * audit event or not at all, and every list an index Query of one page.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestRepository } from '../../../lambdas/adapters/dynamodb/requests';
import { DynamoSessionSummaryRepository } from '../../../lambdas/adapters/dynamodb/session-summaries';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';
import {
  pendingSummaryOf,
  recordSessionReview,
  storeSessionSummary,
  summarizeActivity,
  type SessionSummary,
} from '../../../lambdas/core/session-review';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import type { AuditEvent } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { useDynamo } from '../../support/dynamo';
import { sessionRows } from '../../core/session-review/world';

const dynamo = useDynamo();
const NOW = new Date('2026-03-02T12:00:00.000Z');
const HOUR_MS = 3_600_000;

describe('DynamoSessionSummaryRepository', () => {
  let tables: Awaited<ReturnType<typeof dynamo.freshTables>>;
  let repo: DynamoSessionSummaryRepository;

  beforeAll(async () => {
    tables = await dynamo.freshTables();
    repo = new DynamoSessionSummaryRepository(dynamo.doc, {
      summaries: tables.SessionSummaries,
      events: tables.AuditEvents,
    });
  });

  let ended = 0;
  /** A pending summary of a session that ended `ended` hours after the first. */
  const pending = (): SessionSummary => {
    ended += 1;
    const endedAt = new Date(NOW.getTime() + ended * HOUR_MS).toISOString();
    const request = aRequest({ status: 'ended', grantedAt: NOW.toISOString(), endedAt });
    return pendingSummaryOf(request, 'cloudtrail-lake', NOW)!;
  };
  const item = async (requestId: string) =>
    (await dynamo.doc.send(new GetCommand({ TableName: tables.SessionSummaries, Key: { requestId } }))).Item;
  const complete = (summary: SessionSummary, rows = sessionRows(), summaries = repo) =>
    storeSessionSummary(
      { summaries },
      summary,
      {
        status: 'complete',
        activity: summarizeActivity(rows, DEFAULT_SENSITIVE_ACTIONS),
        windowStart: summary.grantedAt,
        windowEnd: summary.endedAt,
      },
      NOW,
    );

  it('creates a summary once and reads it back as it was', async () => {
    const summary = pending();
    expect(await repo.create(summary)).toBe(true);
    expect(await repo.create({ ...summary, attempts: 9 })).toBe(false);
    expect(await repo.get(summary.requestId)).toEqual(summary);
    expect(await repo.get('no-such-request')).toBeUndefined();
  });

  it('lists what is due, earliest first, from the byDue index only while pending', async () => {
    const fresh = await dynamo.freshTables();
    const own = new DynamoSessionSummaryRepository(dynamo.doc, {
      summaries: fresh.SessionSummaries,
      events: fresh.AuditEvents,
    });
    const [a, b, c] = [pending(), pending(), pending()];
    for (const s of [c!, a!, b!]) await own.create(s);
    dynamo.resetCalls();
    const due = await own.listDue(b!.dueAt!, 10);
    expect(due.map((s) => s.requestId)).toEqual([a!.requestId, b!.requestId]);
    expect((await own.listDue(c!.dueAt!, 1)).map((s) => s.requestId)).toEqual([a!.requestId]);
    const queries = dynamo.calls.filter((call) => call.command === 'QueryCommand');
    expect(queries.map((q) => q.indexName)).toEqual(['byDue', 'byDue']);
    expect(dynamo.calls.some((call) => call.command === 'ScanCommand')).toBe(false);

    // Computed: out of the index (the attribute is gone), so never due again.
    await complete(a!, sessionRows(), own);
    expect((await own.listDue(c!.dueAt!, 10)).map((s) => s.requestId)).toEqual([b!.requestId, c!.requestId]);
    const stored = (
      await dynamo.doc.send(
        new GetCommand({ TableName: fresh.SessionSummaries, Key: { requestId: a!.requestId } }),
      )
    ).Item;
    expect(stored).not.toHaveProperty('duePk');
    expect(stored).not.toHaveProperty('dueAt');
    expect(stored).toMatchObject({ reviewPk: 'to-review' });
  });

  it('changes a summary only at the version read', async () => {
    const summary = pending();
    await repo.create(summary);
    const next = { ...summary, attempts: 1, version: summary.version + 1 };
    await repo.put(next, summary.version);
    await expect(repo.put({ ...summary, attempts: 5, version: 2 }, summary.version)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await repo.get(summary.requestId))?.attempts).toBe(1);
    expect(await item(summary.requestId)).toMatchObject({ duePk: 'DUE', dueAt: summary.dueAt });
  });

  it('keeps only flagged sessions in the review index, and a review moves them with its audit event', async () => {
    const flagged = pending();
    const quiet = pending();
    await repo.create(flagged);
    await repo.create(quiet);
    const toReview = await complete(flagged);
    const notNeeded = await complete(quiet, sessionRows().slice(0, 1));
    expect(toReview.reviewState).toBe('to-review');
    expect(notNeeded.reviewState).toBe('not-needed');
    expect(await item(quiet.requestId)).not.toHaveProperty('reviewPk');

    const requests = new DynamoRequestRepository(dynamo.doc, {
      requests: tables.Requests,
      approvers: tables.RequestApprovers,
      events: tables.AuditEvents,
    });
    const reviewer = { id: 'u-erin', email: 'erin@example.com', name: 'Erin Auditor' };
    const reviewed = await recordSessionReview({ summaries: repo }, toReview, {
      by: reviewer,
      at: new Date(NOW.getTime() + 5 * HOUR_MS),
      comment: 'Expected for INC-1001',
      requestVersion: 3,
    });
    expect(await repo.get(flagged.requestId)).toEqual(reviewed);
    expect(await item(flagged.requestId)).toMatchObject({ reviewPk: 'reviewed' });
    const trail = await requests.listEvents(flagged.requestId, { limit: 10 });
    expect(trail.items).toEqual([
      expect.objectContaining({
        action: 'session-reviewed',
        actor: reviewer,
        comment: 'Expected for INC-1001',
      }),
    ]);

    // A second review (a stale copy) writes neither the summary nor another event.
    await expect(
      recordSessionReview({ summaries: repo }, toReview, {
        by: reviewer,
        at: new Date(NOW.getTime() + 6 * HOUR_MS),
        comment: 'Again',
        requestVersion: 3,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await requests.listEvents(flagged.requestId, { limit: 10 })).items).toHaveLength(1);
  });

  it('writes neither the review nor its event when either condition fails', async () => {
    const summary = pending();
    await repo.create(summary);
    const toReview = await complete(summary);
    const requests = new DynamoRequestRepository(dynamo.doc, {
      requests: tables.Requests,
      approvers: tables.RequestApprovers,
      events: tables.AuditEvents,
    });
    const event: AuditEvent = {
      requestId: summary.requestId,
      id: '2026-03-02T17:00:00.000Z#v000003#session-review',
      at: '2026-03-02T17:00:00.000Z',
      action: 'session-reviewed',
      actor: 'system',
      comment: 'Seen',
    };
    const reviewed = { ...toReview, reviewState: 'reviewed' as const, version: toReview.version + 1 };
    // An event with its id is there already: the summary stays to review.
    await requests.appendEvent(event);
    await expect(repo.putReview(reviewed, toReview.version, event)).rejects.toBeInstanceOf(ConflictError);
    expect((await repo.get(summary.requestId))?.reviewState).toBe('to-review');
    // A stale version: no event is added.
    const other = { ...event, id: `${event.id}-2` };
    await expect(repo.putReview(reviewed, toReview.version - 1, other)).rejects.toBeInstanceOf(ConflictError);
    expect((await requests.listEvents(summary.requestId, { limit: 10 })).items).toHaveLength(1);
  });

  it('pages the flagged sessions, most recently ended first, one index Query per page', async () => {
    const fresh = await dynamo.freshTables();
    const own = new DynamoSessionSummaryRepository(dynamo.doc, {
      summaries: fresh.SessionSummaries,
      events: fresh.AuditEvents,
    });
    const flagged: SessionSummary[] = [];
    for (let i = 0; i < 5; i += 1) {
      const summary = pending();
      await own.create(summary);
      flagged.push(
        await storeSessionSummary(
          { summaries: own },
          summary,
          {
            status: 'complete',
            activity: summarizeActivity(i === 2 ? [] : sessionRows(), DEFAULT_SENSITIVE_ACTIONS),
            windowStart: summary.grantedAt,
            windowEnd: summary.endedAt,
          },
          NOW,
        ),
      );
    }
    const expected = flagged
      .filter((s) => s.flagged)
      .map((s) => s.requestId)
      .reverse();
    dynamo.resetCalls();
    const first = await own.listByReviewState('to-review', { limit: 3 });
    expect(first.items.map((s) => s.requestId)).toEqual(expected.slice(0, 3));
    const second = await own.listByReviewState('to-review', { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((s) => s.requestId)).toEqual(expected.slice(3));
    expect(second.nextCursor).toBeUndefined();
    expect((await own.listByReviewState('reviewed', { limit: 3 })).items).toEqual([]);
    const queries = dynamo.calls.filter((call) => call.command === 'QueryCommand');
    expect(queries.every((q) => q.indexName === 'byReviewState' && q.limit === 3)).toBe(true);
    expect(dynamo.calls.some((call) => call.command === 'ScanCommand')).toBe(false);

    // A cursor of another list, or an edited one, is refused before DynamoDB sees it.
    await expect(
      own.listByReviewState('reviewed', { limit: 3, cursor: first.nextCursor }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(own.listByReviewState('to-review', { limit: 3, cursor: 'nonsense' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // The index projects keys only.
    const raw = await dynamo.doc.send(
      new QueryCommand({
        TableName: fresh.SessionSummaries,
        IndexName: 'byReviewState',
        KeyConditionExpression: 'reviewPk = :s',
        ExpressionAttributeValues: { ':s': 'to-review' },
        Limit: 1,
      }),
    );
    expect(Object.keys(raw.Items?.[0] ?? {}).sort()).toEqual(['endedAt', 'requestId', 'reviewPk']);
  });
});
