/**
 * A world for the session-review use cases: the fakes of every port, a scripted session-log
 * provider, and ended requests with their pending summaries.
 */
import type { SessionLogRow } from '../../../lambdas/core/session-logs';
import {
  makeProcessSessionSummaries,
  pendingSummaryOf,
  type ProcessSummariesOptions,
  type SessionSummary,
} from '../../../lambdas/core/session-review';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { InMemorySessionSummaryStore } from '../../fakes/session-summaries';
import { makeTestWorld } from '../../fakes/world';
import { aRow, FakeSessionLogProvider } from '../session-logs/fakes';

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** A session's calls: one read, one write, one sensitive write, one refused sensitive write. */
export function sessionRows(): SessionLogRow[] {
  return [
    aRow({ eventId: 'e-1', eventTime: '2026-03-02T09:05:00.000Z' }),
    aRow({
      eventId: 'e-2',
      eventTime: '2026-03-02T09:06:00.000Z',
      eventName: 'StartInstances',
      readOnly: false,
    }),
    aRow({
      eventId: 'e-3',
      eventTime: '2026-03-02T09:07:00.000Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      readOnly: false,
      sourceIp: '203.0.113.9',
    }),
    aRow({
      eventId: 'e-4',
      eventTime: '2026-03-02T09:08:00.000Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachRolePolicy',
      readOnly: false,
      errorCode: 'AccessDenied',
    }),
  ];
}

export function reviewWorld() {
  const world = makeTestWorld();
  const summaries = new InMemorySessionSummaryStore();
  const provider = new FakeSessionLogProvider('cloudtrail-lake');
  provider.nextScript = [{ state: 'FINISHED' }];
  const warnings: string[] = [];
  const deps = {
    summaries,
    requests: world.requests,
    settings: world.settings,
    fallback: world.fallback,
    provider,
    clock: world.clock,
    log: { warn: (message: string) => void warnings.push(message) },
  };
  const run = (options: ProcessSummariesOptions = {}) =>
    makeProcessSessionSummaries(deps)({ sleep: async () => undefined, ...options });

  /** A request granted at the world's start that ended `hours` later (stored), and its pending summary. */
  const ended = (overrides: Partial<AccessRequest> = {}, hours = 2) => {
    const grantedAt = world.clock.iso();
    const endedAt = new Date(world.clock.now().getTime() + hours * HOUR_MS).toISOString();
    const request = aRequest({
      status: 'ended',
      approvalRequired: false,
      startTime: grantedAt,
      grantedAt,
      endedAt,
      ...overrides,
    });
    world.requests.seed(request);
    const summary = pendingSummaryOf(request, provider.name, world.clock.now()) as SessionSummary;
    summaries.seed(summary);
    return { request, summary };
  };

  return { world, summaries, provider, deps, run, ended, warnings };
}

export type ReviewWorld = ReturnType<typeof reviewWorld>;
