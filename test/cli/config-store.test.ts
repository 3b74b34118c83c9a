/**
 * Where the command line keeps its config and tokens: which directory, who may read it (the
 * user only: 0700 and 0600), profiles, and files that are missing or not what they should be.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, configDirOf, type TokenCache } from '../../bin/cli/config-store';
import { CliError } from '../../bin/cli/errors';

const RUNTIME_CONFIG = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_TEAMLocal',
  userPoolClientId: 'team_local_web',
  cliClientId: 'team_local_cli',
  cliRedirectUri: 'http://localhost:8976/callback',
  oauthDomain: '127.0.0.1:4100',
  redirectSignIn: 'http://127.0.0.1:4000/',
  redirectSignOut: 'http://127.0.0.1:4000/',
  graphqlUrl: 'http://127.0.0.1:4200/graphql',
  appUrl: 'http://127.0.0.1:4000',
  idcStartUrl: 'http://127.0.0.1:4000/local/portal',
  version: 'local',
  sessionLogs: 'none',
};

const TOKENS: TokenCache = {
  version: 1,
  clientId: 'team_local_cli',
  idToken: 'id.token.x',
  accessToken: 'access.token.x',
  refreshToken: 'refresh',
  expiresAt: 1_700_000_000_000,
  signedInAt: 1_699_999_000_000,
};

const mode = (path: string) => statSync(path).mode & 0o777;
const fresh = () => join(mkdtempSync(join(tmpdir(), 'team-cli-store-')), 'team');

describe('the config directory', () => {
  it('is TEAM_CONFIG_DIR, else $XDG_CONFIG_HOME/team, else ~/.config/team', () => {
    expect(configDirOf({ TEAM_CONFIG_DIR: '/x/team', XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/x/team');
    expect(configDirOf({ XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/xdg/team');
    expect(configDirOf({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/team');
  });

  it('is created 0700 with its files 0600, token files included', () => {
    const store = new ConfigStore(fresh());
    store.writeProfile('default', {
      url: 'http://127.0.0.1:4000',
      runtimeConfig: RUNTIME_CONFIG,
      configuredAt: 'now',
    });
    store.writeTokens('default', TOKENS);
    expect(mode(store.dir)).toBe(0o700);
    expect(mode(join(store.dir, 'tokens'))).toBe(0o700);
    expect(mode(store.configFile)).toBe(0o600);
    expect(mode(store.tokenFile('default'))).toBe(0o600);
    // Rewriting keeps them private (a new file replaces the old one).
    store.writeTokens('default', { ...TOKENS, accessToken: 'renewed' });
    expect(mode(store.tokenFile('default'))).toBe(0o600);
    expect(store.readTokens('default')?.accessToken).toBe('renewed');
  });

  it('keeps profiles apart and validates the stored runtime config on read', () => {
    const store = new ConfigStore(fresh());
    store.writeProfile('default', {
      url: 'http://127.0.0.1:4000',
      runtimeConfig: RUNTIME_CONFIG,
      configuredAt: 'a',
    });
    store.writeProfile('staging', {
      url: 'https://team-staging.example.com',
      runtimeConfig: { ...RUNTIME_CONFIG, oauthDomain: 'https://auth.example.com' },
      configuredAt: 'b',
    });
    expect(store.profiles()).toEqual(['default', 'staging']);
    expect(store.readProfile('default')?.config.oauthDomain).toBe('127.0.0.1:4100');
    expect(store.readProfile('staging')?.config.oauthDomain).toBe('auth.example.com');
    expect(store.readProfile('prod')).toBeUndefined();
    store.writeTokens('staging', TOKENS);
    expect(store.readTokens('default')).toBeUndefined();
    expect(store.deleteTokens('staging')).toBe(true);
    expect(store.deleteTokens('staging')).toBe(false);

    const file = JSON.parse(readFileSync(store.configFile, 'utf8')) as {
      profiles: Record<string, { runtimeConfig: Record<string, unknown> }>;
    };
    file.profiles['default']!.runtimeConfig['graphqlUrl'] = 'not a url';
    writeFileSync(store.configFile, JSON.stringify(file));
    expect(() => store.readProfile('default')).toThrow(/no longer valid: run `team configure --url/);
  });

  it('refuses profile names that are not simple file names', () => {
    const store = new ConfigStore(fresh());
    for (const name of ['../x', '', 'a/b', '.hidden', 'x'.repeat(65)]) {
      expect(() => store.tokenFile(name), name).toThrow(CliError);
    }
  });

  it('reads a token file that is not a session as no session', () => {
    const store = new ConfigStore(fresh());
    mkdirSync(join(store.dir, 'tokens'), { recursive: true });
    writeFileSync(store.tokenFile('default'), JSON.stringify({ version: 1, accessToken: 'x' }));
    expect(store.readTokens('default')).toBeUndefined();
  });

  it('says which file is broken when config.json is not its config', () => {
    const store = new ConfigStore(fresh());
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(store.configFile, '{"profiles": 3}');
    expect(() => store.readProfile('default')).toThrow(/is not a TEAM command line config/);
    writeFileSync(store.configFile, '{');
    expect(() => store.readProfile('default')).toThrow(/cannot be read/);
  });
});
