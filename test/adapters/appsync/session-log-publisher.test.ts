/** The publisher of a session-log query's state: the IAM-signed publishSessionLogQuery mutation. */
import { describe, expect, it } from 'vitest';
import { AppSyncSessionLogPublisher } from '../../../lambdas/adapters/appsync/session-log-publisher';

const NOW = new Date('2026-03-02T12:00:00.000Z');

describe('AppSyncSessionLogPublisher', () => {
  it('publishes the state with the IAM-signed publishSessionLogQuery mutation, every field selected', async () => {
    const sent: { headers: Record<string, string>; body: string }[] = [];
    const fetchStub = (async (_url: URL, init: RequestInit) => {
      sent.push({ headers: init.headers as Record<string, string>, body: String(init.body) });
      return new Response(JSON.stringify({ data: { publishSessionLogQuery: {} } }), { status: 200 });
    }) as unknown as typeof fetch;
    const publisher = new AppSyncSessionLogPublisher({
      graphqlUrl: 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      fetch: fetchStub,
    });
    await publisher.publishSessionLogQuery({
      requestId: 'req-1',
      status: 'FINISHED',
      progress: 100,
      rowCount: 3,
      windowStart: '2026-03-02T08:00:00.000Z',
      windowEnd: '2026-03-02T11:00:00.000Z',
      updatedAt: NOW.toISOString(),
      eventsScanned: 99,
    });
    const body = JSON.parse(sent[0]!.body) as {
      query: string;
      variables: { input: Record<string, unknown> };
    };
    expect(body.query).toMatch(/publishSessionLogQuery\(input: \$input\)/);
    for (const field of ['requestId', 'status', 'progress', 'error', 'windowStart', 'windowEnd', 'rowCount'])
      expect(body.query).toContain(field);
    expect(body.variables.input).toEqual({
      requestId: 'req-1',
      status: 'FINISHED',
      progress: 100,
      error: null,
      windowStart: '2026-03-02T08:00:00.000Z',
      windowEnd: '2026-03-02T11:00:00.000Z',
      rowCount: 3,
      updatedAt: NOW.toISOString(),
    });
    expect(sent[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\//,
    );
  });
});
