import { describe, expect, it } from 'vitest';
import { eventFilter, passesFilters } from '../../../local/dynamodb/event-filter';
import { ROUTER_STREAM_FILTERS } from '../../../lib/workflows';

const image = (status: string) => ({ id: { S: 'r-1' }, status: { S: status } });
const record = (newStatus?: string, oldStatus?: string) => ({
  eventName: oldStatus === undefined ? 'INSERT' : newStatus === undefined ? 'REMOVE' : 'MODIFY',
  dynamodb: {
    ...(newStatus !== undefined ? { NewImage: image(newStatus) } : {}),
    ...(oldStatus !== undefined ? { OldImage: image(oldStatus) } : {}),
  },
});

describe('the local event filter', () => {
  // The router's patterns as the stack deploys them (CloudFormation holds them as JSON text).
  const router = ROUTER_STREAM_FILTERS.map((p) => eventFilter(JSON.stringify(p)));
  const routed = (r: unknown) => passesFilters(router, r);

  it('lets a new request and changes into statuses people cause reach the router', () => {
    expect(routed(record('pending'))).toBe(true);
    for (const status of ['approved', 'rejected', 'cancelled'])
      expect(routed(record(status, 'pending'))).toBe(true);
    expect(routed(record('revoked', 'in progress'))).toBe(true);
    expect(routed(record('cancelled', 'scheduled'))).toBe(true);
  });

  it('drops history imported from the original TEAM: it is finished and nothing drives it', () => {
    const imported = {
      eventName: 'INSERT',
      dynamodb: { NewImage: { ...image('ended'), importedFrom: { S: 'original-team' } } },
    };
    expect(routed(imported)).toBe(false);
    expect(routed(record('ended'))).toBe(true);
  });

  it('drops the workflow’s own changes, token writes and removals', () => {
    expect(routed(record('scheduled', 'approved'))).toBe(false);
    expect(routed(record('in progress', 'scheduled'))).toBe(false);
    expect(routed(record('ended', 'in progress'))).toBe(false);
    expect(routed(record('expired', 'pending'))).toBe(false);
    expect(routed(record('error', 'revoked'))).toBe(false);
    // A token stored while pending, and the end time written on a revoked request.
    expect(routed(record('pending', 'pending'))).toBe(false);
    expect(routed(record('revoked', 'revoked'))).toBe(false);
    expect(routed(record(undefined, 'ended'))).toBe(false);
  });

  it('implements exact values, exists, anything-but and prefix, over lists too', () => {
    const f = eventFilter(
      JSON.stringify({
        a: ['x', 'y'],
        b: { c: [{ exists: false }] },
        d: [{ 'anything-but': ['z'] }],
        e: [{ prefix: 'ab' }],
      }),
    );
    expect(f({ a: 'y', d: 'q', e: 'abc' })).toBe(true);
    expect(f({ a: ['q', 'x'], d: 'q', e: 'abc' })).toBe(true);
    expect(f({ a: 'q', d: 'q', e: 'abc' })).toBe(false);
    expect(f({ a: 'x', b: { c: 1 }, d: 'q', e: 'abc' })).toBe(false);
    expect(f({ a: 'x', d: 'z', e: 'abc' })).toBe(false);
    expect(f({ a: 'x', e: 'abc' })).toBe(false);
    expect(f({ a: 'x', d: 'q', e: 'xab' })).toBe(false);
    expect(passesFilters([], { anything: true })).toBe(true);
  });

  it('refuses operators it does not implement, when the pattern is read', () => {
    expect(() => eventFilter(JSON.stringify({ n: [{ numeric: ['>', 1] }] }))).toThrow(
      /Unsupported filter rule/,
    );
    expect(() => eventFilter(JSON.stringify({ n: [{ exists: true, prefix: 'a' }] }))).toThrow(/Unsupported/);
    expect(() => eventFilter('[]')).toThrow(/JSON object/);
  });
});
