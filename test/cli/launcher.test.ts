/**
 * The installed command: `bin/team-cli.mjs` (package.json "bin") runs main with the process's
 * arguments and exit code, and `npx team` from the project folder finds it (npm runs a package's
 * own bin through its npx cache, linking this folder: nothing is downloaded).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

const ROOT = join(import.meta.dirname, '..', '..');

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    TEAM_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'team-cli-bin-')), 'config'),
  };
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the team command', () => {
  it('is the package bin', () => {
    expect(packageJson.bin).toEqual({ team: 'bin/team-cli.mjs' });
  });

  it('runs main with the arguments and passes the exit code on', async () => {
    const version = await run(process.execPath, ['bin/team-cli.mjs', '--version']);
    expect(version).toEqual({ code: 0, stdout: `team ${packageJson.version}\n`, stderr: '' });
    const usage = await run(process.execPath, ['bin/team-cli.mjs', 'ls', '--bogus']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("Unknown option '--bogus'");
    const configure = await run(process.execPath, ['bin/team-cli.mjs', 'whoami', '--json']);
    expect(configure.code).toBe(2);
    expect(JSON.parse(configure.stdout)).toMatchObject({ error: { type: 'NotConfigured', exitCode: 2 } });
  }, 60_000);

  it('runs as `npx team` from the project folder', async () => {
    const result = await run('npx', ['--offline', 'team', 'help', 'login']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: team login \[options\]/);
  }, 90_000);
});
