import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoSettingsRepository,
  SETTINGS_ID,
  settingsFromItem,
} from '../../../lambdas/adapters/dynamodb/settings';
import { ConflictError } from '../../../lambdas/core/errors';
import { DEFAULT_SETTINGS } from '../../../lambdas/core/settings';
import { someSettings } from '../../builders';
import { DEMO } from '../../fakes';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();

async function freshRepo() {
  const table = (await dynamo.freshTables()).Settings;
  return { table, repo: new DynamoSettingsRepository(dynamo.doc, table) };
}

describe('DynamoSettingsRepository: approval settings', () => {
  it('stores the reminder, escalation, escalation groups and break-glass switch', async () => {
    const { repo } = await freshRepo();
    const saved = someSettings({
      reminderMinutes: 60,
      escalationMinutes: 240,
      escalationGroups: [DEMO.groups.approversProduction, DEMO.groups.auditors],
      breakGlassEnabled: false,
      version: 1,
    });
    await repo.put(saved, 0);
    expect(await repo.get()).toEqual(saved);

    const next = { ...saved, escalationGroups: [], escalationMinutes: 0, version: 2 };
    await repo.put(next, 1);
    expect(await repo.get()).toEqual(next);
    await expect(repo.put({ ...saved, version: 2 }, 1)).rejects.toThrow(ConflictError);
  });

  it('gives a record written before these settings existed their defaults', async () => {
    const { table, repo } = await freshRepo();
    const {
      reminderMinutes: _r,
      escalationMinutes: _e,
      escalationGroups: _g,
      breakGlassEnabled: _b,
      ...older
    } = someSettings({ maxDurationHours: 4, version: 3 });
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { ...older, id: SETTINGS_ID } }));
    expect(await repo.get()).toEqual({
      ...older,
      reminderMinutes: 0,
      escalationMinutes: 0,
      escalationGroups: [],
      breakGlassEnabled: true,
    });
  });

  it('stores the OU cache lifetime, a week for a record written before it existed', async () => {
    const { table, repo } = await freshRepo();
    const { ouCacheLifetimeHours: _lifetime, ...older } = someSettings({ version: 2 });
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { ...older, id: SETTINGS_ID } }));
    expect((await repo.get())?.ouCacheLifetimeHours).toBe(168);
    await repo.put(someSettings({ ouCacheLifetimeHours: 12, version: 3 }), 2);
    expect((await repo.get())?.ouCacheLifetimeHours).toBe(12);
    expect(() => settingsFromItem({ version: 1, ouCacheLifetimeHours: '7 days' })).toThrow(
      /malformed at ouCacheLifetimeHours/,
    );
  });

  it('drops attributes that are not settings, such as a token an old record kept', async () => {
    const { table, repo } = await freshRepo();
    const item = { ...someSettings(), id: SETTINGS_ID, slackToken: 'xoxb-1234567890-abc' };
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: item }));
    const read = await repo.get();
    expect(read).not.toHaveProperty('slackToken');
    expect(read).not.toHaveProperty('id');
  });
});

describe('settingsFromItem', () => {
  const item = { ...someSettings(), id: SETTINGS_ID };

  it('fills every missing field with its default, but needs the version', () => {
    expect(settingsFromItem({ version: 1 })).toEqual({
      ...DEFAULT_SETTINGS,
      sensitiveActions: [...DEFAULT_SETTINGS.sensitiveActions],
      version: 1,
    });
    expect(() => settingsFromItem({})).toThrow(/malformed at version/);
  });

  it.each([
    ['breakGlassEnabled', 'false'],
    ['reminderMinutes', '60'],
    ['escalationGroups', ['TEAM-Admins']],
  ])('refuses a record whose %s has the wrong type rather than default it', (field, value) => {
    expect(() => settingsFromItem({ ...item, [field]: value })).toThrow(
      new RegExp(`The stored settings are malformed at ${field}`),
    );
  });

  it('reads null optional text as absent', () => {
    const read = settingsFromItem({ ...item, sesSourceEmail: null, adminGroupName: null });
    expect(read).not.toHaveProperty('sesSourceEmail');
    expect(read).not.toHaveProperty('adminGroupName');
  });
});
