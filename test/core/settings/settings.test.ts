import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import {
  applySettingsInput,
  DEFAULT_SENSITIVE_ACTIONS,
  DEFAULT_SETTINGS,
  effectiveSettings,
} from '../../../lambdas/core/settings';
import type { SettingsInput } from '../../../lambdas/core/settings/settings-input';
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
      slackSigningSecretConfigured: false,
      teamsEnabled: false,
      teamsWebhookConfigured: false,
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

  it('records whether a signing secret and a Teams webhook URL are stored, never the values', () => {
    const url = 'https://example.com/workflows/1?sig=abc';
    const next = applySettingsInput(
      current,
      { slackSigningSecret: 'abcdef0123456789', teamsWebhookUrl: url, teamsEnabled: true },
      META,
    );
    expect(next).toMatchObject({
      slackSigningSecretConfigured: true,
      teamsWebhookConfigured: true,
      teamsEnabled: true,
    });
    expect(JSON.stringify(next)).not.toContain('abcdef0123456789');
    expect(JSON.stringify(next)).not.toContain(url);
    const cleared = applySettingsInput(next, { teamsWebhookUrl: null, teamsEnabled: false }, META);
    expect(cleared).toMatchObject({ slackSigningSecretConfigured: true, teamsWebhookConfigured: false });
  });

  it('replaces the sensitive actions list', () => {
    const next = applySettingsInput(current, { sensitiveActions: ['DeleteBucket'] }, META);
    expect(next.sensitiveActions).toEqual(['DeleteBucket']);
  });

  it.each([
    [{ sesEnabled: true }, 'sesSourceEmail', 'Source email is required when email notifications are on.'],
    [{ sesEnabled: true, sesSourceEmail: '' }, 'sesSourceEmail', /Source email is required/],
    [{ slackEnabled: true }, 'slackToken', 'Slack token is required when Slack notifications are on.'],
    [
      { teamsEnabled: true },
      'teamsWebhookUrl',
      'Teams webhook URL is required when Microsoft Teams notifications are on.',
    ],
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

  describe('reminder, escalation and break-glass', () => {
    const approvers = { id: 'a1b2c3d4e5-11111111-2222-3333-4444-555555555555', name: 'TEAM-Approvers' };

    it('are off by default, with break-glass allowed', () => {
      expect(current).toMatchObject({
        reminderMinutes: 0,
        escalationMinutes: 0,
        escalationGroups: [],
        breakGlassEnabled: true,
      });
    });

    it('sets a reminder, an escalation with its groups, and switches break-glass off', () => {
      const next = applySettingsInput(
        current,
        {
          reminderMinutes: 60,
          escalationMinutes: 240,
          escalationGroups: [approvers],
          breakGlassEnabled: false,
        },
        META,
      );
      expect(next).toMatchObject({
        reminderMinutes: 60,
        escalationMinutes: 240,
        escalationGroups: [approvers],
        breakGlassEnabled: false,
      });
      // A later edit of the minutes alone keeps the groups; an empty list removes them.
      const later = applySettingsInput(next, { escalationMinutes: 120 }, META);
      expect(later.escalationGroups).toEqual([approvers]);
      const off = applySettingsInput(later, { escalationMinutes: 0, escalationGroups: [] }, META);
      expect(off).toMatchObject({ escalationMinutes: 0, escalationGroups: [], reminderMinutes: 60 });
    });

    it('never shares the groups list with the settings it started from', () => {
      const next = applySettingsInput(current, { escalationGroups: [approvers] }, META);
      const again = applySettingsInput(next, { maxDurationHours: 4 }, META);
      again.escalationGroups.push({ id: 'x', name: 'x' });
      expect(next.escalationGroups).toEqual([approvers]);
    });

    it.each([
      [
        'an escalation without groups',
        { escalationMinutes: 30 },
        'escalationGroups',
        'Escalation groups are required when escalation is on (an escalation time above 0).',
      ],
      [
        'an escalation at the same time as the reminder',
        { reminderMinutes: 30, escalationMinutes: 30, escalationGroups: [approvers] },
        'escalationMinutes',
        'Escalation time must be later than the reminder (30 minutes), or 0 for no escalation.',
      ],
      [
        'an escalation before the reminder',
        { reminderMinutes: 90, escalationMinutes: 60, escalationGroups: [approvers] },
        'escalationMinutes',
        /later than the reminder \(90 minutes\)/,
      ],
    ] satisfies [string, SettingsInput, string, string | RegExp][])(
      'refuses %s',
      (_name, input, field, message) => {
        let error: unknown;
        try {
          applySettingsInput(current, input, META);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
        expect((error as ValidationError).message).toMatch(message);
      },
    );

    it('checks the settings as they stand after the edit, not the edit alone', () => {
      const escalating = applySettingsInput(
        current,
        { escalationMinutes: 60, escalationGroups: [approvers] },
        META,
      );
      // Removing the groups of a running escalation, or adding a later reminder, is refused.
      expect(() => applySettingsInput(escalating, { escalationGroups: [] }, META)).toThrow(
        /Escalation groups/,
      );
      expect(() => applySettingsInput(escalating, { reminderMinutes: 60 }, META)).toThrow(
        /later than the reminder/,
      );
      expect(applySettingsInput(escalating, { reminderMinutes: 59 }, META).reminderMinutes).toBe(59);
      // A reminder alone needs nothing else.
      expect(applySettingsInput(current, { reminderMinutes: 15 }, META).reminderMinutes).toBe(15);
    });
  });

  it('allows switching email on together with its source email', () => {
    const next = applySettingsInput(current, { sesEnabled: true, sesSourceEmail: 'team@example.com' }, META);
    expect(next.sesEnabled).toBe(true);
  });
});
