// @vitest-environment jsdom
import { act, cleanup } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import { en } from '../../../web/src/i18n/en';
import { interpolate } from '../../../web/src/i18n';
import { formatTimer, minutesOf, timerValueOf } from '../../../web/src/pages/settings/approval-timers';
import {
  formatLifetime,
  lifetimeHoursOf,
  lifetimeValueOf,
} from '../../../web/src/pages/settings/ou-cache-lifetime';
import { formOf, inputOf, validateSettings } from '../../../web/src/pages/settings/settings-modal';
import SettingsPage from '../../../web/src/pages/settings/settings-page';
import { memoryData, me, settings } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  flashTexts,
  renderWithApp,
  setupWebTests,
  type PageWrapper,
  waitForElement,
} from '../support/render';

setupWebTests();

const t = (key: keyof typeof en, values?: Record<string, string | number>) => interpolate(en[key], values);
const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

function setText(page: PageWrapper, label: string, value: string) {
  const control = field(modal(page), label).findControl();
  act(() => {
    const autosuggest = control?.findAutosuggest();
    const input = control?.findInput();
    if (autosuggest) autosuggest.setInputValue(value);
    else if (input) input.setInputValue(value);
    else control?.findTextarea()?.setTextareaValue(value);
  });
}

function toggle(page: PageWrapper, label: string) {
  act(() => field(modal(page), label).findControl()?.findToggle()?.findNativeInput().click());
}

function errorOf(page: PageWrapper, label: string) {
  return field(modal(page), label).findError()?.getElement().textContent;
}

async function openEditor(api: MemoryTeamApi) {
  const harness = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
  await waitForElement(() => harness.page.getElement().textContent?.includes('Request settings'));
  act(() => button(harness.page, 'Edit').click());
  await waitForElement(() => harness.page.findModal());
  return harness;
}

