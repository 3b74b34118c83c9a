/**
 * Runs the `team` command line in-process: `main(argv, io)` with captured stdout and stderr, its
 * own environment (a private config directory) and, when a test wants, its own fetch and clock.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../bin/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` prints. */
  json<T = Record<string, unknown>>(): T;
}

export interface CliUser {
  /** The config directory (TEAM_CONFIG_DIR). */
  dir: string;
  env: Record<string, string | undefined>;
  /** Runs one command to the end. */
  run(...argv: string[]): Promise<CliRun>;
  /** Starts one command; `output()` shows what it printed so far. */
  start(...argv: string[]): { done: Promise<CliRun>; output(): { stdout: string; stderr: string } };
}

export interface CliUserOptions {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  openUrl?: (url: string) => void;
  timeZone?: string;
}

/** A person at a terminal: their own config directory and environment. */
export function cliUser(options: CliUserOptions = {}): CliUser {
  const dir = join(mkdtempSync(join(tmpdir(), 'team-cli-')), 'config');
  const env = { TEAM_CONFIG_DIR: dir, ...options.env };
  const start = (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      openUrl: options.openUrl ?? (() => undefined),
      now: options.now ?? (() => Date.now()),
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      homeDir: join(dir, 'home'),
      timeZone: options.timeZone ?? 'UTC',
    };
    const done = main(argv, io).then((code) => ({
      code,
      stdout,
      stderr,
      json: <T>() => JSON.parse(stdout) as T,
    }));
    return { done, output: () => ({ stdout, stderr }) };
  };
  return { dir, env, start, run: (...argv) => start(...argv).done };
}

/** Resolves once `read()` matches `pattern` (polling), with the match. */
export async function waitForMatch(
  read: () => string,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Where the local cloud may keep the request workflow it synthesizes from the CDK stack between
 * runs (a cold synthesis takes half a minute). The local cloud names its cache file by the hash of
 * lib/ and package.json; this folder adds what else shapes the state machine: the contract lib/
 * imports, and the local cloud's own workflow module.
 */
export function workflowCacheDir(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(ROOT, 'lambdas', 'contract'));
  hash.update(readFileSync(join(ROOT, 'local', 'workflow.ts')));
  return join(tmpdir(), 'team-cli-test-workflow', hash.digest('hex').slice(0, 16));
}
