import { describe, expect, it } from 'vitest';
import { appInfoOf, loadRuntimeConfig, parseRuntimeConfig } from '../../../web/src/app/config';

const valid = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbC123',
  userPoolClientId: '1example23456789',
  oauthDomain: 'team-123.auth.eu-west-1.amazoncognito.com',
  redirectSignIn: 'https://team.example.com/',
  redirectSignOut: 'https://team.example.com/',
  graphqlUrl: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
  appUrl: 'https://team.example.com',
  idcStartUrl: 'https://d-1234567890.awsapps.com/start',
  version: '0.1.0',
  sessionLogs: 'cloudtrail-lake',
};

function respond(body: string, status = 200): typeof fetch {
  return async () => new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

describe('runtime config', () => {
  it('accepts a complete config and keeps the OAuth domain as a host', () => {
    const result = parseRuntimeConfig(valid);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.oauthDomain).toBe('team-123.auth.eu-west-1.amazoncognito.com');
  });

  it('takes the OAuth domain as a URL too (the local cloud gives one)', () => {
    const result = parseRuntimeConfig({ ...valid, oauthDomain: 'http://127.0.0.1:4001/' });
    expect(result.ok && result.config.oauthDomain).toBe('127.0.0.1:4001');
  });

  it('names every problem', () => {
    const result = parseRuntimeConfig({
      ...valid,
      region: 'Europe',
      graphqlUrl: 'ftp://x',
      sessionLogs: 'splunk',
      oauthDomain: 'https://x.example.com/path',
      version: undefined,
    });
    expect(result.ok).toBe(false);
    if (result.ok || result.problem.kind !== 'invalid') throw new Error('expected invalid');
    expect(result.problem.issues).toEqual(
      expect.arrayContaining([
        'region must be an AWS region such as us-east-1.',
        'graphqlUrl must be an http(s) URL.',
        "sessionLogs must be 'cloudtrail-lake', 'athena' or 'none'.",
        'oauthDomain must not have a path, query or credentials.',
        'version is required.',
      ]),
    );
  });

  it('carries the user menu links to the shell, and refuses a link that is not http(s)', () => {
    const links = {
      documentation: 'https://wiki.example.com/team',
      feedback: 'https://forms.example.com/team',
      bugReport: 'https://tickets.example.com/new',
      releaseNotes: 'https://example.com/releases/tag/v0.1.0',
    };
    const result = parseRuntimeConfig({ ...valid, links });
    if (!result.ok) throw new Error('expected a valid config');
    expect(appInfoOf(result.config)).toEqual({
      idcStartUrl: valid.idcStartUrl,
      version: '0.1.0',
      sessionLogs: 'cloudtrail-lake',
      links,
    });
    // Configs written before the links existed still load; the menu then shows none.
    const older = parseRuntimeConfig(valid);
    expect(older.ok && appInfoOf(older.config)).not.toHaveProperty('links');

    const bad = parseRuntimeConfig({ ...valid, links: { ...links, feedback: 'javascript:alert(1)' } });
    expect(bad.ok).toBe(false);
    if (bad.ok || bad.problem.kind !== 'invalid') throw new Error('expected invalid');
    expect(bad.problem.issues).toEqual(['links.feedback must be an http(s) URL.']);
  });

  it('refuses something that is not an object', () => {
    expect(parseRuntimeConfig([]).ok).toBe(false);
    expect(parseRuntimeConfig(null).ok).toBe(false);
  });

  it('reports a missing file, bad JSON and an unreachable server', async () => {
    expect(await loadRuntimeConfig(respond('not found', 404))).toEqual({
      ok: false,
      problem: { kind: 'http', status: 404 },
    });
    const bad = await loadRuntimeConfig(respond('{'));
    expect(!bad.ok && bad.problem.kind).toBe('json');
    const down = await loadRuntimeConfig(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(down).toEqual({ ok: false, problem: { kind: 'unreachable', detail: 'Failed to fetch' } });
    const good = await loadRuntimeConfig(respond(JSON.stringify(valid)));
    expect(good.ok).toBe(true);
  });
});
