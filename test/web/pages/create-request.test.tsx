// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from '../../../web/src/api/errors';
import CreateRequestPage from '../../../web/src/pages/create-request/create-request-page';
import { memoryData, productionApprovers, PS_ADMIN, PS_READ } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import { button, field, flashTexts, renderWithApp, setupWebTests, waitForElement } from '../support/render';

setupWebTests();

async function openForm(api = new MemoryTeamApi(memoryData())) {
  const harness = renderWithApp(<CreateRequestPage />, { api, path: '/requests/new' });
  await waitForElement(() => harness.page.findAllFormFields().length > 0);
  return harness;
}

type Page = Awaited<ReturnType<typeof openForm>>['page'];

function select(page: Page, label: string) {
  const control = field(page, label).findControl()?.findSelect();
  if (!control) throw new Error(`${label} is not a select`);
  return control;
}

function choose(page: Page, label: string, value: string) {
  act(() => select(page, label).openDropdown());
  act(() => select(page, label).selectOptionByValue(value));
}

function type(page: Page, label: string, value: string) {
  const control = field(page, label).findControl();
  const input = control?.findInput() ?? null;
  const textarea = control?.findTextarea() ?? null;
  act(() => {
    if (input) input.setInputValue(value);
    else if (textarea) textarea.setTextareaValue(value);
    else throw new Error(`${label} has no text control`);
  });
}

function errorOf(page: Page, label: string): string | undefined {
  return field(page, label).findError()?.getElement().textContent ?? undefined;
}

function fillValid(page: Page) {
  choose(page, 'Account', '111122223333');
  choose(page, 'Role', PS_ADMIN);
  type(page, 'Duration', '3');
  type(page, 'Justification', '本番障害の調査のため');
  type(page, 'Ticket number', 'INC-42');
}

