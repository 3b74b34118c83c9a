import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '../../../lambdas/core/errors';
import { DEFAULT_SETTINGS, type UpdateSettingsInput } from '../../../lambdas/core/settings';
import type { Settings } from '../../../lambdas/core/types';
import { someSettings } from '../../builders';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const TOKEN = 'xoxb-1234567890-abcdefghij';

const everything = {
  maxDurationHours: 12,
  expiryHours: 2,
  commentsRequired: false,
  ticketRequired: false,
  approvalWorkflow: true,
  sesEnabled: true,
  sesSourceEmail: 'team@example.com',
  sesSourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
  snsEnabled: false,
  slackEnabled: true,
  slackAuditChannel: '#team-audit',
  adminGroupName: null,
  auditorGroupName: null,
  ouCacheEnabled: true,
  sensitiveActions: ['iam.amazonaws.com:CreateUser', 'DeleteBucket'],
};

describe('getSettings', () => {
  it('gives everyone signed in the defaults, group names from deployment config', async () => {
    const t = setup();
    const settings = await t.getSettings(t.oscar);
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      adminGroupName: DEMO.deployment.adminGroupName,
      auditorGroupName: DEMO.deployment.auditorGroupName,
    });
  });

  it('never returns a token, even one an old record still holds', async () => {
    const t = setup();
    const legacy: Settings & { slackToken: string } = {
      ...someSettings({ slackEnabled: true, slackTokenConfigured: true }),
      slackToken: TOKEN,
    };
    t.world.settings.seed(legacy);
    const settings = await t.getSettings(t.dave);
    expect(settings).not.toHaveProperty('slackToken');
    expect(JSON.stringify(settings)).not.toContain('xoxb');
    expect(settings.slackTokenConfigured).toBe(true);
  });
});

describe('updateSettings', () => {
  it('saves an admin’s settings, the Slack token only to the secret store', async () => {
    const t = setup();
    t.world.clock.advance({ minutes: 5 });
    const saved = await t.updateSettings(t.dave, { ...everything, slackToken: TOKEN, expectedVersion: 0 });

    expect(saved).toMatchObject({
      maxDurationHours: 12,
      expiryHours: 2,
      sesSourceEmail: 'team@example.com',
      slackEnabled: true,
      slackTokenConfigured: true,
      slackAuditChannel: '#team-audit',
      // Not stored: they keep following the deployment config.
      adminGroupName: 'TEAM-Admins',
      auditorGroupName: 'TEAM-Auditors',
      updatedAt: '2026-03-02T09:05:00.000Z',
      updatedBy: DEMO.users.dave.userName,
      version: 1,
    });
    expect(JSON.stringify(saved)).not.toContain('xoxb');
    expect(await t.world.secrets.getSecret('slackToken')).toBe(TOKEN);

    const stored = await t.world.settings.get();
    expect(JSON.stringify(stored)).not.toContain('xoxb');
    expect(stored).not.toHaveProperty('adminGroupName');
    expect(await t.getSettings(t.alice)).toEqual(saved);
  });

  it('keeps the stored token when none is sent, and deletes it on request', async () => {
    const t = setup();
    await t.updateSettings(t.dave, { ...everything, slackToken: TOKEN });
    const kept = await t.updateSettings(t.dave, { ...everything, slackToken: null, expiryHours: 4 });
    expect(kept).toMatchObject({ expiryHours: 4, slackTokenConfigured: true, version: 2 });
    expect(await t.world.secrets.getSecret('slackToken')).toBe(TOKEN);

    const cleared = await t.updateSettings(t.dave, {
      ...everything,
      slackEnabled: false,
      clearSlackToken: true,
    });
    expect(cleared.slackTokenConfigured).toBe(false);
    expect(await t.world.secrets.getSecret('slackToken')).toBeUndefined();
  });

  it('refuses Slack switched on without a token, writing nothing', async () => {
    const t = setup();
    const error = await failure(t.updateSettings(t.dave, everything));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'slackToken' });
    expect(await t.world.settings.get()).toBeUndefined();
    expect(t.world.secrets.calls.total()).toBe(0);

    const both = await failure(
      t.updateSettings(t.dave, { ...everything, slackToken: TOKEN, clearSlackToken: true }),
    );
    expect(both).toMatchObject({ field: 'slackToken' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a zero maximum duration', { maxDurationHours: 0 }, 'maxDurationHours'],
    ['an expiry above 8000 hours', { expiryHours: 8001 }, 'expiryHours'],
    ['a malformed source email', { sesSourceEmail: 'team@' }, 'sesSourceEmail'],
    ['a malformed SES ARN', { sesSourceArn: 'arn:aws:s3:::bucket' }, 'sesSourceArn'],
    ['a malformed Slack token', { slackToken: 'xoxp-123' }, 'slackToken'],
  ])('refuses %s', async (_what, override, field) => {
    const t = setup();
    const error = await failure(t.updateSettings(t.dave, { ...everything, slackToken: TOKEN, ...override }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field });
    expect(await t.world.secrets.getSecret('slackToken')).toBeUndefined();
  });

  it('refuses a save based on an old version', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ version: 3 }));
    const error = await failure(
      t.updateSettings(t.dave, { ...everything, slackEnabled: false, expectedVersion: 2 }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    const saved = await t.updateSettings(t.dave, { ...everything, slackEnabled: false, expectedVersion: 3 });
    expect(saved.version).toBe(4);
  });

  it('is for admins only', async () => {
    const t = setup();
    for (const caller of [t.alice, t.bob, t.erin]) {
      expect(await failure(t.updateSettings(caller, { ...everything, slackToken: TOKEN }))).toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect(t.world.secrets.calls.total()).toBe(0);
  });
});

