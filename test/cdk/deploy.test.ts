import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextOf, deploy, stacksToDeploy } from '../../bin/deploy';
import { parseTeamConfig } from '../../lib/config';
import { demoConfig, PROJECT_ROOT } from './support';

const dir = mkdtempSync(join(tmpdir(), 'team-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the deploy script in `projectRoot` with a runner that records instead of running. */
async function dryDeploy(projectRoot: string, argv: string[] = []) {
  const commands: string[][] = [];
  const errors: string[] = [];
  const code = await deploy({
    argv,
    projectRoot,
    run: (command, args) => {
      commands.push([command, ...args]);
      return Promise.resolve(0);
    },
    log: { info: () => undefined, error: (m) => errors.push(m) },
  });
  return { code, commands, errors: errors.join('\n') };
}

describe('npm run deploy', () => {
  it('stops before building or deploying when team.config.json is missing, naming the file and how to create it', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const { code, commands, errors } = await dryDeploy(empty);
    expect(code).toBe(1);
    expect(commands).toEqual([]);
    expect(errors).toContain(join(empty, 'team.config.json'));
    expect(errors).toContain('cp team.config.example.json team.config.json');
    expect(errors).not.toMatch(/DEMO/);
  });

  it('refuses the demo fallback even when asked for it', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const { code, commands, errors } = await dryDeploy(empty, ['-c', 'teamConfigFallback=demo']);
    expect(code).toBe(1);
    expect(commands).toEqual([]);
    expect(errors).toMatch(/never deploys the demo configuration/);
  });

  it('exits non-zero as a process, without calling AWS, when the config file is missing', () => {
    const missing = join(dir, 'nowhere', 'team.config.json');
    const result = spawnSync(
      join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      ['bin/deploy.ts', '-c', `teamConfig=${missing}`],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`TEAM configuration file not found: ${missing}`);
    expect(result.stderr).toContain('cp team.config.example.json team.config.json');
  });

  it('builds the web app, then deploys the TEAM stack with the options given', async () => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'team.config.json'), JSON.stringify(demoConfig({ environment: 'prod' })));
    const { code, commands } = await dryDeploy(root, ['--require-approval', 'never']);
    expect(code).toBe(0);
    expect(commands).toEqual([
      ['npm', 'run', 'build:web'],
      ['npx', 'cdk', 'deploy', 'Team-prod', '--require-approval', 'never'],
    ]);
  });

  it('deploys every stack (--all) when the WAF option may add the us-east-1 stack, and reads -c overrides', async () => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'team.config.json'), JSON.stringify(demoConfig({ region: 'eu-west-1' })));
    const argv = ['--context', 'team:waf.allowedCidrs=["10.0.0.0/8"]'];
    const { commands } = await dryDeploy(root, argv);
    expect(commands[1]).toEqual(['npx', 'cdk', 'deploy', '--all', ...argv]);
  });

  it('does not deploy when the web app does not build', async () => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'team.config.json'), JSON.stringify(demoConfig()));
    const commands: string[][] = [];
    const code = await deploy({
      argv: [],
      projectRoot: root,
      run: (command, args) => {
        commands.push([command, ...args]);
        return Promise.resolve(2);
      },
      log: { info: () => undefined, error: () => undefined },
    });
    expect(code).toBe(2);
    expect(commands).toHaveLength(1);
  });

  it('reads context pairs in every spelling cdk accepts', () => {
    expect(contextOf(['-c', 'a=1', '--context', 'b=x=y', '--context=c=3', 'd=4', '-c'])).toEqual({
      a: '1',
      b: 'x=y',
      c: '3',
    });
  });

  it('deploys the TEAM stack alone without WAF, every stack with it', () => {
    expect(stacksToDeploy(parseTeamConfig(demoConfig({ stackName: 'TeamProd' })))).toEqual(['TeamProd']);
    expect(stacksToDeploy(parseTeamConfig(demoConfig({ waf: { allowedCidrs: ['10.0.0.0/8'] } })))).toEqual([
      '--all',
    ]);
  });
});
