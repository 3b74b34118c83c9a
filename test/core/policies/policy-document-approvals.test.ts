/**
 * Policy documents and the approval fields: several approvals, stages, reminder and escalation
 * of approver policies; extensions and break-glass of eligibility policies; the approval
 * settings. They round trip, show in the diff, and documents without them keep their meaning.
 */
import { describe, expect, it } from 'vitest';
import type { ApproverEntry, EligibilityEntry } from '../../../lambdas/core/policies/policy-document';
import {
  makeExportPolicies,
  makeImportPolicies,
  makePreviewPolicyImport,
} from '../../../lambdas/core/policies/policy-document-import';
import { ValidationError } from '../../../lambdas/core/errors';
import { DEMO, makeTestWorld } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';

const { groups, users } = DEMO;

function setup() {
  const world = makeTestWorld({ seedPolicies: false });
  const policyState = new InMemoryPolicyState(world.policies, world.settings);
  const deps = { ...world, policyState };
  const exportPolicies = makeExportPolicies(deps);
  const preview = makePreviewPolicyImport(deps);
  const importPolicies = makeImportPolicies(deps);
  const admin = world.callers.dave;
  return {
    world,
    exportPolicies: () => exportPolicies(admin),
    preview: (document: string) => preview(admin, { document, format: null }),
    async apply(document: string) {
      const { digest } = await preview(admin, { document, format: null });
      return importPolicies(admin, { document, format: null, expectedDigest: digest });
    },
  };
}

const json = (doc: unknown) => JSON.stringify(doc, null, 2);

const eligibility = (patch: Partial<EligibilityEntry> = {}): EligibilityEntry => ({
  principal: { type: 'GROUP', name: 'TEAM-Users' },
  name: 'default',
  ous: ['Production'],
  permissionSets: ['ReadOnlyAccess'],
  maxDurationHours: 4,
  approvalRequired: true,
  ticketNo: 'CHG-1',
  ...patch,
});

const approver = (patch: Partial<ApproverEntry> = {}): ApproverEntry => ({
  target: { type: 'OU', name: 'Production' },
  groups: ['TEAM-Approvers-Production'],
  ticketNo: 'CHG-2',
  ...patch,
});

/** Every new field set away from its default. */
function fullDocument() {
  return {
    version: 1,
    eligibility: [
      eligibility({
        maxTotalHours: 24,
        extensionApprovalRequired: false,
        breakGlass: true,
        breakGlassMaxHours: 2,
      }),
    ],
    approvers: [
      approver({
        approvalsRequired: 2,
        stageName: 'Approvers',
        nextStages: [
          { name: 'Security', groups: ['TEAM-Admins'], users: ['carol@example.com'], approvalsRequired: 2 },
          { name: 'Owner', users: [users.bob.id] },
        ],
        remindAfterMinutes: 30,
        escalateAfterMinutes: 120,
        escalationGroups: ['TEAM-Admins'],
      }),
    ],
    settings: {
      reminderMinutes: 60,
      escalationMinutes: 240,
      escalationGroups: ['TEAM-Admins'],
      breakGlassEnabled: false,
    },
  };
}

