import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTeamApp } from '../../lib/app';
import { parseTeamConfig } from '../../lib/config';
import { PROJECT_ROOT, demoConfig, synthTeam, type Synthesized } from './support';

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

const VARIANTS: [string, Parameters<typeof synthTeam>[0], Parameters<typeof synthTeam>[1]][] = [
  ['demo config', {}, {}],
  [
    'everything on: Athena, custom domain, WAF in us-east-1, destroy, customer-managed key, dev',
    {
      region: 'us-east-1',
      removalPolicy: 'destroy',
      dataEncryption: 'customer-managed',
      dev: true,
      sessionLogs: {
        type: 'athena',
        trailBucketName: 'org-trail',
        organizationId: 'o-abcdefghij',
        trailKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/0000-1111',
      },
      customDomain: {
        domainName: 'team.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abcd',
        hostedZoneId: 'Z123456ABCDEFG',
        authDomainName: 'auth.team.example.com',
      },
      waf: { allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'] },
      notifications: {
        senderEmail: 'team@example.com',
        sesIdentityArn: 'arn:aws:ses:us-east-1:111122223333:identity/example.com',
      },
    },
    {},
  ],
  ['CloudTrail Lake created by TEAM', { sessionLogs: { type: 'cloudtrail-lake', create: {} } }, {}],
  [
    'WAF stack in us-east-1, TEAM in eu-west-1',
    { region: 'eu-west-1', account: '111122223333', waf: { allowedCidrs: ['10.0.0.0/8'] } },
    {},
  ],
];

describe.each(VARIANTS)('cdk-nag AwsSolutions (%s)', (_name, overrides, options) => {
  // synthTeam runs the checks as a validation plugin: a finding fails the synthesis.
  const synth: Synthesized = synthTeam(overrides, options);
  afterAll(() => synth.cleanup());

  it('has zero unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.app);
    const findings = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a reason, and AWS managed policies only to CDK-internal providers', () => {
    // Other validation plugins (the CDK's own CloudFormation checks) acknowledge their rules too.
    const acks = acknowledgements(synth.app).filter((a) => a.id.startsWith('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
      if (ack.id.startsWith('AwsSolutions-IAM4')) expect(ack.path, ack.id).toMatch(/\/Custom::/);
    }
    const rules = new Set(acks.map((a) => a.id.replace(/\[.*$/, '')));
    const allowed = [
      'IAM4',
      'IAM5',
      'L1',
      'COG2',
      'COG8',
      'ASC3',
      'SMG4',
      'SQS3',
      'S1',
      'CFR1',
      'CFR2',
      'CFR4',
      'S10',
    ];
    for (const rule of rules)
      expect(
        allowed.map((r) => `AwsSolutions-${r}`),
        rule,
      ).toContain(rule);
  });
});

describe('cdk-nag in the synthesis', () => {
  it('fails the synthesis when a finding is not acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'team-nag-'));
    const { app, stack } = buildTeamApp({
      config: parseTeamConfig(demoConfig()),
      projectRoot: PROJECT_ROOT,
      appProps: { context: { 'aws:cdk:bundling-stacks': [] }, outdir },
    });
    stack.functions.api.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::elsewhere/*'] }),
    );
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
