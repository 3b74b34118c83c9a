/**
 * The demo's history: past requests lived through the real use cases, counted for the dashboard
 * as they end — and the counters are what a rebuild from the stored requests gives.
 */
import { describe, expect, it } from 'vitest';
import { computeSnapshot, makeGetDashboard, type DashboardView } from '../../../lambdas/core/dashboard';
import type { AccessRequest } from '../../../lambdas/core/types';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { useLocalCloud } from '../../support/local-cloud';

const DAYS = 7;
const cloud = useLocalCloud({ demoHistoryDays: DAYS, sessionActivity: false });
const admin = {
  userId: 'admin',
  userName: 'admin',
  email: '',
  groupIds: [],
  isAdmin: true,
  isAuditor: false,
};

async function everyRequest(): Promise<AccessRequest[]> {
  const all: AccessRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await cloud.backend.backend.ports.requests.listAll({
      limit: 100,
      ...(cursor !== undefined && { cursor }),
    });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
}

describe('demo history', () => {
  it('lives a week of requests through the use cases, in the past, to every kind of end', async () => {
    const requests = await everyRequest();
    expect(requests.length).toBeGreaterThan(DAYS * 2);
    const now = Date.now();
    for (const r of requests) {
      expect(Date.parse(r.createdAt)).toBeLessThan(now - 3_600_000);
      // Nothing is left for a workflow: every request reached a final status.
      expect(['ended', 'revoked', 'rejected', 'cancelled', 'expired', 'error']).toContain(r.status);
    }
    const statuses = new Set(requests.map((r) => r.status));
    expect(statuses).toContain('ended');
    expect(statuses).toContain('rejected');
    // Decided by a listed approver, never by the requester.
    for (const r of requests.filter((x) => x.decidedBy)) {
      expect(r.decidedBy?.id).not.toBe(r.requester.id);
      expect(r.approvers.map((a) => a.id)).toContain(r.decidedBy?.id);
    }
  });

  it('counted each request as it ended: the counters equal a rebuild from the stored requests', async () => {
    const requests = await everyRequest();
    const clock = { now: () => new Date() };
    const range = {
      from: new Date(Date.now() - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10),
      to: new Date().toISOString().slice(0, 10),
    };
    const read = (aggregates: InMemoryAggregateStore | typeof cloud.backend.backend.ports.aggregates) =>
      makeGetDashboard({ aggregates, clock })(admin, range);
    const counted: DashboardView = await read(cloud.backend.backend.ports.aggregates);
    const rebuilt = new InMemoryAggregateStore();
    const { snapshot } = await computeSnapshot({
      requests: { listAll: () => Promise.resolve({ items: requests }) },
      clock,
    });
    await rebuilt.replaceAll(snapshot);
    expect({ ...(await read(rebuilt)), updatedAt: null }).toEqual({ ...counted, updatedAt: null });
    expect(counted.days.reduce((n, d) => n + d.created, 0)).toBe(requests.length);
    expect(counted.top.approver.length).toBeGreaterThan(0);
    expect(counted.activeNow).toBe(0);
  });
});
