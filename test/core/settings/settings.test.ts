import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import {
  applySettingsInput,
  DEFAULT_SENSITIVE_ACTIONS,
  DEFAULT_SETTINGS,
  effectiveSettings,
} from '../../../lambdas/core/settings';
import type { Settings } from '../../../lambdas/core/types';
import { SENSITIVE_ACTION } from '../../../lambdas/contract/patterns';
import { NOW, settings } from '../fixtures';

const FALLBACK = { adminGroupName: 'TEAM-Admins', auditorGroupName: 'TEAM-Auditors' };
const META = { now: NOW, updatedBy: 'admin@example.com' };

describe('defaults', () => {
  it('match the specification', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      maxDurationHours: 9,
      expiryHours: 3,
      commentsRequired: true,
      ticketRequired: true,
      approvalWorkflow: true,
      sesEnabled: false,
      snsEnabled: false,
      slackEnabled: false,
      slackTokenConfigured: false,
      ouCacheEnabled: false,
      version: 0,
    });
    expect(DEFAULT_SETTINGS.sensitiveActions).toEqual(DEFAULT_SENSITIVE_ACTIONS);
  });

  it.each([
    'iam.amazonaws.com:CreateUser',
    'iam.amazonaws.com:CreateRole',
    'iam.amazonaws.com:PutRolePolicy',
    'iam.amazonaws.com:CreateAccessKey',
    'ec2.amazonaws.com:AuthorizeSecurityGroupIngress',
    's3.amazonaws.com:PutBucketPolicy',
    's3.amazonaws.com:PutBucketAcl',
    'ec2.amazonaws.com:RunInstances',
    'ec2.amazonaws.com:TerminateInstances',
    'rds.amazonaws.com:CreateDBInstance',
    'rds.amazonaws.com:DeleteDBInstance',
    'rds.amazonaws.com:ModifyDBInstance',
  ])('flag %s as sensitive', (action) => {
    expect(DEFAULT_SENSITIVE_ACTIONS).toContain(action);
  });

  it('are all valid sensitive actions, listed once', () => {
    for (const action of DEFAULT_SENSITIVE_ACTIONS) expect(action).toMatch(SENSITIVE_ACTION);
    expect(new Set(DEFAULT_SENSITIVE_ACTIONS).size).toBe(DEFAULT_SENSITIVE_ACTIONS.length);
  });
});

describe('effectiveSettings', () => {
  it('uses the defaults and the deployment group names when nothing is stored', () => {
    expect(effectiveSettings(undefined, FALLBACK)).toEqual({ ...DEFAULT_SETTINGS, ...FALLBACK });
    expect(effectiveSettings(undefined, {})).toEqual(DEFAULT_SETTINGS);
  });

  it('prefers stored values, falling back for blank group names', () => {
    const stored = settings({
      maxDurationHours: 4,
      adminGroupName: 'Custom-Admins',
      auditorGroupName: ' ',
      version: 3,
    });
    const result = effectiveSettings(stored, FALLBACK);
    expect(result.maxDurationHours).toBe(4);
    expect(result.adminGroupName).toBe('Custom-Admins');
    expect(result.auditorGroupName).toBe('TEAM-Auditors');
    expect(result.version).toBe(3);
  });

  it('drops a blank group name when there is no fallback either', () => {
    expect('adminGroupName' in effectiveSettings(settings({ adminGroupName: '' }), {})).toBe(false);
  });

  it('fills fields missing from an older record', () => {
    const older = { maxDurationHours: 5, version: 2 } as unknown as Settings;
    const result = effectiveSettings(older, {});
    expect(result.sensitiveActions).toEqual(DEFAULT_SENSITIVE_ACTIONS);
    expect(result.expiryHours).toBe(3);
    expect(result.maxDurationHours).toBe(5);
  });

  it('returns a fresh object each time', () => {
    const result = effectiveSettings(undefined, {});
    result.sensitiveActions.push('Mine');
    result.maxDurationHours = 1;
    expect(DEFAULT_SETTINGS.sensitiveActions).not.toContain('Mine');
    expect(effectiveSettings(undefined, {}).maxDurationHours).toBe(9);
  });
});

describe('applySettingsInput', () => {
  const current = effectiveSettings(undefined, FALLBACK);

  it('changes the given fields, keeps the others, bumps the version and records who and when', () => {
    const next = applySettingsInput(current, { maxDurationHours: 12, approvalWorkflow: false }, META);
    expect(next).toEqual({
      ...current,
      maxDurationHours: 12,
      approvalWorkflow: false,
      updatedAt: NOW.toISOString(),
      updatedBy: 'admin@example.com',
      version: 1,
    });
    expect(current.maxDurationHours).toBe(9);
  });

  it('clears optional text fields with null or empty text', () => {
    const withEmail = applySettingsInput(
      current,
      { sesSourceEmail: 'team@example.com', slackAuditChannel: '#audit' },
      META,
    );
    expect(withEmail.sesSourceEmail).toBe('team@example.com');
    const cleared = applySettingsInput(
      withEmail,
      { sesSourceEmail: null, slackAuditChannel: '', adminGroupName: null },
      META,
    );
    expect('sesSourceEmail' in cleared).toBe(false);
    expect('slackAuditChannel' in cleared).toBe(false);
    expect('adminGroupName' in cleared).toBe(false);
    expect(cleared.version).toBe(2);
  });

  it('records whether a Slack token is stored, never the token', () => {
    const withToken = applySettingsInput(current, { slackToken: 'xoxb-123456789', slackEnabled: true }, META);
    expect(withToken.slackTokenConfigured).toBe(true);
    expect(JSON.stringify(withToken)).not.toContain('xoxb');
    expect(applySettingsInput(withToken, { snsEnabled: true }, META).slackTokenConfigured).toBe(true);
    expect(
      applySettingsInput(withToken, { slackToken: null, slackEnabled: false }, META).slackTokenConfigured,
    ).toBe(false);
  });

  it('replaces the sensitive actions list', () => {
    const next = applySettingsInput(current, { sensitiveActions: ['DeleteBucket'] }, META);
    expect(next.sensitiveActions).toEqual(['DeleteBucket']);
  });

  it.each([
    [{ sesEnabled: true }, 'sesSourceEmail', 'Source email is required when email notifications are on.'],
    [{ sesEnabled: true, sesSourceEmail: '' }, 'sesSourceEmail', /Source email is required/],
    [{ slackEnabled: true }, 'slackToken', 'Slack token is required when Slack notifications are on.'],
    [{ maxDurationHours: 0 }, 'maxDurationHours', /at least 1 hour/],
  ] as const)('refuses %j', (input, field, message) => {
    let error: unknown;
    try {
      applySettingsInput(current, input, META);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toMatch(message);
  });

  it('allows switching email on together with its source email', () => {
    const next = applySettingsInput(current, { sesEnabled: true, sesSourceEmail: 'team@example.com' }, META);
    expect(next.sesEnabled).toBe(true);
  });
});
