/** The api's mappers from the core's values to the schema's types. */
import { describe, expect, it } from 'vitest';
import {
  auditActionToGraphQL,
  meToGraphQL,
  requestToGraphQL,
} from '../../../lambdas/handlers/api/mappers/requests';
import { aRequest } from '../../builders';

describe('mappers', () => {
  it('spells audit actions as the schema does', () => {
    expect(auditActionToGraphQL('notification-failed')).toBe('NOTIFICATION_FAILED');
    expect(auditActionToGraphQL('created')).toBe('CREATED');
  });

  it('maps a request field by field, leaving out what the schema does not describe', () => {
    const stored = { ...aRequest({ status: 'in progress' }), workflowToken: 'secret-token' };
    const mapped = requestToGraphQL(stored);
    expect(mapped).toMatchObject({ id: stored.id, status: 'IN_PROGRESS', decision: null, revoke: null });
    expect(JSON.stringify(mapped)).not.toContain('secret-token');
  });

  it('never reports APPROVER as a persona', () => {
    const me = meToGraphQL({
      userId: 'u',
      userName: 'u@example.com',
      email: 'u@example.com',
      groupIds: [],
      isAdmin: true,
      isAuditor: true,
    });
    expect(me.personas).toEqual(['REQUESTER', 'AUDITOR', 'ADMIN']);
  });
});
