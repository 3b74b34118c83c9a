import { describe, expect, it } from 'vitest';
import { ForbiddenError, IllegalTransitionError } from '../../../lambdas/core/errors';
import {
  allowedActions,
  auditActionFor,
  canTransition,
  isTerminal,
  nextStatus,
  PEOPLE_STATUSES,
  phaseOf,
  targetOf,
  TRANSITIONS,
} from '../../../lambdas/core/requests/lifecycle';
import type { LifecycleAction, LifecycleActor } from '../../../lambdas/core/requests/lifecycle';
import { REQUEST_STATUSES } from '../../../lambdas/core/types';
import type { RequestStatus } from '../../../lambdas/core/types';
import { ROUTED_STATUSES } from '../../../lambdas/contract/workflow';

/*
 * The expectation, written from SPEC.md independently of TRANSITIONS:
 * "from | action | allowed actors | to". Every (status, action) pair not listed is illegal.
 */
const EXPECTED = `
pending     | approve  | approver           | approved
pending     | reject   | approver           | rejected
pending     | cancel   | requester          | cancelled
pending     | expire   | system             | expired
pending     | schedule | system             | scheduled
approved    | schedule | system             | scheduled
scheduled   | start    | system             | in progress
scheduled   | revoke   | requester approver | revoked
scheduled   | cancel   | requester          | cancelled
in progress | end      | system             | ended
in progress | revoke   | requester approver | revoked
pending     | fail     | system             | error
approved    | fail     | system             | error
scheduled   | fail     | system             | error
in progress | fail     | system             | error
revoked     | fail     | system             | error
`;

const ACTIONS: LifecycleAction[] = [
  'approve',
  'reject',
  'cancel',
  'revoke',
  'expire',
  'schedule',
  'start',
  'end',
  'fail',
];
const ACTORS: LifecycleActor[] = ['requester', 'approver', 'system'];
const TARGETS: Record<LifecycleAction, RequestStatus> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  revoke: 'revoked',
  expire: 'expired',
  schedule: 'scheduled',
  start: 'in progress',
  end: 'ended',
  fail: 'error',
};

const expected = new Map<string, { actors: string[]; to: string }>();
for (const line of EXPECTED.trim().split('\n')) {
  const [from, action, actors, to] = line.split('|').map((part) => part.trim());
  expected.set(`${from}|${action}`, { actors: actors!.split(/\s+/), to: to! });
}

type Case = { status: RequestStatus; action: LifecycleAction; actor: LifecycleActor; outcome: string };
const cases: Case[] = REQUEST_STATUSES.flatMap((status) =>
  ACTIONS.flatMap((action) =>
    ACTORS.map((actor) => {
      const rule = expected.get(`${status}|${action}`);
      const outcome = !rule ? 'illegal' : rule.actors.includes(actor) ? rule.to : 'forbidden';
      return { status, action, actor, outcome };
    }),
  ),
);

describe('lifecycle: every (status, action, actor)', () => {
  it('covers the full cross product', () => {
    expect(cases).toHaveLength(10 * 9 * 3);
    expect(cases.filter((c) => c.outcome !== 'illegal' && c.outcome !== 'forbidden')).toHaveLength(18);
  });

  it.each(cases)('$status + $action by $actor → $outcome', ({ status, action, actor, outcome }) => {
    const attempt = () => nextStatus(status, action, actor);
    if (outcome === 'illegal') {
      const error = catchError(attempt);
      expect(error).toBeInstanceOf(IllegalTransitionError);
      const illegal = error as IllegalTransitionError;
      expect(illegal.from).toBe(status);
      expect(illegal.to).toBe(TARGETS[action]);
      expect(illegal.errorType).toBe('IllegalTransition');
      expect(illegal.message).toContain(`is ${status} `);
      expect(illegal.message).toContain(`become ${TARGETS[action]}`);
      expect(canTransition(status, action, actor)).toBe(false);
    } else if (outcome === 'forbidden') {
      const error = catchError(attempt);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).errorType).toBe('Unauthorized');
      expect(canTransition(status, action, actor)).toBe(false);
    } else {
      expect(attempt()).toBe(outcome);
      expect(canTransition(status, action, actor)).toBe(true);
    }
  });
});

describe('lifecycle table', () => {
  it('has one row per (from, action)', () => {
    const keys = TRANSITIONS.map((t) => `${t.from}|${t.action}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps every action to its target status', () => {
    for (const action of ACTIONS) expect(targetOf(action)).toBe(TARGETS[action]);
  });

  it('names the actor that may not act', () => {
    expect(() => nextStatus('pending', 'approve', 'requester')).toThrow(
      'The requester may not approve this request.',
    );
    expect(() => nextStatus('pending', 'cancel', 'approver')).toThrow(
      'An approver may not cancel this request.',
    );
    expect(() => nextStatus('pending', 'approve', 'system')).toThrow('TEAM may not approve this request.');
    expect(() => nextStatus('in progress', 'fail', 'approver')).toThrow(
      'An approver may not mark this request as failed.',
    );
  });

  it('refuses approving an expired or cancelled request with both statuses named', () => {
    expect(() => nextStatus('expired', 'approve', 'approver')).toThrow(
      'A request that is expired cannot become approved.',
    );
    expect(() => nextStatus('cancelled', 'approve', 'approver')).toThrow(
      'A request that is cancelled cannot become approved.',
    );
  });

  it('lists the actions an actor may take', () => {
    expect(allowedActions('pending', 'approver')).toEqual(['approve', 'reject']);
    expect(allowedActions('pending', 'requester')).toEqual(['cancel']);
    expect(allowedActions('scheduled', 'requester').sort()).toEqual(['cancel', 'revoke']);
    expect(allowedActions('in progress', 'approver')).toEqual(['revoke']);
    expect(allowedActions('revoked', 'system')).toEqual(['fail']);
    expect(allowedActions('ended', 'system')).toEqual([]);
  });
});

describe('phases, terminal statuses and audit actions', () => {
  const PHASES: [RequestStatus, string, boolean][] = [
    ['pending', 'pending', false],
    ['approved', 'pending', false],
    ['scheduled', 'active', false],
    ['in progress', 'active', false],
    ['ended', 'ended', true],
    ['revoked', 'ended', true],
    ['rejected', 'closed', true],
    ['cancelled', 'closed', true],
    ['expired', 'closed', true],
    ['error', 'closed', true],
  ];
  it.each(PHASES)('%s is in phase %s (terminal: %s)', (status, phase, terminal) => {
    expect(phaseOf(status)).toBe(phase);
    expect(isTerminal(status)).toBe(terminal);
  });

  it('covers every status', () => {
    expect(PHASES.map(([s]) => s).sort()).toEqual([...REQUEST_STATUSES].sort());
  });

  it.each([
    ['approve', 'approved'],
    ['reject', 'rejected'],
    ['cancel', 'cancelled'],
    ['revoke', 'revoked'],
    ['expire', 'expired'],
    ['schedule', 'scheduled'],
    ['start', 'started'],
    ['end', 'ended'],
    ['fail', 'failed'],
  ] as const)('%s is audited as %s', (action, audit) => {
    expect(auditActionFor(action)).toBe(audit);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('statuses the router receives', () => {
  it('are exactly the statuses only people cause, as the contract tells the stack', () => {
    expect([...PEOPLE_STATUSES].sort()).toEqual([...ROUTED_STATUSES].sort());
  });
});
