/**
 * Where the command line keeps what it knows per profile: the deployment's runtime config (and
 * the URL it came from) in `config.json`, and the signed-in session's tokens in
 * `tokens/<profile>.json`. The directory is private to the user (0700) and so is every file
 * (0600), written whole (temporary file + rename) so that a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// zod/mini, as the runtime config schema uses: one zod to load at start, not two.
import * as z from 'zod/mini';
import { runtimeConfigSchema, type RuntimeConfig } from '../../lambdas/contract/runtime-config';
import { CliError, EXIT, usageError } from './errors';

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The configuration directory: `$TEAM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/team`, else
 * `~/.config/team`.
 */
export function configDirOf(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  if (env['TEAM_CONFIG_DIR']) return env['TEAM_CONFIG_DIR'];
  if (env['XDG_CONFIG_HOME']) return join(env['XDG_CONFIG_HOME'], 'team');
  return join(homeDir, '.config', 'team');
}

/** Checks a profile name (it becomes a file name). */
export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw usageError(
      `"${name}" is not a profile name: use letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit).`,
    );
  }
  return name;
}

const profileSchema = z.object({
  /** The web app URL given to `team configure`. */
  url: z.url(),
  /** `/config.json` as served (validated again on every read). */
  runtimeConfig: z.record(z.string(), z.unknown()),
  configuredAt: z.string(),
});

const configFileSchema = z.object({
  version: z.literal(1),
  profiles: z.record(z.string(), profileSchema),
});

type ConfigFile = z.infer<typeof configFileSchema>;

/** A configured profile, its runtime config parsed. */
export interface Profile {
  name: string;
  url: string;
  config: RuntimeConfig;
  configuredAt: string;
}

/** The cached session of a profile. */
export const tokenCacheSchema = z.object({
  version: z.literal(1),
  /** The app client the tokens were issued to (a refresh must use the same one). */
  clientId: z.string().check(z.minLength(1)),
  idToken: z.string().check(z.minLength(1)),
  accessToken: z.string().check(z.minLength(1)),
  /** Absent when the provider gave none; the session then ends with the tokens. */
  refreshToken: z.optional(z.string().check(z.minLength(1))),
  /** When the ID and access tokens expire (epoch ms). */
  expiresAt: z.number(),
  /** When the sign-in happened (epoch ms). */
  signedInAt: z.number(),
});

export type TokenCache = z.infer<typeof tokenCacheSchema>;

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates `dir` private to the user when it does not exist yet. */
function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
}

/** Writes `text` to `file` with mode 0600 through a temporary file in the same directory. */
function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, text, { mode: FILE_MODE, flag: 'wx' });
  try {
    chmodSync(temporary, FILE_MODE);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(EXIT.other, `${file} cannot be read: ${(error as Error).message}`, 'ConfigError');
  }
}

/** The configuration directory's files. */
export class ConfigStore {
  constructor(readonly dir: string) {}

  get configFile(): string {
    return join(this.dir, 'config.json');
  }

  tokenFile(profile: string): string {
    return join(this.dir, 'tokens', `${checkProfileName(profile)}.json`);
  }

  private readConfigFile(): ConfigFile {
    const raw = readJson(this.configFile);
    if (raw === undefined) return { version: 1, profiles: {} };
    const parsed = configFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CliError(
        EXIT.other,
        `${this.configFile} is not a TEAM command line config: run \`team configure\` again after removing it.`,
        'ConfigError',
      );
    }
    return parsed.data;
  }

  /** Names of the configured profiles. */
  profiles(): string[] {
    return Object.keys(this.readConfigFile().profiles).sort();
  }

  /** A configured profile, or undefined; its stored runtime config must still be valid. */
  readProfile(name: string): Profile | undefined {
    const stored = this.readConfigFile().profiles[checkProfileName(name)];
    if (!stored) return undefined;
    const config = runtimeConfigSchema.safeParse(stored.runtimeConfig);
    if (!config.success) {
      throw new CliError(
        EXIT.other,
        `The stored config of profile ${name} is no longer valid: run \`team configure --url ${stored.url}\` again.`,
        'ConfigError',
      );
    }
    return { name, url: stored.url, config: config.data, configuredAt: stored.configuredAt };
  }

  /** Stores a profile (replacing one of that name). */
  writeProfile(
    name: string,
    value: { url: string; runtimeConfig: Record<string, unknown>; configuredAt: string },
  ) {
    const file = this.readConfigFile();
    file.profiles[checkProfileName(name)] = value;
    ensurePrivateDir(this.dir);
    writePrivateFile(this.configFile, `${JSON.stringify(file, null, 2)}\n`);
  }

  /** The cached session, or undefined when there is none (or it is unreadable). */
  readTokens(profile: string): TokenCache | undefined {
    const raw = readJson(this.tokenFile(profile));
    if (raw === undefined) return undefined;
    const parsed = tokenCacheSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  writeTokens(profile: string, tokens: TokenCache): void {
    const file = this.tokenFile(profile);
    ensurePrivateDir(this.dir);
    ensurePrivateDir(join(this.dir, 'tokens'));
    writePrivateFile(file, `${JSON.stringify(tokens, null, 2)}\n`);
  }

  /** Forgets the session; true if there was one. */
  deleteTokens(profile: string): boolean {
    const file = this.tokenFile(profile);
    if (!existsSync(file)) return false;
    rmSync(file, { force: true });
    return true;
  }
}
