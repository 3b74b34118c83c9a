/**
 * Notifications out of the box: a fresh local cloud's seeded settings turn email and Slack on
 * (into the outbox), and one request's notification gives exactly one console line per message,
 * each naming the channel, the recipient and the subject.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRequestDocument, SettingsDocument } from '../../../graphql/generated/operations';
import { DEMO_NOTIFICATIONS, startLocalBackend, type LocalBackend } from '../../../local/backend';
import { printNotifications } from '../../../local/outbox';
import { ManualClock } from '../../../local/sfn';
import { registerRequestWorkflow } from '../../../local/workflow';
import { sharedDynamoEndpoint } from '../../support/shared-dynamo';

const T0 = Date.UTC(2031, 2, 3, 9, 0, 0);
const ACCOUNT = { id: '118573649280', name: 'Sandbox Team A' };
const REQUESTER = 'alice.nguyen@example.com';
/** TEAM-Approvers-NonProduction approves Sandbox Team A (the requester is not among them). */
const APPROVERS = ['bob.martin@example.com', 'carol.smith@example.com', 'ivan.petrov@example.com'];

const cacheDir = mkdtempSync(join(tmpdir(), 'team-notify-'));
let local: LocalBackend;
let workflow: { close(): void } | undefined;

async function call(userName: string, query: string, variables: Record<string, unknown> = {}) {
  const { accessToken } = await local.tokensFor(userName);
  const response = await fetch(local.urls.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: { settings?: unknown } | null; errors?: unknown[] };
}

beforeAll(async () => {
  local = await startLocalBackend({
    clock: new ManualClock(T0),
    sessionActivity: false,
    dynamoEndpoint: sharedDynamoEndpoint(),
  });
  workflow = registerRequestWorkflow(local, cacheDir);
}, 120_000);

afterAll(async () => {
  workflow?.close();
  await local?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('notifications of the local cloud', () => {
  it('seeds settings with email, Slack and Teams on', async () => {
    expect(local.seeded.settings).toBe('created');
    const body = await call('grace.kim@example.com', SettingsDocument.toString());
    expect(body.errors).toBeUndefined();
    expect(body.data?.settings).toMatchObject({
      sesEnabled: true,
      sesSourceEmail: DEMO_NOTIFICATIONS.sesSourceEmail,
      slackEnabled: true,
      slackTokenConfigured: true,
      teamsEnabled: true,
      teamsWebhookConfigured: true,
    });
  });

  it("prints one console line per message of a request's notification", async () => {
    const lines: string[] = [];
    const stop = printNotifications(local.outbox.outbox, (line) => lines.push(line));
    const before = local.outbox.outbox.list().length;
    const permissionSet = local.org.permissionSets.find((p) => p.name === 'ReadOnlyAccess');
    const created = await call(REQUESTER, CreateRequestDocument.toString(), {
      input: {
        accountId: ACCOUNT.id,
        permissionSetArn: permissionSet?.arn,
        durationHours: 1,
        justification: 'Look at the failing deployment',
        ticketNo: 'OPS-1000',
      },
    });
    expect(created.errors).toBeUndefined();
    await local.settle();
    stop();

    const sent = local.outbox.outbox.list().slice(before);
    const emails = sent.filter((m) => m.channel === 'email');
    const slack = sent.filter((m) => m.channel === 'slack');
    // The pending request goes to its approvers by both channels, once each.
    expect(emails.flatMap((m) => m.to).sort()).toEqual(APPROVERS);
    expect(slack.map((m) => m.recipient?.email).sort()).toEqual(APPROVERS);
    expect(sent.filter((m) => m.channel === 'sns')).toEqual([]);
    // One card for the channel behind the outbox's Teams webhook.
    const teams = sent.filter((m) => m.channel === 'teams');
    expect(teams.map((m) => m.webhook)).toEqual(['team-local']);
    expect(lines.filter((l) => l.startsWith('▣ teams '))).toEqual([
      '▣ teams  webhook team-local  "Access request waiting for approval"',
    ]);

    expect(lines).toHaveLength(sent.length);
    const subject = emails[0]?.subject ?? '';
    expect(subject).toBe(`AWS access request for ${ACCOUNT.name} (${ACCOUNT.id}) needs approval`);
    for (const approver of APPROVERS) {
      const mine = lines.filter((l) => l.includes(approver));
      expect(mine.filter((l) => l.startsWith('✉ email '))).toHaveLength(1);
      expect(mine.filter((l) => l.startsWith('# slack '))).toHaveLength(1);
    }
    for (const line of lines.filter((l) => l.startsWith('✉ email '))) {
      expect(line).toMatch(
        new RegExp(`^✉ email  \\S.*  "${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"$`),
      );
    }
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});