describe('Settings page', () => {
  it('summarizes the settings in three groups without ever showing the Slack token', async () => {
    const api = new MemoryTeamApi(
      memoryData({ me: ADMIN, settings: settings({ slackEnabled: true, slackTokenConfigured: true }) }),
    );
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Request settings'));
    const text = page.getElement().textContent ?? '';
    expect(text).toContain('Group settings');
    expect(text).toContain('Notification settings');
    expect(text).toContain('9 hours');
    expect(text).toContain('Configured');
    expect(text).toContain('iam.amazonaws.com:CreateUser');
  });

  it('validates the form before saving', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    setText(page, 'Maximum request duration (hours)', '0');
    setText(page, 'Request expiry timeout (hours)', '8001');
    toggle(page, 'Email notifications (Amazon SES)');
    setText(page, 'Source ARN (optional)', 'arn:aws:s3:::bucket');
    toggle(page, 'Slack notifications');
    setText(page, 'Sensitive actions', 'iam.amazonaws.com:CreateUser\nnot valid!');
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());

    expect(errorOf(page, 'Maximum request duration (hours)')).toBe('At least 1 hour.');
    expect(errorOf(page, 'Request expiry timeout (hours)')).toBe('At most 8000 hours.');
    expect(errorOf(page, 'Source email')).toBe(t('settings.error.emailRequired'));
    expect(errorOf(page, 'Source ARN (optional)')).toContain('SES identity ARN');
    expect(errorOf(page, 'Slack bot token')).toBe(t('settings.error.slackTokenNeeded'));
    expect(errorOf(page, 'Sensitive actions')).toContain('"not valid!"');
    expect(api.callsOf('updateSettings')).toHaveLength(0);

    setText(page, 'Slack bot token', 'not-a-token');
    expect(errorOf(page, 'Slack bot token')).toBe(t('settings.error.slackToken'));
  });

  it('saves every field, sending a new Slack token only when one is typed', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, settings: settings({ version: 3 }) }));
    const { page } = await openEditor(api);
    const tokenInput = field(modal(page), 'Slack bot token').findControl()?.findInput();
    expect(tokenInput?.findNativeInput().getElement().getAttribute('type')).toBe('password');
    setText(page, 'Maximum request duration (hours)', '12');
    toggle(page, 'Slack notifications');
    setText(page, 'Slack bot token', 'xoxb-123-456-abc');
    setText(page, 'Slack audit channel (optional)', '#team-audit');
    setText(page, 'TEAM admin group', 'TEAM-Admins');
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());
    await waitForElement(() => api.callsOf('updateSettings').length > 0);
    expect(api.callsOf('updateSettings')[0]?.[0]).toEqual({
      maxDurationHours: 12,
      expiryHours: 3,
      commentsRequired: true,
      ticketRequired: true,
      approvalWorkflow: true,
      sesEnabled: false,
      sesSourceEmail: null,
      sesSourceArn: null,
      snsEnabled: false,
      slackEnabled: true,
      slackAuditChannel: '#team-audit',
      slackToken: 'xoxb-123-456-abc',
      teamsEnabled: false,
      adminGroupName: 'TEAM-Admins',
      auditorGroupName: null,
      ouCacheEnabled: false,
      ouCacheLifetimeHours: 168,
      sensitiveActions: ['iam.amazonaws.com:CreateUser'],
      reminderMinutes: 0,
      escalationMinutes: 0,
      escalationGroupIds: [],
      breakGlassEnabled: true,
      expectedVersion: 3,
    });
    await waitForElement(() => flashTexts(page).length > 0);
    expect(flashTexts(page)[0]).toContain('Settings saved');
    await waitForElement(() => page.getElement().textContent?.includes('Last saved by alice'));
  });

  it("puts the server's ValidationError on the field it names, else above the form", async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    const alert = () => modal(page).findContent().findAlert()?.getElement().textContent;
    const message = 'Source email must be a verified identity.';

    api.failNext('updateSettings', new ApiError('ValidationError', message, 'sesSourceEmail'));
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());
    await waitForElement(() => errorOf(page, 'Source email'));
    expect(errorOf(page, 'Source email')).toBe(message);
    expect(alert()).toBeUndefined();

    api.failNext('updateSettings', new ApiError('ValidationError', message));
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());
    await waitForElement(() => alert());
    expect(alert()).toBe(message);
    expect(errorOf(page, 'Source email')).toBeUndefined();
  });

  it('clears a stored Slack token on request', () => {
    const stored = settings({ slackTokenConfigured: true, slackEnabled: false });
    const form = { ...formOf(stored), clearSlackToken: true };
    expect(validateSettings(form, stored, t)).toEqual({});
    const input = inputOf(form, 0);
    expect(input.clearSlackToken).toBe(true);
    expect('slackToken' in input).toBe(false);
    // Slack on with the token being deleted and no new one: refused.
    expect(validateSettings({ ...form, slackEnabled: true }, stored, t).slackToken).toBe(
      t('settings.error.slackTokenNeeded'),
    );
  });
});

