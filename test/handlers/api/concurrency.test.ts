/**
 * Concurrency through the whole stack (AppSync emulator → api handler → DynamoDB Local): two
 * approvers deciding the same request at once, and many requests created at once.
 */
import { describe, expect, it } from 'vitest';
import { PERSONAS, useLocalCloud, type GraphQLResponse, type Persona } from '../../support/local-cloud';
import { APPROVE, CREATE_REQUEST, REJECT, createRequestAs, fieldOf, stagingRequestInput } from '../fixtures';

const cloud = useLocalCloud();

/** Carol also approves NonProduction accounts (with bob, the approver persona). */
const CAROL = 'carol.smith@example.com';

let carolToken: Promise<string> | undefined;

async function callAsCarol(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  carolToken ??= cloud.backend.tokensFor(CAROL).then((t) => t.accessToken);
  const token = await carolToken;
  const response = await fetch(cloud.backend.urls.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

describe('two approvers deciding the same request at once', () => {
  it('stores exactly one decision; the other approver learns why', async () => {
    const carolId = cloud.backend.org.users.find((u) => u.userName === CAROL)?.id;
    const bobId = cloud.userId('approver');
    // Tokens first, so both decisions leave at the same moment.
    await cloud.token('approver');
    await callAsCarol('{ me { userId } }', {});
    for (let round = 0; round < 6; round += 1) {
      const id = await createRequestAs(cloud, 'requester');
      const input = { requestId: id, comment: `round ${round}` };
      const [bob, carol] = await Promise.all([
        cloud.call('approver', APPROVE, { input }),
        callAsCarol(REJECT, { input }),
      ]);
      const winners = [bob, carol].filter((r) => !r.errors);
      const losers = [bob, carol].filter((r) => r.errors);
      expect(winners, JSON.stringify([bob, carol])).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const error = losers[0]?.errors?.[0];
      expect(['Conflict', 'IllegalTransition']).toContain(error?.errorType);
      // Either "… changed while you were acting on it; reload it and try again." or
      // "A request that is approved cannot become rejected."
      expect(error?.message).toMatch(/changed while you were acting on it|cannot become (approved|rejected)/);

      const stored = await cloud.backend.backend.ports.requests.get(id);
      const winnerId = winners[0] === bob ? bobId : carolId;
      expect(stored).toMatchObject({
        status: winners[0] === bob ? 'approved' : 'rejected',
        decidedBy: { id: winnerId },
        version: 2,
      });
      const events = await cloud.backend.backend.ports.requests.listEvents(id, { limit: 10 });
      expect(events.items.map((e) => e.action)).toEqual([
        'created',
        winners[0] === bob ? 'approved' : 'rejected',
      ]);
    }
  });
});

describe('many requests created at once', () => {
  // 200 creations through the local AppSync: what is asserted is that none is lost, not how
  // fast they go, so the time limit leaves room for a machine busy with other test files.
  it('stores all 200, none lost, each listed for its requester', { timeout: 120_000 }, async () => {
    const requesters: readonly Persona[] = [
      'requester',
      'otherRequester',
      'approver',
      'otherApprover',
      'admin',
    ];
    await Promise.all(requesters.map((p) => cloud.token(p)));
    const before = new Map<Persona, number>();
    const countMine = async (persona: Persona): Promise<string[]> => {
      const ids: string[] = [];
      let nextToken: string | null = null;
      do {
        const page: { items: { id: string }[]; nextToken: string | null } = fieldOf(
          await cloud.call(
            persona,
            'query($t: String) { myRequests(limit: 100, nextToken: $t) { items { id } nextToken } }',
            {
              t: nextToken,
            },
          ),
          'myRequests',
        );
        ids.push(...page.items.map((r) => r.id));
        nextToken = page.nextToken;
      } while (nextToken !== null);
      return ids;
    };
    for (const p of requesters) before.set(p, (await countMine(p)).length);

    const calls = Array.from({ length: 200 }, (_, i) => requesters[i % requesters.length] as Persona);
    const responses = await Promise.all(
      calls.map((persona) => cloud.call(persona, CREATE_REQUEST, { input: stagingRequestInput() })),
    );
    const failures = responses.filter((r) => r.errors);
    expect(failures, JSON.stringify(failures.slice(0, 3))).toEqual([]);
    const ids = responses.map((r) => fieldOf<{ id: string }>(r, 'createRequest').id);
    expect(new Set(ids).size).toBe(200);

    for (const persona of requesters) {
      const mine = await countMine(persona);
      expect(mine.length - (before.get(persona) ?? 0), PERSONAS[persona]).toBe(40);
    }
    const stored = await Promise.all(ids.map((id) => cloud.backend.backend.ports.requests.get(id)));
    expect(stored.filter((r) => r?.status === 'pending')).toHaveLength(200);
  });
});
