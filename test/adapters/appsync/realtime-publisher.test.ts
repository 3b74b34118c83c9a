/** The publisher of request changes: one IAM-signed publishRequestChange mutation per change. */
import { describe, expect, it } from 'vitest';
import { AppSyncRealtimePublisher } from '../../../lambdas/adapters/appsync/realtime-publisher';
import { PublishError } from '../../../lambdas/adapters/appsync/signed-graphql';

function publisherAnswering(status: number, body: unknown) {
  const sent: { headers: Record<string, string>; body: string }[] = [];
  const fetchStub = (async (_url: URL, init: RequestInit) => {
    sent.push({ headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  const publisher = new AppSyncRealtimePublisher({
    graphqlUrl: 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    fetch: fetchStub,
  });
  return { publisher, sent };
}

const change = {
  channels: ['user-requester', 'user-approver', 'AUDIT'],
  requestId: 'req-1',
  status: 'in progress' as const,
  updatedAt: '2026-03-02T12:00:00.000Z',
};

describe('AppSyncRealtimePublisher', () => {
  it('publishes once for every channel, the status as the schema spells it, every field selected', async () => {
    const { publisher, sent } = publisherAnswering(200, { data: { publishRequestChange: {} } });
    await publisher.publishRequestChange(change);
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]!.body) as {
      query: string;
      variables: { input: Record<string, unknown> };
    };
    expect(body.query).toMatch(/publishRequestChange\(input: \$input\)/);
    for (const field of ['channels', 'requestId', 'status', 'updatedAt']) expect(body.query).toContain(field);
    expect(body.variables.input).toEqual({ ...change, status: 'IN_PROGRESS' });
    expect(sent[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\//,
    );
  });

  it('turns AppSync’s refusal into a PublishError', async () => {
    const { publisher } = publisherAnswering(200, { errors: [{ message: 'Not Authorized' }] });
    await expect(publisher.publishRequestChange(change)).rejects.toBeInstanceOf(PublishError);
    const failing = publisherAnswering(500, { errors: [{ message: 'boom' }] }).publisher;
    await expect(failing.publishRequestChange(change)).rejects.toThrow(/HTTP 500/);
    const withoutErrors = publisherAnswering(502, { message: 'Bad gateway' }).publisher;
    await expect(withoutErrors.publishRequestChange(change)).rejects.toThrow(
      /HTTP 502\): \{"message":"Bad gateway"\}/,
    );
  });
});
