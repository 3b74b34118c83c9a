import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { processByItem } from '../../lambdas/handlers/stream-batch';

let sequence = 0;
/** A stream record of item `id`, named `label` (the label doubles as the record's event id). */
function record(id: string, label: string): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: label,
    eventName: 'MODIFY',
    dynamodb: { Keys: { id: { S: id } }, SequenceNumber: String(sequence) },
  };
}

const labelOf = (r: DynamoDBRecord) => r.eventID ?? '?';
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('processByItem', () => {
  it('keeps each item in stream order while items run side by side', async () => {
    const log: string[] = [];
    const records = [record('a', 'a1'), record('b', 'b1'), record('a', 'a2'), record('b', 'b2')];
    const result = await processByItem({ Records: records }, async (r) => {
      log.push(`start ${labelOf(r)}`);
      await tick();
      log.push(`end ${labelOf(r)}`);
    });
    expect(result).toEqual({ batchItemFailures: [] });
    // b1 starts before a1 is done (side by side); a2 never starts before a1 ends.
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('start b2'));
  });

  it('fails the rest of an item after its failure, goes on with the others, reports in stream order', async () => {
    const handled: string[] = [];
    const errors: string[] = [];
    const records = [
      record('a', 'a1'),
      record('b', 'b1'),
      record('a', 'a2'),
      record('c', 'c1'),
      record('a', 'a3'),
      record('b', 'b2'),
    ];
    const result = await processByItem(
      { Records: records },
      (r) => {
        if (labelOf(r) === 'a2' || labelOf(r) === 'b2') return Promise.reject(new Error(`bad ${labelOf(r)}`));
        handled.push(labelOf(r));
        return Promise.resolve();
      },
      { onError: (r, error) => errors.push(`${labelOf(r)}: ${(error as Error).message}`) },
    );
    expect(handled.sort()).toEqual(['a1', 'b1', 'c1']);
    expect(errors.sort()).toEqual(['a2: bad a2', 'b2: bad b2']);
    // a3 was never tried: it must not overtake a2.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      [records[2], records[4], records[5]].map((r) => r?.dynamodb?.SequenceNumber),
    );
  });

  it('runs at most `concurrency` items at once', async () => {
    let running = 0;
    let peak = 0;
    const records = Array.from({ length: 12 }, (_, i) => record(`item-${i}`, `r${i}`));
    await processByItem(
      { Records: records },
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it('answers an empty batch with no failures', async () => {
    expect(await processByItem({ Records: [] }, () => Promise.reject(new Error('never')))).toEqual({
      batchItemFailures: [],
    });
  });
});