describe('Create request', () => {
  it('offers only the eligible accounts, then only the roles of the chosen account', async () => {
    const { page } = await openForm();
    act(() => select(page, 'Account').openDropdown());
    const accounts = select(page, 'Account')
      .findDropdown()
      .findOptions()
      .map((o) => o.findLabel().getElement().textContent);
    expect(accounts).toEqual(['Prod', 'Sandbox']);
    act(() => select(page, 'Account').selectOptionByValue('111122223333'));

    act(() => select(page, 'Role').openDropdown());
    const roles = select(page, 'Role')
      .findDropdown()
      .findOptions()
      .map((o) => [o.findLabel().getElement().textContent, o.findDescription()?.getElement().textContent]);
    expect(roles).toEqual([
      ['AdministratorAccess', 'Approval required'],
      ['ReadOnlyAccess', 'No approval needed'],
    ]);
  });

  it('names no duration maximum until a role is picked, and never one above what roles allow', async () => {
    const { page, api } = await openForm();
    const hint = () => field(page, 'Duration').findConstraint()?.getElement().textContent;
    expect(hint()).toBe('Whole hours, from 1. The maximum depends on the role.');
    choose(page, 'Account', '111122223333');
    expect(hint()).toBe('Whole hours, from 1. The maximum depends on the role.');
    // No offered role allows 9 hours (Prod: 4 and 8), so 9 is refused even before a role is picked.
    type(page, 'Duration', '9');
    act(() => button(page, 'Submit request').click());
    expect(errorOf(page, 'Duration')).toContain('At most 8 hours');
    expect(api.callsOf('createRequest')).toHaveLength(0);
    choose(page, 'Role', PS_READ);
    expect(hint()).toBe('Whole hours, from 1 to 8.');
  });

  it('enforces the duration maximum of the chosen role and the ticket requirement', async () => {
    const { page, api } = await openForm();
    choose(page, 'Account', '111122223333');
    choose(page, 'Role', PS_ADMIN);
    expect(field(page, 'Duration').findConstraint()?.getElement().textContent).toContain('1 to 4');
    type(page, 'Duration', '5');
    type(page, 'Justification', 'Investigate');
    act(() => button(page, 'Submit request').click());

    expect(errorOf(page, 'Duration')).toContain('At most 4 hours');
    expect(errorOf(page, 'Ticket number')).toContain('A ticket number is required');
    expect(api.callsOf('createRequest')).toHaveLength(0);

    // The read-only role allows 8 hours, so 5 is fine there.
    choose(page, 'Role', PS_READ);
    expect(errorOf(page, 'Duration')).toBeUndefined();
  });

  it('submits the request and goes to My requests', async () => {
    const { page, api, history } = await openForm();
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    await waitForElement(() => history.location() === '/requests');

    expect(api.callsOf('createRequest')).toEqual([
      [
        {
          accountId: '111122223333',
          permissionSetArn: PS_ADMIN,
          startTime: undefined,
          durationHours: 3,
          justification: '本番障害の調査のため',
          ticketNo: 'INC-42',
        },
      ],
    ]);
    expect(flashTexts(page).join(' ')).toContain('Prod (111122223333), AdministratorAccess: Pending');
  });

  /** A GraphQL error as AppSync sends it, through the SPA's own reading of it. */
  const serverError = (errorType: string, message: string, errorInfo: unknown = null) =>
    toApiError({ data: { createRequest: null }, errors: [{ errorType, message, errorInfo }] });

  it.each([
    ['accountId', 'Account'],
    ['permissionSetArn', 'Role'],
    ['startTime', 'Start'],
    ['durationHours', 'Duration'],
    ['justification', 'Justification'],
    ['ticketNo', 'Ticket number'],
  ])('shows a server ValidationError about %s (errorInfo.field) on the %s field', async (input, label) => {
    const { page, api, history } = await openForm();
    const message = 'Refused by the server.';
    api.failNext('createRequest', serverError('ValidationError', message, { field: input }));
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    await waitForElement(() => errorOf(page, label));

    expect(errorOf(page, label)).toBe(message);
    expect(page.findForm()?.findError()).toBeNull();
    expect(history.location()).toBe('/requests/new');
  });

  it('shows a server ValidationError that names no field for the whole form, whatever its words', async () => {
    const { page, api } = await openForm();
    const message = 'Justification must not contain control characters.';
    api.failNext('createRequest', serverError('ValidationError', message));
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    const error = await waitForElement(() => page.findForm()?.findError());

    expect(error.getElement().textContent).toContain(message);
    expect(errorOf(page, 'Justification')).toBeUndefined();
  });

  it('shows an error about an input field the form has no place for on the form', async () => {
    const { page, api } = await openForm();
    api.failNext('createRequest', serverError('ValidationError', 'Not this one.', { field: 'somethingNew' }));
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    const error = await waitForElement(() => page.findForm()?.findError());
    expect(error.getElement().textContent).toContain('Not this one.');
  });

  it("clears the server's message on a field once that field changes", async () => {
    const { page, api } = await openForm();
    api.failNext('createRequest', new ApiError('ValidationError', 'Ticket INC-42 is closed.', 'ticketNo'));
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    await waitForElement(() => errorOf(page, 'Ticket number'));
    type(page, 'Ticket number', 'INC-43');
    expect(errorOf(page, 'Ticket number')).toBeUndefined();
  });

  it('shows other server refusals for the whole form', async () => {
    const { page, api } = await openForm();
    api.failNext(
      'createRequest',
      new ApiError('NoApprover', 'No one other than you can approve access to Prod (111122223333).'),
    );
    fillValid(page);
    act(() => button(page, 'Submit request').click());
    const error = await waitForElement(() => page.findForm()?.findError());
    expect(error.getElement().textContent).toContain('No one other than you can approve');
  });

  it('sends an explicit start time once the user picks one', async () => {
    const { page, api } = await openForm();
    fillValid(page);
    const start = field(page, 'Start').findControl();
    act(() => start?.findDatePicker()?.setInputValue('2026/09/02'));
    act(() => start?.findTimeInput()?.setInputValue('13:30'));
    act(() => button(page, 'Submit request').click());
    await waitForElement(() => api.callsOf('createRequest').length > 0);
    expect(api.callsOf('createRequest')[0]?.[0]).toMatchObject({ startTime: '2026-09-02T13:30:00.000Z' });
  });

  it('speaks Japanese, Cloudscape strings included', async () => {
    const api = new MemoryTeamApi(memoryData());
    const { page } = renderWithApp(<CreateRequestPage />, { api, path: '/requests/new', language: 'ja' });
    await waitForElement(() => page.findAllFormFields().length > 0);
    expect(() => field(page, 'アカウント')).not.toThrow();
    expect(() => button(page, 'リクエストを送信')).not.toThrow();
    act(() => button(page, 'リクエストを送信').click());
    expect(errorOf(page, 'アカウント')).toBe('アカウントを選択してください。');
  });
});

