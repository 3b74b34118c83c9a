import { describe, expect, it } from 'vitest';
import { validateSettingsInput } from '../../../lambdas/core/settings/settings-input';
import { bad, check, type Outcome, ok } from '../fixtures';

const GROUP_ID = 'a1b2c3d4e5-11111111-2222-3333-4444-555555555555';

describe('validateSettingsInput', () => {
  const run = (input: unknown) => () => validateSettingsInput(input);
  const cases: [string, () => unknown, Outcome][] = [
    ['nothing changed', run({}), ok({})],
    [
      'maximum duration 1 and expiry 8000',
      run({ maxDurationHours: 1, expiryHours: 8000 }),
      ok({ maxDurationHours: 1, expiryHours: 8000 }),
    ],
    [
      'maximum duration 0',
      run({ maxDurationHours: 0 }),
      bad('maxDurationHours', 'Maximum request duration must be at least 1 hour.'),
    ],
    ['maximum duration 8001', run({ maxDurationHours: 8001 }), bad('maxDurationHours', /at most 8000 hours/)],
    [
      'expiry 0',
      run({ expiryHours: 0 }),
      bad('expiryHours', 'Request expiry timeout must be at least 1 hour.'),
    ],
    ['expiry 2.5', run({ expiryHours: 2.5 }), bad('expiryHours', /whole number/)],
    [
      'a flag given as text',
      run({ approvalWorkflow: 'yes' }),
      bad('approvalWorkflow', 'Approval workflow must be true or false.'),
    ],
    [
      'a source email',
      run({ sesSourceEmail: ' team@example.com ' }),
      ok({ sesSourceEmail: 'team@example.com' }),
    ],
    [
      'a malformed source email',
      run({ sesSourceEmail: 'team@example' }),
      bad('sesSourceEmail', 'Source email must be an email address.'),
    ],
    ['a source email cleared with null', run({ sesSourceEmail: null }), ok({ sesSourceEmail: null })],
    ['a source email cleared with empty text', run({ sesSourceEmail: '' }), ok({ sesSourceEmail: '' })],
    [
      'an SES identity ARN',
      run({ sesSourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' }),
      ok(),
    ],
    [
      'a GovCloud SES identity ARN',
      run({ sesSourceArn: 'arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/a@b.com' }),
      ok(),
    ],
    [
      'an SNS ARN as SES identity',
      run({ sesSourceArn: 'arn:aws:sns:eu-west-1:123456789012:topic' }),
      bad('sesSourceArn', /Source ARN must be an SES identity ARN/),
    ],
    [
      'an ARN with a short account',
      run({ sesSourceArn: 'arn:aws:ses:eu-west-1:1234:identity/x' }),
      bad('sesSourceArn', /SES identity ARN/),
    ],
    [
      'a Slack bot token of 10 characters',
      run({ slackToken: 'xoxb-12345' }),
      ok({ slackToken: 'xoxb-12345' }),
    ],
    [
      'a Slack bot token of 9 characters',
      run({ slackToken: 'xoxb-1234' }),
      bad('slackToken', /Slack token must be a bot token/),
    ],
    ['a Slack user token', run({ slackToken: 'xoxp-1234567890' }), bad('slackToken', /xoxb-/)],
    ['an empty Slack token', run({ slackToken: '' }), bad('slackToken', /xoxb-/)],
    ['a Slack token cleared', run({ slackToken: null }), ok({ slackToken: null })],
    [
      'a Slack signing secret',
      run({ slackSigningSecret: ' 8f742231b10e8888abcd99yyyzzz85a5 ' }),
      ok({ slackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5' }),
    ],
    [
      'a Slack signing secret with a dash',
      run({ slackSigningSecret: '8f742231-b10e8888abcd' }),
      bad('slackSigningSecret', 'Slack signing secret must be 16 to 128 letters or digits.'),
    ],
    ['a Slack signing secret cleared', run({ slackSigningSecret: null }), ok({ slackSigningSecret: null })],
    ['Teams on', run({ teamsEnabled: true }), ok({ teamsEnabled: true })],
    [
      'Teams given as text',
      run({ teamsEnabled: 'on' }),
      bad('teamsEnabled', 'Microsoft Teams notifications must be true or false.'),
    ],
    [
      'a Teams Workflows webhook URL',
      run({
        teamsWebhookUrl: 'https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual?sig=x',
      }),
      ok(),
    ],
    [
      'a Teams webhook URL to the local outbox',
      run({ teamsWebhookUrl: 'http://127.0.0.1:4566/teams/webhook/team-local' }),
      ok(),
    ],
    ['a Teams webhook URL to [::1]', run({ teamsWebhookUrl: 'http://[::1]:4566/teams/webhook/x' }), ok()],
    [
      'a Teams webhook URL over http elsewhere',
      run({ teamsWebhookUrl: 'http://10.0.0.1/hook' }),
      bad('teamsWebhookUrl', 'Teams webhook URL must be an https:// URL of at most 2,048 characters.'),
    ],
    [
      'a Teams webhook URL with a space inside',
      run({ teamsWebhookUrl: 'https://example.com/a b' }),
      bad('teamsWebhookUrl', /https:\/\/ URL/),
    ],
    [
      'a Teams webhook URL of ftp',
      run({ teamsWebhookUrl: 'ftp://example.com/x' }),
      bad('teamsWebhookUrl', /https/),
    ],
    ['an empty Teams webhook URL', run({ teamsWebhookUrl: '' }), bad('teamsWebhookUrl', /https/)],
    ['a Teams webhook URL cleared', run({ teamsWebhookUrl: null }), ok({ teamsWebhookUrl: null })],
    ['a Slack channel name', run({ slackAuditChannel: '#team-audit' }), ok()],
    ['a Slack channel id', run({ slackAuditChannel: 'C0123ABCD' }), ok()],
    [
      'a Slack channel with a space',
      run({ slackAuditChannel: 'team audit' }),
      bad('slackAuditChannel', /Slack channel/),
    ],
    ['admin group names', run({ adminGroupName: 'TEAM-Admins', auditorGroupName: 'TEAM 監査' }), ok()],
    [
      'an admin group name with a tab',
      run({ adminGroupName: 'TEAM\tAdmins' }),
      bad('adminGroupName', /TEAM admin group must be printable/),
    ],
    [
      'an auditor group name of 1,025 characters',
      run({ auditorGroupName: 'a'.repeat(1025) }),
      bad('auditorGroupName', /1,024/),
    ],
    [
      'sensitive actions',
      run({ sensitiveActions: ['iam.amazonaws.com:CreateUser', 'DeleteBucket', 'DeleteBucket'] }),
      ok({ sensitiveActions: ['iam.amazonaws.com:CreateUser', 'DeleteBucket'] }),
    ],
    [
      'sensitive actions with a trailing wildcard',
      run({ sensitiveActions: ['iam.amazonaws.com:Delete*', 'iam.amazonaws.com:*', 'Terminate*'] }),
      ok({ sensitiveActions: ['iam.amazonaws.com:Delete*', 'iam.amazonaws.com:*', 'Terminate*'] }),
    ],
    ...['*', 'iam.amazonaws.com:*Delete', 'Del*ete', 'iam.amazonaws.com:Delete**'].map(
      (action): [string, () => unknown, Outcome] => [
        `a misplaced wildcard (${action})`,
        run({ sensitiveActions: [action] }),
        bad('sensitiveActions.0', /Sensitive action must be an event name/),
      ],
    ),
    [
      'a sensitive action with SQL',
      run({ sensitiveActions: ["x' OR 1=1"] }),
      bad('sensitiveActions.0', /Sensitive action must be an event name/),
    ],
    ['not an object', run('settings'), bad(undefined, 'The settings must be an object.')],
    [
      'a reminder and an escalation in minutes',
      run({ reminderMinutes: 0, escalationMinutes: 10_080 }),
      ok({ reminderMinutes: 0, escalationMinutes: 10_080 }),
    ],
    [
      'a reminder of a week and a minute',
      run({ reminderMinutes: 10_081 }),
      bad('reminderMinutes', 'Reminder time must be at most 10080 minutes.'),
    ],
    [
      'a negative escalation',
      run({ escalationMinutes: -5 }),
      bad('escalationMinutes', 'Escalation time must be at least 0 minutes.'),
    ],
    [
      'a reminder of half a minute',
      run({ reminderMinutes: 0.5 }),
      bad('reminderMinutes', 'Reminder time must be a whole number of minutes.'),
    ],
    [
      'an escalation given as text',
      run({ escalationMinutes: '60' }),
      bad('escalationMinutes', 'Escalation time must be a number.'),
    ],
    ['an OU cache lifetime of 1 hour', run({ ouCacheLifetimeHours: 1 }), ok({ ouCacheLifetimeHours: 1 })],
    [
      'an OU cache lifetime of 30 days',
      run({ ouCacheLifetimeHours: 720 }),
      ok({ ouCacheLifetimeHours: 720 }),
    ],
    [
      'an OU cache lifetime of 0 hours',
      run({ ouCacheLifetimeHours: 0 }),
      bad('ouCacheLifetimeHours', 'OU cache lifetime must be at least 1 hour.'),
    ],
    [
      'an OU cache lifetime of 30 days and an hour',
      run({ ouCacheLifetimeHours: 721 }),
      bad('ouCacheLifetimeHours', 'OU cache lifetime must be at most 720 hours (30 days).'),
    ],
    [
      'a negative OU cache lifetime',
      run({ ouCacheLifetimeHours: -168 }),
      bad('ouCacheLifetimeHours', 'OU cache lifetime must be at least 1 hour.'),
    ],
    [
      'an OU cache lifetime of an hour and a half',
      run({ ouCacheLifetimeHours: 1.5 }),
      bad('ouCacheLifetimeHours', 'OU cache lifetime must be a whole number of hours.'),
    ],
    [
      'an OU cache lifetime given as an ISO duration',
      run({ ouCacheLifetimeHours: 'P7D' }),
      bad('ouCacheLifetimeHours', 'OU cache lifetime must be a number.'),
    ],
    ['break-glass switched off', run({ breakGlassEnabled: false }), ok({ breakGlassEnabled: false })],
    [
      'break-glass given as text',
      run({ breakGlassEnabled: 'off' }),
      bad('breakGlassEnabled', 'Break-glass access must be true or false.'),
    ],
    [
      'escalation groups, one of them twice',
      run({
        escalationGroups: [
          { id: ` ${GROUP_ID} `, name: 'TEAM-Approvers' },
          { id: GROUP_ID, name: 'TEAM-Approvers' },
        ],
      }),
      ok({
        escalationGroups: [{ id: GROUP_ID, name: 'TEAM-Approvers' }],
      }),
    ],
    [
      'an escalation group that is not an Identity Center id',
      run({ escalationGroups: [{ id: 'admins', name: 'Admins' }] }),
      bad('escalationGroups.0.id', 'Escalation group id must be an IAM Identity Center id (item 1).'),
    ],
    [
      'an escalation group without a name',
      run({ escalationGroups: [{ id: GROUP_ID, name: ' ' }] }),
      bad('escalationGroups.0.name', 'Escalation group name is required (item 1).'),
    ],
    [
      'escalation groups given as one id',
      run({ escalationGroups: GROUP_ID }),
      bad('escalationGroups', 'Escalation groups must be a list.'),
    ],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('returns only the fields given and drops fields nobody edits', () => {
    expect(validateSettingsInput({ snsEnabled: true, slackTokenConfigured: true, version: 9 })).toEqual({
      snsEnabled: true,
    });
  });
});
