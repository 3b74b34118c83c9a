import { describe, expect, it } from 'vitest';
import { createAmplifyTeamApi } from '../../../web/src/api/amplify-api';
import { ApiError } from '../../../web/src/api/errors';

interface Sent {
  query: unknown;
  variables?: object;
  authMode: string;
}

/** aws-amplify's GraphQL client as the TeamApi sees it: answers `answer(sent)` to each call. */
function fakeClient(answer: (sent: Sent) => Promise<unknown>) {
  const sent: Sent[] = [];
  const client = {
    graphql: (options: Sent) => {
      sent.push(options);
      return answer(options);
    },
  };
  return { api: createAmplifyTeamApi(client), sent };
}

describe('TeamApi over aws-amplify', () => {
  it("sends a generated document's text and returns the field it reads", async () => {
    const page = { items: [], nextToken: 'next' };
    const { api, sent } = fakeClient(async () => ({ data: { pendingApprovals: page } }));

    await expect(api.listRequests('pendingApprovals', { limit: 5 })).resolves.toEqual(page);

    expect(sent).toHaveLength(1);
    expect(typeof sent[0]?.query).toBe('string');
    expect(sent[0]?.query).toMatch(/^\s*query PendingApprovals\(/);
    expect(sent[0]?.variables).toEqual({ limit: 5, nextToken: undefined });
    expect(sent[0]?.authMode).toBe('userPool');
  });

  it("rejects with the server's errorType, message and errorInfo.field", async () => {
    const { api } = fakeClient(() =>
      Promise.reject({
        data: { createRequest: null },
        errors: [
          {
            errorType: 'ValidationError',
            message: 'Start time must not be more than 5 minutes in the past.',
            errorInfo: { field: 'startTime' },
          },
        ],
      }),
    );
    const refused = await api
      .createRequest({
        accountId: '111122223333',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001',
        startTime: '2026-09-01T07:00:00.000Z',
        durationHours: 1,
        justification: 'Investigate',
      })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      errorType: 'ValidationError',
      message: 'Start time must not be more than 5 minutes in the past.',
      field: 'startTime',
    });
  });

  it('names the operation when an answer carries no data', async () => {
    const { api } = fakeClient(async () => ({ data: null }));
    await expect(api.me()).rejects.toMatchObject({
      errorType: 'InternalError',
      message: 'The API returned no data for Me.',
    });
  });
});
