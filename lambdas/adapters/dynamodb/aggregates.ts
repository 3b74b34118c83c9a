import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import {
  BUCKET_COUNT,
  DAY_COUNTERS,
  DIMENSIONS,
  GAUGES,
  HISTOGRAMS,
  type AggregateEvent,
  type Dimension,
} from '../../core/dashboard/events';
import type {
  AggregateSnapshot,
  AggregateStore,
  DayTotals,
  DimensionDay,
  GaugeValues,
} from '../../core/dashboard/ports';
import { mapLimit } from '../concurrency';
import { isConditionFailure } from './common';

const DAY_PK = 'DAY';
const GAUGE_KEY = { pk: 'GAUGE', sk: 'NOW' } as const;
const APPLIED_SK = 'APPLIED';
const dimensionPk = (d: Dimension) => `DIM#${d}`;
const appliedPk = (subjectId: string) => `APPLIED#${subjectId}`;
/** Marks outlive any change a request can still see (a year and a month after the last one). */
const APPLIED_DAYS = 400;
const countAttr = (id: string) => `c:${id}`;
const nameAttr = (id: string) => `n:${id}`;
const histogramAttr = (name: string, bucket: number) => `${name}_${bucket}`;

type Item = Record<string, unknown>;

/** An UpdateItem of one counter item: numbers to ADD and values to SET. */
interface ItemUpdate {
  key: { pk: string; sk: string };
  add: Map<string, number>;
  set: Map<string, unknown>;
}

function expressionOf(update: ItemUpdate, at: string) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds: string[] = [];
  const sets: string[] = [];
  let i = 0;
  for (const [attr, n] of update.add) {
    names[`#a${i}`] = attr;
    values[`:a${i}`] = n;
    adds.push(`#a${i} :a${i}`);
    i += 1;
  }
  for (const [attr, v] of [...update.set, ['updatedAt', at] as const]) {
    names[`#a${i}`] = attr;
    values[`:a${i}`] = v;
    sets.push(`#a${i} = :a${i}`);
    i += 1;
  }
  return {
    UpdateExpression: `${adds.length > 0 ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The counter item updates a batch of events makes (several events on one item add up). */
export function updatesOf(events: readonly AggregateEvent[]): ItemUpdate[] {
  const updates = new Map<string, ItemUpdate>();
  const update = (pk: string, sk: string): ItemUpdate => {
    const id = `${pk}\u0000${sk}`;
    let u = updates.get(id);
    if (!u) updates.set(id, (u = { key: { pk, sk }, add: new Map(), set: new Map() }));
    return u;
  };
  const add = (u: ItemUpdate, attr: string, n: number) => u.add.set(attr, (u.add.get(attr) ?? 0) + n);
  for (const event of events) {
    const counts = Object.entries(event.counts ?? {});
    const histograms = Object.entries(event.histograms ?? {});
    if (counts.length > 0 || histograms.length > 0) {
      const day = update(DAY_PK, event.day);
      for (const [counter, n] of counts) add(day, counter, n);
      for (const [name, bucket] of histograms) add(day, histogramAttr(name, bucket), 1);
    }
    for (const hit of event.dimensions ?? []) {
      const dim = update(dimensionPk(hit.dimension), event.day);
      add(dim, countAttr(hit.id), 1);
      dim.set.set(nameAttr(hit.id), hit.name);
    }
    const gauges = Object.entries(event.gauges ?? {});
    if (gauges.length > 0) {
      const gauge = update(GAUGE_KEY.pk, GAUGE_KEY.sk);
      for (const [name, n] of gauges) add(gauge, name, n);
    }
  }
  // A gauge change that nets to zero still writes (updatedAt); a zero ADD is harmless.
  return [...updates.values()];
}

function dayTotalsOf(item: Item): DayTotals {
  const totals: DayTotals = { day: String(item.sk), counts: {}, histograms: {} };
  for (const counter of DAY_COUNTERS) {
    const n = item[counter];
    if (typeof n === 'number') totals.counts[counter] = n;
  }
  for (const name of HISTOGRAMS) {
    const buckets = Array.from({ length: BUCKET_COUNT }, (_, b) => {
      const n = item[histogramAttr(name, b)];
      return typeof n === 'number' ? n : 0;
    });
    if (buckets.some((n) => n !== 0)) totals.histograms[name] = buckets;
  }
  return totals;
}

function dimensionDayOf(item: Item): DimensionDay {
  const entries: DimensionDay['entries'] = {};
  for (const [attr, value] of Object.entries(item)) {
    if (!attr.startsWith('c:') || typeof value !== 'number') continue;
    const id = attr.slice(2);
    const name = item[nameAttr(id)];
    entries[id] = { count: value, name: typeof name === 'string' ? name : id };
  }
  return { day: String(item.sk), entries };
}

/**
 * The `Aggregates` table: the dashboard's counters. Counting a request's new events is one
 * transaction — the request's mark (`APPLIED#<id>`, the keys counted so far, on condition that
 * none of the new ones is there yet) and an ADD on every counter item they touch — so a
 * counted event is never counted again and never half counted.
 */
