import { describe, expect, it } from 'vitest';
import { createAmplifyTeamApi, type RealtimeClientLike } from '../../../web/src/api/amplify-api';
import { ApiError } from '../../../web/src/api/errors';

const ENDPOINT = 'https://api.example.com/graphql';
const TOKEN = 'eyJ.access.token';

interface Sent {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: { query: string; variables: Record<string, unknown> };
}

type Answer = Response | 'offline';

/** AppSync as the TeamApi sees it over HTTP: answers the n-th request with `answers[n]` (the last repeats). */
function fakeAppSync(
  answers: readonly Answer[],
  accessToken: () => Promise<string | undefined> = async () => TOKEN,
) {
  const sent: Sent[] = [];
  const waits: number[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    sent.push({
      url: String(input),
      method: init?.method,
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)) as Sent['body'],
    });
    const answer = answers[Math.min(sent.length, answers.length) - 1];
    if (!answer || answer === 'offline') throw new TypeError('Failed to fetch');
    return answer;
  };
  const api = createAmplifyTeamApi({
    endpoint: ENDPOINT,
    accessToken,
    fetch: fetchImpl,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { api, sent, waits };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const REQUEST_INPUT = {
  accountId: '111122223333',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001',
  startTime: '2026-09-01T07:00:00.000Z',
  durationHours: 1,
  justification: 'Investigate',
};

describe('TeamApi over AppSync', () => {
  it("posts a generated document's text with the access token and returns the field it reads", async () => {
    const page = { items: [], nextToken: 'next' };
    const { api, sent } = fakeAppSync([json(200, { data: { pendingApprovals: page } })]);

    await expect(api.listRequests('pendingApprovals', { limit: 5 })).resolves.toEqual(page);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(ENDPOINT);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.headers['authorization']).toBe(TOKEN);
    expect(sent[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(sent[0]?.body.query).toMatch(/^\s*query PendingApprovals\(/);
    expect(sent[0]?.body.variables).toEqual({ limit: 5 });
  });

  it('asks for the dashboard of a range of UTC dates', async () => {
    const dashboard = { from: '2026-08-03', to: '2026-09-01', days: [] };
    const { api, sent } = fakeAppSync([json(200, { data: { dashboard } })]);

    await expect(api.dashboard('2026-08-03', '2026-09-01')).resolves.toEqual(dashboard);

    expect(sent[0]?.body.query).toMatch(/^\s*query Dashboard\(\$from: AWSDate!, \$to: AWSDate!\)/);
    expect(sent[0]?.body.variables).toEqual({ from: '2026-08-03', to: '2026-09-01' });
  });

  it("rejects with the server's errorType, message and errorInfo.field", async () => {
    const { api } = fakeAppSync([
      json(200, {
        data: { createRequest: null },
        errors: [
          {
            errorType: 'ValidationError',
            message: 'Start time must not be more than 5 minutes in the past.',
            errorInfo: { field: 'startTime' },
          },
        ],
      }),
    ]);
    const refused = await api.createRequest(REQUEST_INPUT).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      errorType: 'ValidationError',
      message: 'Start time must not be more than 5 minutes in the past.',
      field: 'startTime',
    });
  });

  it('names the operation when an answer carries no data', async () => {
    const { api } = fakeAppSync([json(200, { data: null })]);
    await expect(api.me()).rejects.toMatchObject({
      errorType: 'InternalError',
      message: 'The API returned no data for Me.',
    });
  });

  it('turns a refused token into Unauthorized, without trying again', async () => {
    const { api, sent } = fakeAppSync([
      json(
        401,
        { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] },
        { 'x-amzn-errortype': 'UnauthorizedException' },
      ),
    ]);
    await expect(api.me()).rejects.toMatchObject({ errorType: 'Unauthorized', message: 'Unauthorized' });
    expect(sent).toHaveLength(1);
  });

  it('tries three times with a growing pause when the network fails, then says so', async () => {
    const { api, sent, waits } = fakeAppSync(['offline']);
    await expect(api.me()).rejects.toMatchObject({
      errorType: 'NetworkError',
      message: 'A network error has occurred.',
    });
    expect(sent).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(200);
    expect(waits[0]).toBeLessThan(300);
    expect(waits[1]).toBeGreaterThanOrEqual(400);
    expect(waits[1]).toBeLessThan(500);
  });

  it('tries again after throttling or a server error, and returns the answer that came', async () => {
    const me = { userName: 'alice' };
    const { api, sent } = fakeAppSync([
      json(429, { message: 'Rate exceeded' }, { 'x-amzn-errortype': 'TooManyRequestsException' }),
      new Response('Bad gateway', { status: 502 }),
      json(200, { data: { me } }),
    ]);
    await expect(api.me()).resolves.toEqual(me);
    expect(sent).toHaveLength(3);
  });

  it('does not try a mutation again when the API answered it with an error', async () => {
    const { api, sent } = fakeAppSync([
      json(200, { data: null, errors: [{ errorType: 'Conflict', message: 'Changed meanwhile.' }] }),
    ]);
    await expect(api.cancelRequest('r-1')).rejects.toMatchObject({ errorType: 'Conflict' });
    expect(sent).toHaveLength(1);
  });

  it('sends nothing without a signed-in user', async () => {
    const signedOut = fakeAppSync([json(200, { data: { me: {} } })], async () => undefined);
    await expect(signedOut.api.me()).rejects.toBeInstanceOf(ApiError);
    const noSession = fakeAppSync([json(200, { data: { me: {} } })], () =>
      Promise.reject(new Error('no session')),
    );
    await expect(noSession.api.me()).rejects.toBeInstanceOf(ApiError);
    expect([...signedOut.sent, ...noSession.sent]).toHaveLength(0);
  });

  it("subscribes through aws-amplify's realtime client and delivers the field it reads", async () => {
    const calls: { query: string; variables?: object; authMode: string }[] = [];
    let push: ((message: unknown) => void) | undefined;
    let unsubscribed = false;
    const realtime: RealtimeClientLike = {
      graphql: (options) => {
        calls.push(options);
        return {
          subscribe: (observer: { next: (value: unknown) => void }) => {
            push = observer.next;
            return {
              unsubscribe: () => {
                unsubscribed = true;
              },
            };
          },
        };
      },
    };
    const api = createAmplifyTeamApi({
      endpoint: ENDPOINT,
      accessToken: async () => TOKEN,
      fetch: () => Promise.reject(new Error('queries are not expected here')),
      realtime,
    });
    const seen: unknown[] = [];
    const stop = api.onRequestChange('mine', { next: (change) => seen.push(change) });
    await Promise.resolve();
    await Promise.resolve();

    expect(calls).toHaveLength(1);
    expect(calls[0]?.query).toMatch(/^\s*subscription OnRequestChange\(/);
    expect(calls[0]?.variables).toEqual({ channel: 'mine' });
    expect(calls[0]?.authMode).toBe('userPool');
    push?.({ data: { onRequestChange: { id: 'r-1' } } });
    expect(seen).toEqual([{ id: 'r-1' }]);
    stop();
    expect(unsubscribed).toBe(true);
  });
});