describe('Slack signing secret and Microsoft Teams', () => {
  const WEBHOOK = 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=zz';
  const save = (page: PageWrapper) =>
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());

  it('shows whether the signing secret and the webhook are configured, never their values', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        settings: settings({
          teamsEnabled: true,
          teamsWebhookConfigured: true,
          slackSigningSecretConfigured: false,
        }),
      }),
    );
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Request settings'));
    const text = page.getElement().textContent ?? '';
    expect(text).toContain('Microsoft Teams notifications');
    expect(text).toMatch(/Teams webhook URL\s*Configured/);
    expect(text).toMatch(/Slack signing secret\s*Not configured/);
  });

  it('sends the webhook URL and the signing secret only when typed, in password fields', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, settings: settings({ version: 2 }) }));
    const { page } = await openEditor(api);
    for (const label of ['Teams webhook URL', 'Slack signing secret']) {
      const input = field(modal(page), label).findControl()?.findInput();
      expect(input?.findNativeInput().getElement().getAttribute('type'), label).toBe('password');
    }
    expect(field(modal(page), 'Slack signing secret').findDescription()?.getElement().textContent).toContain(
      'Basic Information → App Credentials → Signing Secret',
    );
    toggle(page, 'Microsoft Teams notifications');
    save(page);
    expect(errorOf(page, 'Teams webhook URL')).toBe(t('settings.error.teamsWebhookUrlNeeded'));
    setText(page, 'Teams webhook URL', 'http://example.com/hook');
    expect(errorOf(page, 'Teams webhook URL')).toBe(t('settings.error.teamsWebhookUrl'));
    setText(page, 'Slack signing secret', 'not-valid');
    expect(errorOf(page, 'Slack signing secret')).toBe(t('settings.error.slackSigningSecret'));
    expect(api.callsOf('updateSettings')).toHaveLength(0);

    setText(page, 'Teams webhook URL', ` ${WEBHOOK} `);
    setText(page, 'Slack signing secret', 'abcdef0123456789abcdef0123456789');
    save(page);
    await waitForElement(() => api.callsOf('updateSettings').length > 0);
    expect(api.callsOf('updateSettings')[0]?.[0]).toMatchObject({
      teamsEnabled: true,
      teamsWebhookUrl: WEBHOOK,
      slackSigningSecret: 'abcdef0123456789abcdef0123456789',
      expectedVersion: 2,
    });
    await waitForElement(() => page.getElement().textContent?.includes('Last saved by alice'));
    expect(page.getElement().textContent).not.toContain('logic.azure.com');
  });

  it('keeps a stored webhook when the field is left empty, and clears it on request', () => {
    const stored = settings({
      teamsEnabled: true,
      teamsWebhookConfigured: true,
      slackSigningSecretConfigured: true,
    });
    const form = formOf(stored);
    expect(form.teamsWebhookUrl).toBe('');
    expect(validateSettings(form, stored, t)).toEqual({});
    const kept = inputOf(form, 1);
    expect(kept.teamsEnabled).toBe(true);
    expect('teamsWebhookUrl' in kept).toBe(false);
    expect('clearTeamsWebhookUrl' in kept).toBe(false);

    const clearing = { ...form, clearTeamsWebhookUrl: true, clearSlackSigningSecret: true };
    expect(validateSettings(clearing, stored, t).teamsWebhookUrl).toBe(
      t('settings.error.teamsWebhookUrlNeeded'),
    );
    const input = inputOf({ ...clearing, teamsEnabled: false }, 1);
    expect(input).toMatchObject({
      teamsEnabled: false,
      clearTeamsWebhookUrl: true,
      clearSlackSigningSecret: true,
    });
    expect(
      validateSettings({ ...form, teamsWebhookUrl: 'http://127.0.0.1:4566/teams/webhook/x' }, stored, t),
    ).toEqual({});
  });
});