export class DynamoAggregateStore implements AggregateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async appliedEvents(subjectId: string): Promise<ReadonlySet<string>> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: appliedPk(subjectId), sk: APPLIED_SK },
        ProjectionExpression: 'events',
      }),
    );
    const events = (out.Item as { events?: Set<string> } | undefined)?.events;
    return new Set(events ?? []);
  }

  async apply(subjectId: string, events: readonly AggregateEvent[], at: string): Promise<void> {
    if (events.length === 0) return;
    const keys = events.map((e) => e.key);
    const notYet = keys.map((_, i) => `NOT contains(events, :k${i})`).join(' AND ');
    const markValues = Object.fromEntries(keys.map((k, i) => [`:k${i}`, k]));
    const expiresAt = Math.floor(Date.parse(at) / 1000) + APPLIED_DAYS * 86_400;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: appliedPk(subjectId), sk: APPLIED_SK },
                UpdateExpression: 'ADD events :new SET expiresAt = :exp',
                ConditionExpression: notYet,
                ExpressionAttributeValues: { ...markValues, ':new': new Set(keys), ':exp': expiresAt },
              },
            },
            ...updatesOf(events).map((u) => ({
              Update: { TableName: this.tableName, Key: u.key, ...expressionOf(u, at) },
            })),
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`Some events of ${subjectId} were counted meanwhile.`);
      }
      throw error;
    }
  }

  async readDays(from: string, to: string): Promise<DayTotals[]> {
    return (await this.queryRange(DAY_PK, from, to)).map(dayTotalsOf);
  }

  async readDimension(dimension: Dimension, from: string, to: string): Promise<DimensionDay[]> {
    return (await this.queryRange(dimensionPk(dimension), from, to)).map(dimensionDayOf);
  }

  async readGauges(): Promise<GaugeValues> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: GAUGE_KEY }));
    const item = out.Item ?? {};
    const values: GaugeValues['values'] = {};
    for (const gauge of GAUGES) {
      const n = item[gauge];
      if (typeof n === 'number') values[gauge] = n;
    }
    return { values, ...(typeof item.updatedAt === 'string' && { updatedAt: item.updatedAt }) };
  }

  async replaceAll(snapshot: AggregateSnapshot): Promise<void> {
    const puts: Item[] = [];
    for (const day of snapshot.days) {
      const item: Item = { pk: DAY_PK, sk: day.day, updatedAt: snapshot.updatedAt, ...day.counts };
      for (const [name, buckets] of Object.entries(day.histograms)) {
        buckets.forEach((n, b) => {
          if (n !== 0) item[histogramAttr(name, b)] = n;
        });
      }
      puts.push(item);
    }
    for (const dimension of DIMENSIONS) {
      for (const day of snapshot.dimensions[dimension]) {
        const item: Item = { pk: dimensionPk(dimension), sk: day.day, updatedAt: snapshot.updatedAt };
        for (const [id, { count, name }] of Object.entries(day.entries)) {
          item[countAttr(id)] = count;
          item[nameAttr(id)] = name;
        }
        puts.push(item);
      }
    }
    puts.push({ ...GAUGE_KEY, ...snapshot.gauges, updatedAt: snapshot.updatedAt });
    const expiresAt = Math.floor(Date.parse(snapshot.updatedAt) / 1000) + APPLIED_DAYS * 86_400;
    for (const [subjectId, keys] of Object.entries(snapshot.applied)) {
      if (keys.length > 0)
        puts.push({ pk: appliedPk(subjectId), sk: APPLIED_SK, events: new Set(keys), expiresAt });
    }

    // Counter items the snapshot no longer has (days nothing happened on any more) go.
    const keep = new Set(puts.map((p) => `${String(p.pk)}\u0000${String(p.sk)}`));
    const stale: Item[] = [];
    for (const pk of [DAY_PK, ...DIMENSIONS.map(dimensionPk)]) {
      for (const item of await this.queryRange(pk, '0000-00-00', '9999-99-99', 'pk, sk')) {
        if (!keep.has(`${String(item.pk)}\u0000${String(item.sk)}`)) stale.push({ pk: item.pk, sk: item.sk });
      }
    }
    const requests = [
      ...stale.map((Key) => ({ DeleteRequest: { Key } })),
      ...puts.map((Item) => ({ PutRequest: { Item } })),
    ];
    const batches: (typeof requests)[] = [];
    for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
    await mapLimit(batches, 4, (batch) => this.writeBatch(batch));
  }

  private async writeBatch(batch: Record<string, unknown>[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 2000)));
      if (attempt > 8)
        throw new Error('DynamoDB kept refusing part of a rebuild batch; run the rebuild again.');
      const out = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
      );
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }

  private async queryRange(pk: string, from: string, to: string, projection?: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ...(projection !== undefined && { ProjectionExpression: projection }),
          ...(start !== undefined && { ExclusiveStartKey: start }),
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }
}
