import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SUPPORT_LINKS,
  DEMO_CONFIG,
  TeamConfigError,
  cidrProblem,
  deploymentAccountProblem,
  loadTeamConfig,
  loadTeamConfigFromContext,
  parseTeamConfig,
  stackNameOf,
  supportLinksOf,
} from '../../lib/config';
import { demoConfig } from './support';

const dir = mkdtempSync(join(tmpdir(), 'team-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(input: unknown): TeamConfigError {
  try {
    parseTeamConfig(input, 'test.json');
  } catch (err) {
    if (err instanceof TeamConfigError) return err;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('config validation', () => {
  it('accepts the demo config and fills the defaults', () => {
    const config = parseTeamConfig(DEMO_CONFIG);
    expect(config.removalPolicy).toBe('retain');
    expect(config.dataEncryption).toBe('aws-managed');
    expect(config.logRetentionDays).toBe(365);
    expect(config.dev).toBe(false);
    expect(stackNameOf(config)).toBe('Team-demo');
  });

  it('defaults a created CloudTrail Lake store to one year of all management events', () => {
    const config = parseTeamConfig(demoConfig({ sessionLogs: { type: 'cloudtrail-lake', create: {} } }));
    expect(config.sessionLogs).toEqual({
      type: 'cloudtrail-lake',
      create: { retentionDays: 365, selectors: 'read_write' },
    });
  });

  const bad: [name: string, patch: Record<string, unknown>, field: string][] = [
    ['environment with capitals', { environment: 'Prod' }, 'environment'],
    ['environment naming cognito', { environment: 'my-cognito' }, 'environment'],
    [
      'http start URL',
      { identityCenter: { ...DEMO_CONFIG.identityCenter, startUrl: 'http://x.awsapps.com/start' } },
      'identityCenter.startUrl',
    ],
    [
      'malformed instance ARN',
      { identityCenter: { ...DEMO_CONFIG.identityCenter, instanceArn: 'ssoins-1' } },
      'identityCenter.instanceArn',
    ],
    [
      'missing metadata URL',
      { identityCenter: { ...DEMO_CONFIG.identityCenter, samlMetadataUrl: undefined } },
      'identityCenter.samlMetadataUrl',
    ],
    [
      'short management account',
      { identityCenter: { ...DEMO_CONFIG.identityCenter, managementAccountId: '123' } },
      'identityCenter.managementAccountId',
    ],
    ['empty admin group', { groups: { admin: ' ', auditor: 'A' } }, 'groups.admin'],
    ['bad sender email', { notifications: { senderEmail: 'nobody' } }, 'notifications.senderEmail'],
    ['bad SES ARN', { notifications: { sesIdentityArn: 'arn:aws:sns:x' } }, 'notifications.sesIdentityArn'],
    ['unknown session-log type', { sessionLogs: { type: 'splunk' } }, 'sessionLogs.type'],
    [
      'lake with neither ARN nor create',
      { sessionLogs: { type: 'cloudtrail-lake' } },
      'sessionLogs.eventDataStoreArn',
    ],
    [
      'lake retention below 7 days',
      { sessionLogs: { type: 'cloudtrail-lake', create: { retentionDays: 3 } } },
      'sessionLogs.create.retentionDays',
    ],
    [
      'lake selectors',
      { sessionLogs: { type: 'cloudtrail-lake', create: { selectors: 'all' } } },
      'sessionLogs.create.selectors',
    ],
    [
      'athena bucket name',
      { sessionLogs: { type: 'athena', trailBucketName: 'Bad_Bucket', organizationId: 'o-abcdefghij' } },
      'sessionLogs.trailBucketName',
    ],
    [
      'athena organization',
      { sessionLogs: { type: 'athena', trailBucketName: 'trail', organizationId: 'org' } },
      'sessionLogs.organizationId',
    ],
    [
      'certificate outside us-east-1',
      {
        customDomain: {
          domainName: 'team.example.com',
          certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/x',
        },
      },
      'customDomain.certificateArn',
    ],
    [
      'domain with a scheme',
      {
        customDomain: {
          domainName: 'https://team.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x',
        },
      },
      'customDomain.domainName',
    ],
    [
      'bad hosted zone',
      {
        customDomain: {
          domainName: 'team.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x',
          hostedZoneId: 'zone',
        },
      },
      'customDomain.hostedZoneId',
    ],
    ['empty WAF list', { waf: { allowedCidrs: [] } }, 'waf.allowedCidrs'],
    [
      'WAF CIDR with host bits',
      { waf: { allowedCidrs: ['10.0.0.0/8', '192.168.1.1/24'] } },
      'waf.allowedCidrs.1',
    ],
    ['WAF IPv6 /0', { waf: { allowedCidrs: ['::/0'] } }, 'waf.allowedCidrs.0'],
    ['removal policy', { removalPolicy: 'snapshot' }, 'removalPolicy'],
    ['log retention not offered by CloudWatch', { logRetentionDays: 42 }, 'logRetentionDays'],
    ['tag value too long', { tags: { owner: 'x'.repeat(300) } }, 'tags.owner'],
    ['region', { region: 'Europe' }, 'region'],
    [
      'http documentation link',
      { support: { documentationUrl: 'http://wiki.example.com' } },
      'support.documentationUrl',
    ],
    ['feedback link that is not a URL', { support: { feedbackUrl: 'the wiki' } }, 'support.feedbackUrl'],
    [
      'javascript bug-report link',
      { support: { bugReportUrl: 'javascript:alert(1)' } },
      'support.bugReportUrl',
    ],
    ['unknown support link', { support: { chatUrl: 'https://chat.example.com' } }, 'support'],
    [
      'management-account flag that is not a boolean',
      { deployInManagementAccount: 'yes' },
      'deployInManagementAccount',
    ],
    ['unknown key', { extra: true }, '(root)'],
  ];

  it.each(bad)('refuses %s and names the field', (_name, patch, field) => {
    const err = errorOf({ ...demoConfig(), ...patch });
    expect(err.issues.map((i) => i.path)).toContain(field);
    expect(err.message).toContain(`${field}:`);
    expect(err.message).toContain('test.json');
  });

  it('reports every bad field at once', () => {
    const err = errorOf({
      ...demoConfig(),
      environment: '',
      logRetentionDays: 2,
      waf: { allowedCidrs: ['x'] },
    });
    expect(err.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['environment', 'logRetentionDays', 'waf.allowedCidrs.0']),
    );
  });
});

describe('support links', () => {
  it("default to the project's own documentation, issues and release notes", () => {
    const config = parseTeamConfig(DEMO_CONFIG);
    expect(config.support).toEqual(DEFAULT_SUPPORT_LINKS);
    for (const url of Object.values(config.support)) expect(url).toMatch(/^https:\/\//);
    expect(supportLinksOf(config.support, '1.2.0')).toEqual({
      documentation: DEFAULT_SUPPORT_LINKS.documentationUrl,
      feedback: DEFAULT_SUPPORT_LINKS.feedbackUrl,
      bugReport: DEFAULT_SUPPORT_LINKS.bugReportUrl,
      releaseNotes: DEFAULT_SUPPORT_LINKS.releaseNotesUrl.replace('{version}', '1.2.0'),
    });
    expect(supportLinksOf(config.support, '1.2.0').releaseNotes).toMatch(/\/releases\/tag\/v1\.2\.0$/);
  });

  it('take the configured URLs, each on its own, the version filled into the release notes', () => {
    const config = parseTeamConfig(
      demoConfig({
        support: {
          documentationUrl: 'https://wiki.example.com/team',
          releaseNotesUrl: 'https://wiki.example.com/team/changes#{version}',
        },
      }),
    );
    expect(supportLinksOf(config.support, '2.0.0-rc.1')).toEqual({
      documentation: 'https://wiki.example.com/team',
      feedback: DEFAULT_SUPPORT_LINKS.feedbackUrl,
      bugReport: DEFAULT_SUPPORT_LINKS.bugReportUrl,
      releaseNotes: 'https://wiki.example.com/team/changes#2.0.0-rc.1',
    });
  });

  it('refuse a link that is not https, saying so', () => {
    const err = errorOf({ ...demoConfig(), support: { feedbackUrl: 'http://forms.example.com' } });
    expect(err.message).toContain('support.feedbackUrl: must be an https:// URL');
  });
});

describe('deployment into the management account', () => {
  const MANAGEMENT = DEMO_CONFIG.identityCenter.managementAccountId;

  it('is refused unless deployInManagementAccount says so, explaining both choices', () => {
    const err = errorOf({ ...demoConfig(), account: MANAGEMENT });
    expect(err.issues.map((i) => i.path)).toEqual(['account']);
    expect(err.message).toContain('the organization management account');
    expect(err.message).toContain('delegated administrator');
    expect(err.message).toContain('bin/management-account.ts');
    expect(err.message).toContain('"deployInManagementAccount": true');
  });

  it('is allowed with deployInManagementAccount, which is off by default', () => {
    expect(parseTeamConfig(DEMO_CONFIG).deployInManagementAccount).toBe(false);
    const config = parseTeamConfig(demoConfig({ account: MANAGEMENT, deployInManagementAccount: true }));
    expect(config.deployInManagementAccount).toBe(true);
    // Without an account in the file, the stack checks the one it is deployed to.
    expect(parseTeamConfig(demoConfig({ deployInManagementAccount: true })).account).toBeUndefined();
  });

  it('refuses deployInManagementAccount for a member account', () => {
    const err = errorOf({ ...demoConfig(), account: '222233334444', deployInManagementAccount: true });
    expect(err.issues.map((i) => i.path)).toEqual(['deployInManagementAccount']);
    expect(err.message).toContain('not to the management account 000000000000');
  });

  it('names the problem for an account known only at synth', () => {
    const delegated = parseTeamConfig(DEMO_CONFIG);
    const opted = parseTeamConfig(demoConfig({ deployInManagementAccount: true }));
    expect(deploymentAccountProblem(delegated, '222233334444')).toBeUndefined();
    expect(deploymentAccountProblem(delegated, MANAGEMENT)).toMatch(/Choose one/);
    expect(deploymentAccountProblem(opted, MANAGEMENT)).toBeUndefined();
    expect(deploymentAccountProblem(opted, '222233334444')).toMatch(/deployInManagementAccount/);
  });
});

describe('CIDR checks for the WAF allow-list', () => {
  it.each(['10.0.0.0/8', '203.0.113.7/32', '2001:db8::/32', '2001:db8:0:1::/64', '::1/128'])(
    'accepts %s',
    (cidr) => {
      expect(cidrProblem(cidr)).toBeUndefined();
    },
  );
  it.each([
    ['10.0.0.0', 'not a CIDR'],
    ['10.0.0.0/33', 'prefix must be 1-32'],
    ['0.0.0.0/0', 'prefix must be 1-32'],
    ['256.1.1.0/24', 'neither'],
    ['10.1.0.0/8', 'host bits'],
    ['2001:db8::1/64', 'host bits'],
    ['2001:db8::/129', 'prefix must be 1-128'],
    ['::ffff:10.0.0.0/104', 'neither'],
  ])('refuses %s', (cidr, problem) => {
    expect(cidrProblem(cidr)).toContain(problem);
  });
});

describe('loading', () => {
  it('refuses to go on without team.config.json, naming the file and how to create it', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    let message = '';
    try {
      loadTeamConfig({ cwd: empty, warn: () => {} });
    } catch (error) {
      expect(error).toBeInstanceOf(TeamConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(join(empty, 'team.config.json'));
    expect(message).toContain('cp team.config.example.json team.config.json');
    expect(message).toContain('-c teamConfig=<path>');
  });

  it('falls back to the demo config with a warning only when asked to (offline synth)', () => {
    const warnings: string[] = [];
    const loaded = loadTeamConfig({ cwd: dir, demoFallback: true, warn: (m) => warnings.push(m) });
    expect(loaded.isDemo).toBe(true);
    expect(loaded.config.environment).toBe('demo');
    expect(warnings.join('\n')).toMatch(/DEMO configuration/);

    const context: Record<string, unknown> = { teamConfigFallback: 'demo' };
    const fromContext = loadTeamConfigFromContext((key) => context[key], context, {
      cwd: dir,
      warn: () => {},
    });
    expect(fromContext.isDemo).toBe(true);
    const wrong: Record<string, unknown> = { teamConfigFallback: 'yes' };
    expect(() => loadTeamConfigFromContext((key) => wrong[key], wrong, { cwd: dir })).toThrow(
      /only accepts "demo"/,
    );
  });

  it('reads team.config.json from the project root, without a warning', () => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'team.config.json'), JSON.stringify(demoConfig({ environment: 'staging' })));
    const warnings: string[] = [];
    const loaded = loadTeamConfig({ cwd: root, warn: (m) => warnings.push(m) });
    expect(loaded.isDemo).toBe(false);
    expect(loaded.config.environment).toBe('staging');
    expect(warnings).toEqual([]);
  });

  it('takes -c teamConfig=<path> and -c team:<path>=<value> overrides from the context', () => {
    const file = join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify(demoConfig({ environment: 'custom' })));
    const context: Record<string, unknown> = {
      teamConfig: file,
      'team:identityCenter.region': 'eu-west-1',
      'team:logRetentionDays': '731',
      'team:waf.allowedCidrs': '["10.0.0.0/8"]',
    };
    const loaded = loadTeamConfigFromContext((key) => context[key], context, { cwd: dir });
    expect(loaded.source).toBe(file);
    expect(loaded.config.identityCenter.region).toBe('eu-west-1');
    expect(loaded.config.logRetentionDays).toBe(731);
    expect(loaded.config.waf?.allowedCidrs).toEqual(['10.0.0.0/8']);
  });

  it('names the override that makes the config invalid', () => {
    const context: Record<string, unknown> = {
      teamConfigFallback: 'demo',
      'team:identityCenter.startUrl': 'ftp://nope',
    };
    expect(() =>
      loadTeamConfigFromContext((key) => context[key], context, { cwd: dir, warn: () => {} }),
    ).toThrow(/identityCenter\.startUrl: must be an https:\/\/ URL/);
  });

  it('refuses a missing explicit file and invalid JSON with the path', () => {
    expect(() => loadTeamConfig({ configPath: join(dir, 'missing.json') })).toThrow(
      /not found: .*missing\.json/,
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "environment": ');
    expect(() => loadTeamConfig({ configPath: broken })).toThrow(/broken\.json is not valid JSON/);
  });

  it('the committed example config is valid', () => {
    const loaded = loadTeamConfig({
      configPath: join(import.meta.dirname, '..', '..', 'team.config.example.json'),
    });
    expect(loaded.config.sessionLogs.type).toBe('athena');
  });
});