describe('Approval settings', () => {
  /** Sets the amount and unit of the delay in the field labelled `label`. */
  function setTimer(page: PageWrapper, label: string, amount: string, unit: 'minutes' | 'hours' | 'days') {
    const control = () => field(modal(page), label).findControl();
    act(() => control()?.findInput()?.setInputValue(amount));
    act(() => control()?.findSelect()?.openDropdown());
    act(() => control()?.findSelect()?.selectOptionByValue(unit));
  }

  async function pickGroups(page: PageWrapper, ids: string[]) {
    const control = () => field(modal(page), 'Escalation groups').findControl()?.findMultiselect();
    await waitForElement(() => {
      act(() => control()?.openDropdown());
      return (control()?.findDropdown().findOptions() ?? []).length > 0;
    });
    for (const id of ids) act(() => control()?.selectOptionByValue(id));
    act(() => control()?.closeDropdown());
  }

  const save = (page: PageWrapper) =>
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());

  it('shows the reminder and escalation in words, the groups by name and the break-glass switch', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        me: ADMIN,
        settings: settings({
          reminderMinutes: 120,
          escalationMinutes: 1710,
          escalationGroups: [{ id: 'g-approvers', name: 'TEAM-Approvers-Production' }],
          breakGlassEnabled: false,
        }),
      }),
    );
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Approval settings'));
    const text = page.getElement().textContent ?? '';
    expect(text).toContain('After 2 hours');
    expect(text).toContain('After 1 day 4 hours 30 minutes');
    expect(text).toContain('TEAM-Approvers-Production');
    expect(text).not.toContain('1710');
  });

  it('says "Never" when no reminder or escalation is set', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Approval settings'));
    expect(page.getElement().textContent).toContain('ReminderNever');
    expect(page.getElement().textContent).toContain('EscalationNever');
  });

  it('saves a reminder, an escalation with its groups and break-glass switched off, in minutes', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN, settings: settings({ version: 2 }) }));
    const { page } = await openEditor(api);
    setTimer(page, 'Reminder', '90', 'minutes');
    setTimer(page, 'Escalation', '2', 'days');
    await pickGroups(page, ['g-approvers']);
    toggle(page, 'Break-glass access');
    save(page);
    await waitForElement(() => api.callsOf('updateSettings').length > 0);
    expect(api.callsOf('updateSettings')[0]?.[0]).toMatchObject({
      reminderMinutes: 90,
      escalationMinutes: 2880,
      escalationGroupIds: ['g-approvers'],
      breakGlassEnabled: false,
      expectedVersion: 2,
    });
    await waitForElement(() => page.getElement().textContent?.includes('After 1 hour 30 minutes'));
    expect(page.getElement().textContent).toContain('After 2 days');
    expect(page.getElement().textContent).toContain('TEAM-Approvers-Production');
  });

  it('refuses an escalation without groups, or not after the reminder, and delays that are not whole or too long', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    setTimer(page, 'Reminder', '3', 'hours');
    setTimer(page, 'Escalation', '120', 'minutes');
    save(page);
    expect(errorOf(page, 'Escalation groups')).toBe(t('settings.error.escalationGroupsNeeded'));
    expect(errorOf(page, 'Escalation')).toBe(t('settings.error.escalationAfterReminder'));

    setTimer(page, 'Reminder', '1.5', 'hours');
    setTimer(page, 'Escalation', '8', 'days');
    expect(errorOf(page, 'Reminder')).toBe(t('settings.error.timerWhole'));
    expect(errorOf(page, 'Escalation')).toBe(t('settings.error.timerMax'));
    expect(api.callsOf('updateSettings')).toHaveLength(0);
  });

  it("puts the server's error about the escalation groups on the picker", async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    const message = 'Escalation group g-gone does not exist.';
    api.failNext('updateSettings', new ApiError('ValidationError', message, 'escalationGroupIds'));
    save(page);
    await waitForElement(() => errorOf(page, 'Escalation groups'));
    expect(errorOf(page, 'Escalation groups')).toBe(message);
  });

  it('reads and writes delays in the largest whole unit', () => {
    expect(timerValueOf(0)).toEqual({ amount: '0', unit: 'hours' });
    expect(timerValueOf(45)).toEqual({ amount: '45', unit: 'minutes' });
    expect(timerValueOf(180)).toEqual({ amount: '3', unit: 'hours' });
    expect(timerValueOf(10_080)).toEqual({ amount: '7', unit: 'days' });
    expect(minutesOf({ amount: ' 2 ', unit: 'days' })).toBe(2880);
    expect(minutesOf({ amount: '', unit: 'hours' })).toBeUndefined();
    expect(formatTimer(1, t, 'en')).toBe('1 minute');
    expect(formatTimer(61, t, 'en')).toBe('1 hour 1 minute');
    expect(formatTimer(0, t, 'en')).toBe('Never');

    const stored = settings({
      reminderMinutes: 30,
      escalationMinutes: 1440,
      escalationGroups: [{ id: 'g-approvers', name: 'TEAM-Approvers-Production' }],
    });
    const form = formOf(stored);
    expect(form.escalation).toEqual({ amount: '1', unit: 'days' });
    expect(validateSettings(form, stored, t)).toEqual({});
    expect(inputOf(form, 4)).toMatchObject({
      reminderMinutes: 30,
      escalationMinutes: 1440,
      escalationGroupIds: ['g-approvers'],
      breakGlassEnabled: true,
    });
    // An empty amount means off.
    expect(inputOf({ ...form, reminder: { amount: '', unit: 'hours' } }, 4).reminderMinutes).toBe(0);
  });
});