async function failure(run: () => Promise<unknown>): Promise<ValidationError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('policy documents with the approval fields', () => {
  it('round trip: export, import into an empty deployment, export give the same bytes', async () => {
    const source = setup();
    await source.apply(json(fullDocument()));
    const exported = await source.exportPolicies();

    const [eligibilityPolicy] = source.world.policies.snapshot().eligibility;
    expect(eligibilityPolicy).toMatchObject({
      maxTotalHours: 24,
      extensionApprovalRequired: false,
      breakGlass: true,
      breakGlassMaxHours: 2,
    });
    const [approverPolicy] = source.world.policies.snapshot().approvers;
    expect(approverPolicy).toMatchObject({
      approvalsRequired: 2,
      stageName: 'Approvers',
      nextStages: [
        {
          name: 'Security',
          approverGroups: [groups.admins],
          approverUsers: [{ id: users.carol.id, name: users.carol.userName }],
          approvalsRequired: 2,
        },
        { name: 'Owner', approverGroups: [], approverUsers: [{ id: users.bob.id }], approvalsRequired: 1 },
      ],
      remindAfterMinutes: 30,
      escalateAfterMinutes: 120,
      escalationGroups: [groups.admins],
    });
    expect(await source.world.settings.get()).toMatchObject({
      reminderMinutes: 60,
      escalationMinutes: 240,
      escalationGroups: [groups.admins],
      breakGlassEnabled: false,
    });

    const document = JSON.parse(exported) as ReturnType<typeof fullDocument>;
    expect(document.eligibility[0]).toMatchObject(fullDocument().eligibility[0] ?? {});
    // Users are written by user name; stages keep their order.
    expect(document.approvers[0]?.nextStages?.map((s) => s.name)).toEqual(['Security', 'Owner']);
    expect(document.approvers[0]?.nextStages?.[1]?.users).toEqual([users.bob.userName]);

    const target = setup();
    await target.apply(exported);
    expect(await target.exportPolicies()).toBe(exported);
    // Importing the same document again changes nothing.
    const again = await target.preview(exported);
    expect(again.counts.eligibility).toMatchObject({ added: 0, changed: 0, unchanged: 1 });
    expect(again.counts.approvers).toMatchObject({ added: 0, changed: 0, unchanged: 1 });
    expect(again.counts.settingsChanged).toBe(false);
  });

  it('leaves the defaults out of an export: a document without the fields reads as before', async () => {
    const t = setup();
    await t.apply(json({ version: 1, eligibility: [eligibility()], approvers: [approver()] }));
    const document = JSON.parse(await t.exportPolicies()) as { eligibility: object[]; approvers: object[] };
    expect(document.eligibility[0]).toEqual(eligibility());
    expect(document.approvers[0]).toEqual(approver());
    const [stored] = t.world.policies.snapshot().eligibility;
    expect(stored).toMatchObject({ maxTotalHours: 4, extensionApprovalRequired: true, breakGlass: false });
  });

  it('shows the new fields in the diff, defaults of an added policy left unsaid', async () => {
    const t = setup();
    const added = await t.preview(json(fullDocument()));
    const eligibilityFields = added.eligibility[0]?.fields.map((f) => f.field);
    expect(eligibilityFields).toEqual(
      expect.arrayContaining([
        'maxTotalHours',
        'extensionApprovalRequired',
        'breakGlass',
        'breakGlassMaxHours',
      ]),
    );
    const plain = await t.preview(
      json({ version: 1, eligibility: [eligibility()], approvers: [approver()] }),
    );
    expect(plain.eligibility[0]?.fields.map((f) => f.field)).not.toContain('extensionApprovalRequired');
    expect(plain.approvers[0]?.fields.map((f) => f.field)).not.toContain('approvalsRequired');

    await t.apply(json({ version: 1, eligibility: [eligibility()], approvers: [approver()] }));
    const changed = await t.preview(json(fullDocument()));
    expect(changed.approvers[0]?.fields).toEqual(
      expect.arrayContaining([
        { field: 'approvalsRequired', before: '1', after: '2' },
        { field: 'stageName', after: 'Approvers' },
        {
          field: 'nextStages',
          after:
            'Security (2 approvals): groups TEAM-Admins; users carol@example.com → Owner (1 approval): users bob@example.com',
        },
        { field: 'remindAfterMinutes', after: '30' },
        { field: 'escalateAfterMinutes', after: '120' },
        { field: 'escalationGroups', after: 'TEAM-Admins' },
      ]),
    );
    expect(changed.eligibility[0]?.fields).toEqual([
      { field: 'maxTotalHours', after: '24' },
      { field: 'extensionApprovalRequired', before: 'true', after: 'false' },
      { field: 'breakGlass', before: 'false', after: 'true' },
      { field: 'breakGlassMaxHours', after: '2' },
    ]);
    expect(changed.settings.map((f) => f.field)).toEqual([
      'reminderMinutes',
      'escalationMinutes',
      'escalationGroups',
      'breakGlassEnabled',
    ]);
  });

  it.each([
    [
      'a total below the maximum duration',
      { eligibility: [eligibility({ maxTotalHours: 2 })] },
      'eligibility[0].maxTotalHours: Maximum total hours with extensions must be at least the maximum duration (4 hours).',
    ],
    [
      'break-glass of 25 hours',
      { eligibility: [eligibility({ breakGlass: true, breakGlassMaxHours: 25 })] },
      'eligibility[0].breakGlassMaxHours: must be at most 24 hours.',
    ],
    [
      'an unknown stage group',
      { approvers: [approver({ nextStages: [{ name: 'Security', groups: ['Nobody'] }] })] },
      'approvers[0].nextStages[0].groups[0]: no group named "Nobody".',
    ],
    [
      'a stage without approvers',
      { approvers: [approver({ nextStages: [{ name: 'Security' }] })] },
      'approvers[0].nextStages[0].groups: Stage "Security" needs at least one approver group or user (item 1).',
    ],
    [
      'six stages',
      {
        approvers: [
          approver({
            nextStages: ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, groups: ['TEAM-Admins'] })),
          }),
        ],
      },
      'approvers[0].nextStages: at most 5 stages.',
    ],
    [
      'an escalation before the reminder',
      { approvers: [approver({ remindAfterMinutes: 60, escalateAfterMinutes: 30 })] },
      'approvers[0].escalateAfterMinutes: Escalation time must come after the reminder (more than 60 minutes).',
    ],
    [
      'an unknown escalation group in the settings',
      { settings: { escalationGroups: ['Nobody'] } },
      'settings.escalationGroups[0]: no group named "Nobody".',
    ],
  ])('refuses %s, naming where', async (_name, parts, message) => {
    const t = setup();
    const error = await failure(() => t.preview(json({ version: 1, ...parts })));
    expect(error.message).toBe(message);
    expect(error.field).toBe('document');
  });
});