describe('Create request: who will approve', () => {
  const alertTexts = (page: Page) =>
    page.findAllAlerts().map((alert) => alert.getElement().textContent ?? '');

  it('shows the approvers of the chosen account and role before submitting, by group and named directly', async () => {
    const api = new MemoryTeamApi(
      memoryData({
        approverPolicies: [
          productionApprovers(),
          // Scoped to the role: it decides instead of the OU's unscoped policy.
          productionApprovers({
            id: 'ou-ab12-11111111#ps-0000000000000001',
            permissionSets: [{ arn: PS_ADMIN, name: 'AdministratorAccess' }],
            approverGroups: [{ id: 'g-users', name: 'TEAM-Users' }],
            approverUsers: [{ id: 'u-carol', name: 'carol' }],
          }),
        ],
      }),
    );
    const { page } = await openForm(api);
    choose(page, 'Account', '111122223333');
    expect(api.callsOf('requestApprovers')).toHaveLength(0);
    choose(page, 'Role', PS_ADMIN);
    expect(alertTexts(page).join(' ')).toContain('Finding who will approve…');

    await waitForElement(() => alertTexts(page).some((text) => text.includes('Approval required')));
    expect(api.callsOf('requestApprovers')).toEqual([['111122223333', PS_ADMIN]]);
    const [shown = ''] = alertTexts(page);
    // Alice (the requester) is in TEAM-Users but never approves her own request.
    expect(shown).toContain('TEAM-Users: Bob');
    expect(shown).toContain('Named directly: Carol');
    expect(shown).not.toContain('TEAM-Approvers-Production');
    expect(shown).not.toContain('Alice');
    expect(shown).toContain('expires if nobody decides within 3 hours');

    choose(page, 'Role', PS_READ);
    await waitForElement(() => alertTexts(page).some((text) => text.includes('No approval needed')));
    expect(alertTexts(page).join(' ')).not.toContain('TEAM-Users');
  });

  it('says plainly when nobody can approve; the server refuses the request above the form', async () => {
    const api = new MemoryTeamApi(memoryData({ approverPolicies: [] }));
    const { page } = await openForm(api);
    fillValid(page);
    await waitForElement(() =>
      alertTexts(page).some((text) => text.includes('Nobody can approve this request')),
    );
    expect(alertTexts(page).join(' ')).toContain('TEAM would refuse the request');

    act(() => button(page, 'Submit request').click());
    const error = await waitForElement(() => page.findForm()?.findError());
    expect(error.getElement().textContent).toContain(
      'No one other than you can approve access to Prod (111122223333)',
    );
  });

  it('lists the approvers in Japanese', async () => {
    const api = new MemoryTeamApi(memoryData());
    const { page } = renderWithApp(<CreateRequestPage />, { api, path: '/requests/new', language: 'ja' });
    await waitForElement(() => page.findAllFormFields().length > 0);
    choose(page, 'アカウント', '111122223333');
    choose(page, 'ロール', PS_ADMIN);
    await waitForElement(() => alertTexts(page).some((text) => text.includes('承認が必要です')));
    expect(alertTexts(page).join(' ')).toContain('TEAM-Approvers-Production：Bob, Carol');
  });
});
