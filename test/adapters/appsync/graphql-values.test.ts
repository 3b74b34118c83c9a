/** Domain values as the schema spells them. */
import { describe, expect, it } from 'vitest';
import { statusFromGraphQL, statusToGraphQL } from '../../../lambdas/adapters/appsync/graphql-values';
import { REQUEST_STATUSES } from '../../../lambdas/core/types';

describe('request statuses', () => {
  it('maps every status both ways, and the spelling that differs', () => {
    for (const status of REQUEST_STATUSES) expect(statusFromGraphQL(statusToGraphQL(status))).toBe(status);
    expect(statusToGraphQL('in progress')).toBe('IN_PROGRESS');
    expect(statusFromGraphQL('in progress')).toBeUndefined();
  });
});