describe('OU cache lifetime', () => {
  const LABEL = 'OU cache lifetime';

  function setLifetime(page: PageWrapper, amount: string, unit: 'hours' | 'days') {
    const control = () => field(modal(page), LABEL).findControl();
    act(() => control()?.findInput()?.setInputValue(amount));
    act(() => control()?.findSelect()?.openDropdown());
    act(() => control()?.findSelect()?.selectOptionByValue(unit));
  }

  const save = (page: PageWrapper) =>
    act(() => button(modal(page).findFooter() ?? modal(page), 'Save').click());

  it('shows the lifetime in words, in English and in Japanese, never as a duration code', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const english = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => english.page.getElement().textContent?.includes('Request settings'));
    expect(english.page.getElement().textContent).toContain('OU cache lifetime7 days');
    expect(english.page.getElement().textContent).not.toMatch(/P7D|168/);
    cleanup();

    const japanese = renderWithApp(<SettingsPage />, { api, path: '/admin/settings', language: 'ja' });
    await waitForElement(() => japanese.page.getElement().textContent?.includes('OU キャッシュの有効期間'));
    expect(japanese.page.getElement().textContent).toContain('OU キャッシュの有効期間7 日');
  });

  it('edits it as an amount and a unit, and sends hours', async () => {
    const api = new MemoryTeamApi(
      memoryData({ me: ADMIN, settings: settings({ ouCacheLifetimeHours: 48, version: 5 }) }),
    );
    const { page } = await openEditor(api);
    const control = field(modal(page), LABEL).findControl();
    expect(control?.findInput()?.findNativeInput().getElement().value).toBe('2');
    expect(control?.findSelect()?.findTrigger().getElement().textContent).toBe('Days');
    setLifetime(page, '36', 'hours');
    save(page);
    await waitForElement(() => api.callsOf('updateSettings').length > 0);
    expect(api.callsOf('updateSettings')[0]?.[0]).toMatchObject({
      ouCacheLifetimeHours: 36,
      expectedVersion: 5,
    });
    await waitForElement(() => page.getElement().textContent?.includes('OU cache lifetime1 day 12 hours'));
  });

  it('refuses a lifetime that is empty, not whole, or outside 1 hour to 30 days', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    setLifetime(page, '0', 'hours');
    save(page);
    expect(errorOf(page, LABEL)).toBe(t('settings.error.ouCacheLifetimeRange'));
    setLifetime(page, '31', 'days');
    expect(errorOf(page, LABEL)).toBe('From 1 hour to 30 days (720 hours).');
    setLifetime(page, '2.5', 'days');
    expect(errorOf(page, LABEL)).toBe(t('settings.error.timerWhole'));
    setLifetime(page, ' ', 'hours');
    expect(errorOf(page, LABEL)).toBe('Required.');
    expect(api.callsOf('updateSettings')).toHaveLength(0);
    setLifetime(page, '30', 'days');
    expect(errorOf(page, LABEL)).toBeUndefined();
  });

  it("puts the server's error about the lifetime on its field", async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = await openEditor(api);
    const message = 'OU cache lifetime must be at most 720 hours (30 days).';
    api.failNext('updateSettings', new ApiError('ValidationError', message, 'ouCacheLifetimeHours'));
    save(page);
    await waitForElement(() => errorOf(page, LABEL));
    expect(errorOf(page, LABEL)).toBe(message);
  });

  it('reads whole days as days, anything else as hours', () => {
    expect(lifetimeValueOf(168)).toEqual({ amount: '7', unit: 'days' });
    expect(lifetimeValueOf(36)).toEqual({ amount: '36', unit: 'hours' });
    expect(lifetimeValueOf(1)).toEqual({ amount: '1', unit: 'hours' });
    expect(lifetimeHoursOf({ amount: ' 30 ', unit: 'days' })).toBe(720);
    expect(lifetimeHoursOf({ amount: '1e3', unit: 'hours' })).toBeUndefined();
    expect(formatLifetime(1, t, 'en')).toBe('1 hour');
    expect(formatLifetime(720, t, 'en')).toBe('30 days');
  });
});

