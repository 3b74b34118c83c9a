import { afterAll, describe, expect, it } from 'vitest';
import { flat, synthTeam } from './support';

/** The installation suffix (lib/names.ts): the first block of the stack id's UUID. */
const STACK_ID_SUFFIX = {
  'Fn::Select': [
    0,
    { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
  ],
};

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
}

/**
 * A name is fixed when it is the same for every installation of the stack: not derived from the
 * stack id, nor from an attribute or a reference of a resource (a pseudo parameter such as the
 * region does not make it unique).
 */
function isFixed(value: unknown): boolean {
  const text = JSON.stringify(value);
  if (text.includes('AWS::StackId') || text.includes('Fn::GetAtt')) return false;
  const refs = [...text.matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
  return refs.every((ref) => ref.startsWith('AWS::'));
}

/** `<type> <property>=<name>` of every resource kept after the stack that has a fixed name. */
function retainedWithFixedNames(resources: Record<string, Resource>): string[] {
  const found: string[] = [];
  for (const resource of Object.values(resources)) {
    if (!['Retain', 'RetainExceptOnCreate'].includes(resource.DeletionPolicy ?? 'Delete')) continue;
    for (const [key, value] of Object.entries(resource.Properties ?? {})) {
      if (!/Name$/.test(key) || key === 'DisplayName') continue;
      if (isFixed(value)) found.push(`${resource.Type} ${key}=${flat(value)}`);
    }
  }
  return found;
}

describe('a failed first deployment or a reinstall is not blocked by what an earlier one kept', () => {
  const lake = synthTeam({ sessionLogs: { type: 'cloudtrail-lake', create: {} } });
  const athena = synthTeam({
    sessionLogs: { type: 'athena', trailBucketName: 'org-trail', organizationId: 'o-abcdefghij' },
  });
  const destroy = synthTeam({ removalPolicy: 'destroy' });
  afterAll(() => {
    lake.cleanup();
    athena.cleanup();
    destroy.cleanup();
  });

  const secretOf = (synth: typeof lake) =>
    Object.values(synth.template.findResources('AWS::SecretsManager::Secret'))[0] as Resource;

  it('the Slack secret is kept, deleted only with the deployment that created it, and named per installation', () => {
    const secret = secretOf(lake);
    expect(secret.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(secret.UpdateReplacePolicy).toBe('Retain');
    expect(secret.Properties?.['Name']).toEqual({
      'Fn::Join': ['', ['Team-demo/slack-bot-token-', STACK_ID_SUFFIX]],
    });
    // Admins find it by the output, the functions by its ARN.
    expect(lake.template.toJSON().Outputs.SlackSecretName.Value).toEqual(secret.Properties?.['Name']);
  });

  it('a test deployment (removalPolicy destroy) deletes the secret with the stack', () => {
    expect(secretOf(destroy).DeletionPolicy).toBe('Delete');
  });

  it('the state machines’ log group is kept, deleted only with the deployment that created it, and named per installation', () => {
    const [group] = Object.values(lake.template.findResources('AWS::Logs::LogGroup')).filter((r) =>
      JSON.stringify((r as Resource).Properties?.['LogGroupName'] ?? '').includes('/aws/vendedlogs/states/'),
    ) as Resource[];
    expect(group?.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(group?.Properties?.['LogGroupName']).toEqual({
      'Fn::Join': ['', ['/aws/vendedlogs/states/Team-demo-', STACK_ID_SUFFIX]],
    });
    expect(
      Object.values(destroy.template.findResources('AWS::Logs::LogGroup')).some(
        (r) =>
          JSON.stringify((r as Resource).Properties?.['LogGroupName'] ?? '').includes(
            '/aws/vendedlogs/states/',
          ) && (r as Resource).DeletionPolicy === 'Delete',
      ),
    ).toBe(true);
  });

  it('no other resource that outlives the stack has a fixed name', () => {
    for (const synth of [lake, athena]) {
      const resources = synth.template.toJSON().Resources as Record<string, Resource>;
      expect(retainedWithFixedNames(resources)).toEqual([]);
    }
  });

  it('the check sees a fixed name, and a stack-id suffix or a resource attribute as unique', () => {
    expect(isFixed('team-demo')).toBe(true);
    expect(isFixed({ 'Fn::Join': ['', ['a-', { Ref: 'AWS::Region' }]] })).toBe(true);
    expect(isFixed({ 'Fn::Join': ['', ['a-', STACK_ID_SUFFIX]] })).toBe(false);
    expect(isFixed({ 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': ['Api', 'ApiId'] }]] })).toBe(
      false,
    );
  });
});