describe('updateSettings: reminder, escalation and break-glass', () => {
  const production = DEMO.groups.approversProduction;
  const auditors = DEMO.groups.auditors;

  it('names the escalation groups from the directory, whatever the client sends', async () => {
    const t = setup();
    const saved = await t.updateSettings(t.dave, {
      reminderMinutes: 60,
      escalationMinutes: 240,
      escalationGroupIds: [production.id, ` ${auditors.id} `, production.id],
      breakGlassEnabled: false,
      expectedVersion: 0,
    });
    expect(saved).toMatchObject({
      reminderMinutes: 60,
      escalationMinutes: 240,
      escalationGroups: [production, auditors],
      breakGlassEnabled: false,
      version: 1,
    });
    expect(await t.world.settings.get()).toMatchObject({ escalationGroups: [production, auditors] });
  });

  it('keeps the stored groups when no ids are sent, and removes them with an empty list', async () => {
    const t = setup();
    await t.updateSettings(t.dave, {
      escalationMinutes: 30,
      escalationGroupIds: [production.id],
      expectedVersion: 0,
    });
    const kept = await t.updateSettings(t.dave, {
      escalationMinutes: 45,
      escalationGroupIds: null,
      reminderMinutes: null,
      breakGlassEnabled: null,
      expectedVersion: 1,
    });
    expect(kept).toMatchObject({ escalationMinutes: 45, escalationGroups: [production], reminderMinutes: 0 });
    expect(kept.breakGlassEnabled).toBe(true);
    const cleared = await t.updateSettings(t.dave, {
      escalationMinutes: 0,
      escalationGroupIds: [],
      expectedVersion: 2,
    });
    expect(cleared).toMatchObject({ escalationMinutes: 0, escalationGroups: [] });
  });

  it.each([
    [
      'a group that does not exist',
      { escalationMinutes: 30, escalationGroupIds: ['a1b2c3d4e5-99999999-9999-9999-9999-999999999999'] },
      'escalationGroupIds',
      'Escalation group a1b2c3d4e5-99999999-9999-9999-9999-999999999999 does not exist.',
    ],
    [
      'a group id of the wrong shape',
      { escalationGroupIds: ['TEAM-Admins'] },
      'escalationGroupIds.0',
      'Escalation group id must be an IAM Identity Center id (item 1).',
    ],
    [
      'an escalation without groups',
      { escalationMinutes: 30 },
      'escalationGroupIds',
      /Escalation groups are required/,
    ],
    [
      'an escalation that does not come after the reminder',
      { reminderMinutes: 60, escalationMinutes: 60, escalationGroupIds: [DEMO.groups.auditors.id] },
      'escalationMinutes',
      /later than the reminder/,
    ],
    [
      'a reminder of more than a week',
      { reminderMinutes: 20_000 },
      'reminderMinutes',
      'Reminder time must be at most 10080 minutes.',
    ],
  ] satisfies [string, UpdateSettingsInput, string, string | RegExp][])(
    'refuses %s, naming the input field and writing nothing',
    async (_name, input, field, message) => {
      const t = setup();
      const error = await failure(t.updateSettings(t.dave, { ...input, expectedVersion: 0 }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as ValidationError).message).toMatch(message);
      expect(await t.world.settings.get()).toBeUndefined();
    },
  );
});