describe('OU cache management', () => {
  it('checks the ids, then invalidates and shows the result', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('OU cache management'));
    const ids = () => field(page, 'OU ids').findControl()?.findTextarea();
    act(() => ids()?.setTextareaValue('ou-ab12-11111111, r-ab12\nnot-an-ou'));
    act(() => button(page, 'Invalidate cache').click());
    expect(field(page, 'OU ids').findError()?.getElement().textContent).toBe('Not OU or root ids: not-an-ou');
    expect(api.callsOf('invalidateOuCache')).toHaveLength(0);

    act(() => ids()?.setTextareaValue('ou-ab12-11111111, r-ab12\n'));
    act(() => button(page, 'Invalidate cache').click());
    await waitForElement(() => page.findAlert()?.getElement().textContent?.includes('2 OUs invalidated'));
    expect(api.callsOf('invalidateOuCache')).toEqual([[['ou-ab12-11111111', 'r-ab12']]]);
  });
});

describe('Reconcile now', () => {
  const open = async (api: MemoryTeamApi) => {
    const { page } = renderWithApp(<SettingsPage />, { api, path: '/admin/settings' });
    await waitForElement(() => page.getElement().textContent?.includes('Current settings'));
    act(() => button(page, 'Reconcile now').click());
    await waitForElement(() => page.findModal());
    return page;
  };
  const confirm = (page: PageWrapper) =>
    act(() => button(modal(page).findFooter() ?? modal(page), 'Reconcile now').click());

  it('asks first, then starts a run and says when it started', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const page = await open(api);
    expect(modal(page).findHeader().getElement().textContent).toBe('Run the reconciler now?');
    expect(modal(page).findContent().getElement().textContent).toContain(
      'ends access held past its end time',
    );
    expect(api.callsOf('reconcileNow')).toHaveLength(0);

    confirm(page);
    await waitForElement(() => flashTexts(page).length > 0);
    expect(api.callsOf('reconcileNow')).toEqual([[]]);
    expect(flashTexts(page)[0]).toMatch(/^The reconciler started at .+\. Repairs appear in the history/);
    expect(page.findModal()).toBeNull();
  });

  it('starts nothing when cancelled', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const page = await open(api);
    act(() => button(modal(page).findFooter() ?? modal(page), 'Cancel').click());
    expect(page.findModal()).toBeNull();
    expect(api.callsOf('reconcileNow')).toHaveLength(0);
    expect(flashTexts(page)).toEqual([]);
  });

  it('keeps the dialog open with the error when the run could not be started', async () => {
    const api = new MemoryTeamApi(memoryData({ me: ADMIN }));
    const page = await open(api);
    api.failNext('reconcileNow', new ApiError('InternalError', 'Something went wrong (ref abc).'));
    confirm(page);
    await waitForElement(() => modal(page).findContent().findAlert());
    expect(modal(page).findContent().findAlert()?.getElement().textContent).toBe(
      'Something went wrong (ref abc).',
    );
    expect(flashTexts(page)).toEqual([]);
  });
});
