/**
 * A deployment without a session-log provider (`SESSION_LOG_PROVIDER=none`): the feature is
 * hidden. Readers of a request get DISABLED and no rows, whatever its status; everyone else is
 * still refused; nothing is stored and no query runs.
 */
import { describe, expect, it } from 'vitest';
import { makeApplySystemTransition } from '../../../lambdas/core/requests/system-transition';
import { useLocalCloud } from '../../support/local-cloud';
import { expectError, fieldOf, requestIn } from '../fixtures';

const cloud = useLocalCloud({ sessionLogProvider: 'none' });

const START =
  'mutation($input: StartSessionLogQueryInput!) { startSessionLogQuery(input: $input) { requestId status windowStart windowEnd } }';
const STATE = 'query($requestId: ID!) { sessionLogQuery(requestId: $requestId) { requestId status } }';
const LOGS = 'query($requestId: ID!) { sessionLogs(requestId: $requestId) { items { eventId } nextToken } }';

describe('session logs without a provider', () => {
  it('answer DISABLED to the readers of a granted or a pending request, and list nothing', async () => {
    const granted = await requestIn(cloud, 'scheduled');
    const grantedAt = new Date(Date.now() - 3_600_000).toISOString();
    await makeApplySystemTransition(cloud.backend.backend.ports)(granted, 'start', { at: grantedAt });
    const pending = await requestIn(cloud, 'pending');

    for (const persona of ['requester', 'approver', 'auditor'] as const) {
      const started = fieldOf(
        await cloud.call(persona, START, { input: { requestId: granted } }),
        'startSessionLogQuery',
      );
      expect(started).toMatchObject({ requestId: granted, status: 'DISABLED', windowStart: grantedAt });
      expect(
        fieldOf(await cloud.call(persona, STATE, { requestId: pending }), 'sessionLogQuery'),
      ).toMatchObject({
        status: 'DISABLED',
      });
      expect(fieldOf(await cloud.call(persona, LOGS, { requestId: granted }), 'sessionLogs')).toEqual({
        items: [],
        nextToken: null,
      });
    }
    for (const persona of ['otherRequester', 'otherApprover'] as const) {
      expectError(await cloud.call(persona, START, { input: { requestId: granted } }), 'Unauthorized');
      expectError(await cloud.call(persona, LOGS, { requestId: granted }), 'Unauthorized');
    }
    // An id that cannot be a request is refused like a request the caller may not see.
    expectError(
      await cloud.call('requester', STATE, { requestId: "x' OR '1'='1" }),
      'Unauthorized',
      /^You may not view the session activity of this request\.$/,
    );
    expect(cloud.backend.cloudTrail.queryCount()).toBe(0);
    expect(await cloud.backend.backend.ports.sessionLogs.queries.get(granted)).toBeUndefined();
  });
});