describe('updateSettings: the OU cache lifetime', () => {
  it('is a week until an admin changes it, and a save that leaves it out keeps it', async () => {
    const t = setup();
    expect((await t.getSettings(t.oscar)).ouCacheLifetimeHours).toBe(168);
    const saved = await t.updateSettings(t.dave, { ouCacheLifetimeHours: 36, expectedVersion: 0 });
    expect(saved.ouCacheLifetimeHours).toBe(36);
    expect(await t.world.settings.get()).toMatchObject({ ouCacheLifetimeHours: 36 });
    const kept = await t.updateSettings(t.dave, {
      ...everything,
      slackToken: TOKEN,
      ouCacheLifetimeHours: null,
      expectedVersion: 1,
    });
    expect(kept.ouCacheLifetimeHours).toBe(36);
    expect((await t.getSettings(t.oscar)).ouCacheLifetimeHours).toBe(36);
  });

  it.each([
    [0, 'OU cache lifetime must be at least 1 hour.'],
    [721, 'OU cache lifetime must be at most 720 hours (30 days).'],
    [24.5, 'OU cache lifetime must be a whole number of hours.'],
  ])('refuses %s hours, naming the field and writing nothing', async (hours, message) => {
    const t = setup();
    const error = await failure(
      t.updateSettings(t.dave, { ouCacheLifetimeHours: hours, expectedVersion: 0 }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('ouCacheLifetimeHours');
    expect((error as ValidationError).message).toBe(message);
    expect(await t.world.settings.get()).toBeUndefined();
  });
});

describe('updateSettings: the Slack signing secret and Microsoft Teams', () => {
  const SIGNING = 'abcdef0123456789abcdef0123456789';
  const WEBHOOK =
    'https://prod-42.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?sig=AbC-123';
  const slackOff = { ...everything, slackEnabled: false };

  it('writes the signing secret and the webhook URL to the secret store only, and says they are configured', async () => {
    const t = setup();
    const saved = await t.updateSettings(t.dave, {
      ...slackOff,
      slackSigningSecret: SIGNING,
      teamsWebhookUrl: ` ${WEBHOOK} `,
      teamsEnabled: true,
      expectedVersion: 0,
    });
    expect(saved).toMatchObject({
      slackSigningSecretConfigured: true,
      teamsEnabled: true,
      teamsWebhookConfigured: true,
      slackTokenConfigured: false,
    });
    for (const read of [saved, await t.getSettings(t.alice), await t.world.settings.get()]) {
      const text = JSON.stringify(read);
      expect(text).not.toContain(SIGNING);
      expect(text).not.toContain('logic.azure.com');
      expect(read).not.toHaveProperty('teamsWebhookUrl');
      expect(read).not.toHaveProperty('slackSigningSecret');
    }
    expect(await t.world.secrets.getSecret('slackSigningSecret')).toBe(SIGNING);
    expect(await t.world.secrets.getSecret('teamsWebhookUrl')).toBe(WEBHOOK);
    expect(await t.world.secrets.getSecret('slackToken')).toBeUndefined();
  });

  it('never returns a signing secret or webhook URL that a stored record holds', async () => {
    const t = setup();
    t.world.settings.seed({
      ...someSettings({ teamsEnabled: true, teamsWebhookConfigured: true }),
      ...{ teamsWebhookUrl: WEBHOOK, slackSigningSecret: SIGNING },
    });
    const settings = await t.getSettings(t.bob);
    expect(settings).not.toHaveProperty('teamsWebhookUrl');
    expect(settings).not.toHaveProperty('slackSigningSecret');
    expect(settings.teamsWebhookConfigured).toBe(true);
  });

  it('keeps each stored secret when none is sent, and clears one without touching the others', async () => {
    const t = setup();
    await t.updateSettings(t.dave, {
      ...everything,
      slackToken: TOKEN,
      slackSigningSecret: SIGNING,
      teamsWebhookUrl: WEBHOOK,
      teamsEnabled: true,
    });
    const kept = await t.updateSettings(t.dave, {
      ...everything,
      slackSigningSecret: null,
      teamsWebhookUrl: '',
      teamsEnabled: null,
    });
    expect(kept).toMatchObject({
      slackSigningSecretConfigured: true,
      teamsEnabled: true,
      teamsWebhookConfigured: true,
    });

    const cleared = await t.updateSettings(t.dave, {
      ...everything,
      teamsEnabled: false,
      clearTeamsWebhookUrl: true,
    });
    expect(cleared).toMatchObject({
      teamsEnabled: false,
      teamsWebhookConfigured: false,
      slackSigningSecretConfigured: true,
      slackTokenConfigured: true,
    });
    expect(await t.world.secrets.getSecret('teamsWebhookUrl')).toBeUndefined();
    expect(await t.world.secrets.getSecret('slackSigningSecret')).toBe(SIGNING);
    expect(await t.world.secrets.getSecret('slackToken')).toBe(TOKEN);

    const noSigning = await t.updateSettings(t.dave, { ...everything, clearSlackSigningSecret: true });
    expect(noSigning.slackSigningSecretConfigured).toBe(false);
    expect(await t.world.secrets.getSecret('slackSigningSecret')).toBeUndefined();
  });

  it.each<[string, UpdateSettingsInput, string, string | RegExp]>([
    [
      'Teams switched on without a webhook URL',
      { teamsEnabled: true },
      'teamsWebhookUrl',
      'Teams webhook URL is required when Microsoft Teams notifications are on.',
    ],
    [
      'a webhook URL over plain http',
      { teamsWebhookUrl: 'http://example.com/hook' },
      'teamsWebhookUrl',
      'Teams webhook URL must be an https:// URL of at most 2,048 characters.',
    ],
    ['a webhook URL that is no URL', { teamsWebhookUrl: 'not a url' }, 'teamsWebhookUrl', /https:\/\/ URL/],
    ['a javascript: URL', { teamsWebhookUrl: 'javascript:alert(1)' }, 'teamsWebhookUrl', /https:\/\/ URL/],
    [
      'a webhook URL with a user name and password',
      { teamsWebhookUrl: 'https://user:pass@example.com/hook' },
      'teamsWebhookUrl',
      /https:\/\/ URL/,
    ],
    [
      'a webhook URL longer than 2,048 characters',
      { teamsWebhookUrl: `https://example.com/${'a'.repeat(2029)}` },
      'teamsWebhookUrl',
      /at most 2,048 characters/,
    ],
    [
      'a new webhook URL and its removal together',
      { teamsWebhookUrl: WEBHOOK, clearTeamsWebhookUrl: true },
      'teamsWebhookUrl',
      'Enter a new Teams webhook URL or remove the stored one, not both.',
    ],
    [
      'a signing secret of the wrong shape',
      { slackSigningSecret: 'not-a-signing-secret' },
      'slackSigningSecret',
      'Slack signing secret must be 16 to 128 letters or digits.',
    ],
    [
      'a new signing secret and its removal together',
      { slackSigningSecret: SIGNING, clearSlackSigningSecret: true },
      'slackSigningSecret',
      /not both/,
    ],
  ])('refuses %s with a clear message, writing nothing', async (_name, input, field, message) => {
    const t = setup();
    const error = await failure(
      t.updateSettings(t.dave, { ...slackOff, slackSigningSecret: SIGNING, ...input, expectedVersion: 0 }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toMatch(message);
    expect(await t.world.settings.get()).toBeUndefined();
    expect(t.world.secrets.calls.count('putSecret') + t.world.secrets.calls.count('deleteSecret')).toBe(0);
  });

  it.each([
    ['the longest URL allowed', `https://example.com/${'a'.repeat(2028)}`],
    ['the local outbox (http to 127.0.0.1)', 'http://127.0.0.1:4566/teams/webhook/team-local'],
    ['http to localhost', 'http://localhost:8080/teams/webhook/x'],
  ])('accepts %s', async (_name, url) => {
    expect(url.length).toBeLessThanOrEqual(2048);
    const t = setup();
    const saved = await t.updateSettings(t.dave, { ...slackOff, teamsWebhookUrl: url, teamsEnabled: true });
    expect(saved.teamsWebhookConfigured).toBe(true);
    expect(await t.world.secrets.getSecret('teamsWebhookUrl')).toBe(url);
  });
});
