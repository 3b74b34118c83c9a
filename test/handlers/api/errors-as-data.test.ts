/**
 * Errors as data: the api's Lambda entry point returns a failed field as
 * `{ teamResolverFailure: { errorType, message, errorInfo } }` for the field's AppSync resolver to
 * raise, with `errorInfo.field` naming the input field of `CreateRequestInput` a validation is
 * about; in process (`makeApiHandler`) the same failure is thrown as an ApiError carrying it.
 */
import type { AppSyncIdentityCognito } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOLVER_FAILURE_KEY, resolverFailureOf } from '../../../lambdas/contract/api-errors';
import { handler, makeApiHandler, returningFailures } from '../../../lambdas/handlers/api';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { useLocalCloud } from '../../support/local-cloud';
import { cognitoIdentityOf, resolverEvent, stagingRequestInput } from '../fixtures';

const cloud = useLocalCloud({ sessionLogProvider: 'none' });
let requester: AppSyncIdentityCognito;

beforeAll(async () => {
  requester = await cognitoIdentityOf(cloud, 'requester');
});

const create = (overrides: Record<string, unknown>) =>
  resolverEvent('Mutation', 'createRequest', { input: stagingRequestInput(overrides) }, requester);

/** A start time far in the past. */
const LONG_AGO = '2020-01-01T09:00:00Z';

describe('the Lambda entry point returns a failed createRequest as data', () => {
  it.each([
    ['justification', { justification: '   ' }, 'Justification is required.'],
    ['durationHours', { durationHours: 9000 }, /^Duration must be at most/],
    ['startTime', { startTime: LONG_AGO }, 'Start time must not be more than 5 minutes in the past.'],
    ['startTime', { startTime: 'next tuesday' }, /^Start time must be an ISO 8601 date and time/],
    ['ticketNo', { ticketNo: '#42' }, 'Ticket number must start with a letter or digit.'],
    ['accountId', { accountId: '12345' }, 'Account id must be 12 digits.'],
    ['permissionSetArn', { permissionSetArn: 'ReadOnlyAccess' }, /^Permission set ARN must be/],
  ])('%s: %j', async (field, overrides, message) => {
    const result = await handler(create(overrides));
    const failure = resolverFailureOf(result);
    expect(failure, JSON.stringify(result)).toMatchObject({
      errorType: 'ValidationError',
      errorInfo: { field },
    });
    expect(failure?.message).toMatch(message);
    expect(Object.keys(result as object)).toEqual([RESOLVER_FAILURE_KEY]);
  });

  it('names the input field of a shape error too (not input.durationHours)', async () => {
    const failure = resolverFailureOf(await handler(create({ durationHours: 'two' })));
    expect(failure).toEqual({
      errorType: 'ValidationError',
      message: 'input.durationHours must be a whole number.',
      errorInfo: { field: 'durationHours' },
    });
  });

  it('gives errors about no input field a null errorInfo', async () => {
    const failure = resolverFailureOf(await handler(create({ accountId: '111111111111' })));
    expect(failure).toMatchObject({ errorType: 'NotEligible', errorInfo: null });
  });

  it('returns a field that succeeds as the field itself', async () => {
    const result = await handler(create({}));
    expect(resolverFailureOf(result)).toBeUndefined();
    expect(result).toMatchObject({ status: 'PENDING', justification: expect.any(String) });
  });
});

describe('in process, the api handler throws the failure', () => {
  it('as an ApiError with errorType, message and errorInfo', async () => {
    const inProcess = makeApiHandler({ backend: () => cloud.backend.backend });
    const error: unknown = await inProcess(create({ justification: '' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      errorType: 'ValidationError',
      name: 'ValidationError',
      message: 'Justification is required.',
      errorInfo: { field: 'justification' },
    });
  });

  it('returningFailures passes anything but an ApiError on', async () => {
    const broken = returningFailures(async () => {
      throw new TypeError('not an api error');
    });
    await expect(broken({})).rejects.toThrow(TypeError);
    const refused = returningFailures(async () => {
      throw new ApiError('Unauthorized', 'No.');
    });
    expect(await refused({})).toEqual({
      [RESOLVER_FAILURE_KEY]: { errorType: 'Unauthorized', message: 'No.', errorInfo: null },
    });
  });
});
