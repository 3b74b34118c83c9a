/**
 * The `team` command line against the real local cloud (as `npm start` runs it): configure from
 * the web app's URL, sign in through the browser (Chromium picks the demo identity on the local
 * sign-in page, the command line receives the code on its loopback port), request access and
 * `--wait` while another person approves with `team approve` from their own config directory,
 * list and show it, revoke it, the refusals (not eligible: exit 3; expired session: exit 2), the
 * silent refresh, sign-out, and a policy export/import round trip with the demo machine client.
 * Nothing the test process or the browser opens may leave the machine.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCache } from '../../bin/cli/config-store';
import type { Request } from '../../bin/cli/render';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import {
  CHROMIUM,
  launchChromium,
  recordBrowserEgress,
  recordNodeEgress,
  type NodeEgress,
} from '../e2e/support';
import { cliUser, waitForMatch, workflowCacheDir, type CliRun, type CliUser } from './support';
import { sharedDynamoEndpoint } from '../support/shared-dynamo';

const ACCOUNT = { id: '118573649280', name: 'Sandbox Team A' };
const ROLE = 'PowerUserAccess';
const JUSTIFICATION = 'Investigate the failing nightly job (INC-77)';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const mode = (path: string) => statSync(path).mode & 0o777;

const hasChromium = (() => {
  try {
    return statSync(CHROMIUM).isFile();
  } catch {
    return false;
  }
})();
if (!hasChromium) console.warn(`CLI sign-in test skipped: ${CHROMIUM} is missing (CI installs it).`);

describe.skipIf(!hasChromium)(
  'the team command line against the local cloud',
  () => {
    let cloud: LocalCloud;
    let appUrl: string;
    let browser: Browser;
    let nodeEgress: NodeEgress | undefined;
    const browserEgress = recordBrowserEgress();
    // Alice requests, Carol approves (TEAM-Approvers-NonProduction approves the Sandbox OU), each
    // at a terminal of their own; CI runs the policy pipeline with the machine client.
    const alice: CliUser = cliUser();
    const carol: CliUser = cliUser();
    const ci: CliUser = cliUser({
      env: { TEAM_CLIENT_ID: 'team_local_machine', TEAM_CLIENT_SECRET: 'team-local-machine-secret' },
    });
    let requestId = '';

    /** `team login` with the browser step: Chromium opens the printed URL and picks the person. */
    async function signIn(user: CliUser, displayName: string): Promise<CliRun> {
      const port = await freePort();
      const login = user.start('login', '--no-browser', '--port', String(port), '--timeout', '60s');
      const [url] = await waitForMatch(
        () => login.output().stderr,
        /http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+/,
      );
      const authorize = new URL(url);
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: 'team_local_cli',
        redirect_uri: `http://localhost:${port}/callback`,
        scope: 'openid email profile',
        code_challenge_method: 'S256',
      });
      expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
      const context = await browser.newContext();
      browserEgress.watch(context);
      context.setDefaultTimeout(15_000);
      try {
        const page = await context.newPage();
        await page.goto(url);
        await page.getByRole('list', { name: 'Demo identities' }).waitFor();
        await page.getByRole('button', { name: new RegExp(`^${displayName} `) }).click();
        await page.getByRole('heading', { name: 'Signed in to TEAM' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/callback');
      } finally {
        await context.close();
      }
      return login.done;
    }

    const tokenFile = (user: CliUser) => join(user.dir, 'tokens', 'default.json');
    const readTokens = (user: CliUser) => JSON.parse(readFileSync(tokenFile(user), 'utf8')) as TokenCache;
    const writeTokens = (user: CliUser, tokens: TokenCache) =>
      writeFileSync(tokenFile(user), JSON.stringify(tokens));

    const assignments = () =>
      cloud.backend.simulators.state.assignments().filter((a) => a.accountId === ACCOUNT.id);

    beforeAll(async () => {
      nodeEgress = recordNodeEgress();
      // The web app as `npm start` serves it (Vite's dev server; the CLI only reads /config.json).
      cloud = await startLocalCloud({
        web: 'dev',
        dataDir: undefined,
        webPort: 0,
        cacheDir: workflowCacheDir(),
        dynamoEndpoint: sharedDynamoEndpoint(),
      });
      if (!cloud.appUrl) throw new Error('the local cloud serves no web app');
      appUrl = cloud.appUrl;
      browser = await launchChromium();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await cloud?.stop();
      nodeEgress?.stop();
    }, 60_000);

    it('configures from the web app URL: its validated config.json, in a private directory', async () => {
      const result = await alice.run('configure', '--url', appUrl, '--json');
      expect(result.code).toBe(0);
      expect(result.json()).toMatchObject({
        profile: 'default',
        url: appUrl,
        version: 'local',
        cliClientId: 'team_local_cli',
        configDir: alice.dir,
      });
      expect(mode(alice.dir)).toBe(0o700);
      expect(mode(join(alice.dir, 'config.json'))).toBe(0o600);
      const human = await carol.run('configure', '--url', `${appUrl}/`);
      expect(human.stdout).toBe(
        `Configured profile default for ${appUrl} (TEAM local, us-east-1).\nNext: team login\n`,
      );
      expect((await ci.run('configure', '--url', appUrl)).code).toBe(0);
    });

    it('signs in through the browser and keeps the tokens in a 0600 file', async () => {
      const result = await signIn(alice, 'Alice Nguyen');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /^Signed in as alice\.nguyen@example\.com to http:\/\/127\.0\.0\.1:\d+ \(profile default\)/,
      );
      expect(mode(join(alice.dir, 'tokens'))).toBe(0o700);
      expect(mode(tokenFile(alice))).toBe(0o600);
      const tokens = readTokens(alice);
      expect(tokens.clientId).toBe('team_local_cli');
      expect(tokens.refreshToken).toBeTruthy();
      expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);

      const whoami = await alice.run('whoami', '--json');
      expect(whoami.code).toBe(0);
      expect(whoami.json()).toMatchObject({
        profile: 'default',
        user: { userName: 'alice.nguyen@example.com', displayName: 'Alice Nguyen', personas: ['REQUESTER'] },
        session: { renewable: true },
      });
      const carolLogin = await signIn(carol, 'Carol Smith');
      expect(carolLogin.code, carolLogin.stderr).toBe(0);
    });

    it('refuses what the person may not request (exit 3) and lists what they may', async () => {
      const account = await alice.run(
        'request',
        '--account',
        'Payments Production',
        '--role',
        'AdministratorAccess',
        '--hours',
        '1',
        '--reason',
        'x',
      );
      expect(account.code).toBe(3);
      expect(account.stderr).toContain('You may not request access to "Payments Production".');
      expect(account.stderr).toContain('You may request:');
      expect(account.stderr).toContain(
        'Sandbox Team A (118573649280): PowerUserAccess (up to 8 hours, approval), ReadOnlyAccess (up to 8 hours, approval)',
      );

      const role = await alice.run(
        'request',
        '--account',
        ACCOUNT.name,
        '--role',
        'AdministratorAccess',
        '--hours',
        '1',
        '--reason',
        'x',
        '--json',
      );
      expect(role.code).toBe(3);
      expect(role.stderr).toContain(
        'You may not request "AdministratorAccess" in Sandbox Team A (118573649280).',
      );
      const error = role.json<{ error: { type: string; eligible: { accountName: string }[] } }>().error;
      expect(error.type).toBe('NotEligible');
      expect(error.eligible.map((a) => a.accountName)).toContain(ACCOUNT.name);

      const tooLong = await alice.run(
        'request',
        '--account',
        ACCOUNT.id,
        '--role',
        ROLE,
        '--hours',
        '9',
        '--reason',
        'x',
      );
      expect(tooLong.code).toBe(3);
      expect(tooLong.stderr).toContain('may last at most 8 hours');
    });

    it('requests with --wait while another person approves with `team approve`; prints the access portal', async () => {
      const waiting = alice.start(
        'request',
        '--account',
        ACCOUNT.name,
        '--role',
        ROLE,
        '--hours',
        '1',
        '--reason',
        JUSTIFICATION,
        '--ticket',
        'INC-77',
        '--wait',
        '--timeout',
        '90s',
        '--json',
      );
      const [, id] = await waitForMatch(() => waiting.output().stderr, /request ([0-9a-f-]{36})\./);
      requestId = id ?? '';
      await waitForMatch(
        () => waiting.output().stderr,
        /Waiting for approval by Bob Martin, Carol Smith or Ivan Petrov/,
      );

      // Carol sees it among her approvals and approves it from her own terminal.
      await expect
        .poll(async () =>
          (await carol.run('ls', 'approvals', '--json')).json<{ items: Request[] }>().items.map((r) => r.id),
        )
        .toContain(requestId);
      const approvals = await carol.run('ls', 'approvals');
      expect(approvals.stdout).toMatch(/^ID\s+REQUESTER\s+ACCOUNT\s+ROLE\s+STATUS\s+START\s+END\n/);
      expect(approvals.stdout).toContain(
        `${requestId}  Alice Nguyen  Sandbox Team A  PowerUserAccess  pending`,
      );
      const approved = await carol.run('approve', requestId, '--comment', 'Go ahead', '--json');
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.json<{ request: Request }>().request.decision?.comment).toBe('Go ahead');

      const result = await waiting.done;
      expect(result.code, result.stderr).toBe(0);
      const { request, portalUrl } = result.json<{ request: Request; portalUrl: string }>();
      expect(request).toMatchObject({ id: requestId, status: 'IN_PROGRESS', ticketNo: 'INC-77' });
      expect(portalUrl).toBe(`${appUrl}/local/portal`);
      expect(result.stderr).toMatch(/in progress: Access is active until/);
      expect(assignments()).toHaveLength(1);
    }, 90_000);

    it('lists and shows the request, in JSON and for people', async () => {
      const mine = await alice.run('ls', '--json', '--limit', '5');
      expect(mine.code).toBe(0);
      const listed = mine.json<{ list: string; items: Request[] }>();
      expect(listed.list).toBe('mine');
      expect(listed.items.find((r) => r.id === requestId)?.status).toBe('IN_PROGRESS');

      const active = await alice.run('ls', 'active');
      const [header, ...rows] = active.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^ID\s+REQUESTER\s+ACCOUNT\s+ROLE\s+STATUS\s+START\s+END$/);
      const row = rows.find((line) => line.startsWith(requestId));
      expect(row).toMatch(
        /Alice Nguyen\s+Sandbox Team A\s+PowerUserAccess\s+in progress\s+\d{4}-\d\d-\d\d \d\d:\d\d/,
      );
      expect(active.stdout).toContain('times in UTC.');

      const show = await alice.run('show', requestId);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain(`Request ${requestId}`);
      expect(show.stdout).toMatch(/Account\s+Sandbox Team A \(118573649280\)/);
      expect(show.stdout).toMatch(/Approved by\s+Carol Smith, .*: "Go ahead"/);
      expect(show.stdout).toMatch(/End\s+.* \(1 hour\)/);
      expect(show.stdout).toMatch(/History\n[\s\S]*created by Alice Nguyen[\s\S]*approved by Carol Smith/);
      expect(show.stdout).not.toMatch(/\bPT\d/);
      const json = (await alice.run('show', requestId, '--json')).json<{ history: { action: string }[] }>();
      expect(json.history.map((e) => e.action)).toEqual(
        expect.arrayContaining(['CREATED', 'APPROVED', 'STARTED']),
      );
    });

    it('asks for more time with `team extend`: the extension waits for approval', async () => {
      const extended = await alice.run(
        'extend',
        requestId,
        '--hours',
        '1',
        '--reason',
        'The job runs longer',
      );
      expect(extended.code, extended.stderr).toBe(0);
      expect(extended.stdout).toBe(
        'Asked for 1 hour more on PowerUserAccess in Sandbox Team A (118573649280); the extension waits for approval.\n',
      );
      expect((await alice.run('show', requestId)).stdout).toMatch(
        /Extensions\s+\+1 hour \(pending\), asked by Alice Nguyen: "The job runs longer"/,
      );
    });

    it('revokes the access; a second revoke is a conflict (exit 5)', async () => {
      const revoked = await alice.run('revoke', requestId, '--comment', 'Done', '--json');
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.json<{ request: Request }>().request.status).toBe('REVOKED');
      await cloud.backend.settle();
      await expect.poll(() => assignments().length, { timeout: 20_000 }).toBe(0);
      const again = await alice.run('revoke', requestId, '--comment', 'Again');
      expect(again.code).toBe(5);
      expect(again.stderr).toMatch(/^team: A request that is revoked cannot become/);
      const ended = await alice.run('ls', 'ended', '--json');
      expect(ended.json<{ items: Request[] }>().items.map((r) => r.id)).toContain(requestId);
    });

    it('renews the session silently near expiry, and says to sign in again (exit 2) when it cannot', async () => {
      const signedIn = readTokens(alice);
      // Within a minute of expiry: renewed with the refresh token before the call.
      writeTokens(alice, { ...signedIn, expiresAt: Date.now() + 30_000 });
      const renewed = await alice.run('whoami');
      expect(renewed.code, renewed.stderr).toBe(0);
      const after = readTokens(alice);
      expect(after.accessToken).not.toBe(signedIn.accessToken);
      expect(after.refreshToken).toBe(signedIn.refreshToken);
      expect(after.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
      expect(mode(tokenFile(alice))).toBe(0o600);

      writeTokens(alice, { ...after, expiresAt: Date.now() - 1000, refreshToken: 'not-a-refresh-token' });
      const expired = await alice.run('ls');
      expect(expired.code).toBe(2);
      expect(expired.stderr).toBe('team: Your session has expired: run `team login`.\n');
      writeTokens(alice, after);
    });

    it('signs out: the refresh token is revoked and the tokens forgotten', async () => {
      const before = readTokens(alice);
      const out = await alice.run('logout', '--json');
      expect(out.json()).toEqual({ profile: 'default', signedOut: true, revoked: true });
      const gone = await alice.run('whoami');
      expect(gone.code).toBe(2);
      expect(gone.stderr).toContain('You are not signed in: run `team login`.');
      // The old refresh token is dead at the server too.
      writeTokens(alice, { ...before, expiresAt: Date.now() - 1000 });
      expect((await alice.run('whoami')).stderr).toContain('Your session has expired: run `team login`.');
    });

    it('exports the policies and imports them back: the dry run shows no changes', async () => {
      const file = join(ci.dir, '..', 'policies.json');
      const exported = await ci.run('policies', 'export', '--out', file, '--json');
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.json()).toMatchObject({ file, format: 'json' });
      expect(exported.json<{ eligibility: number }>().eligibility).toBeGreaterThan(0);
      const document = readFileSync(file, 'utf8');

      const dryRun = await ci.run('policies', 'import', file, '--dry-run', '--json');
      expect(dryRun.code, dryRun.stderr).toBe(0);
      const preview = dryRun.json<{
        changes: boolean;
        applied: boolean;
        counts: { eligibility: { added: number; changed: number; removed: number } };
      }>();
      expect(preview).toMatchObject({ changes: false, applied: false });
      expect(preview.counts.eligibility).toMatchObject({ added: 0, changed: 0, removed: 0 });
      const human = await ci.run('policies', 'import', file, '--dry-run');
      expect(human.stdout).toMatch(/Eligibility policies: 0 added, 0 changed, 0 removed, \d+ unchanged/);
      expect(human.stdout).toMatch(/Settings: unchanged\nNo changes\.\n$/);

      // YAML the same way.
      const yamlFile = join(ci.dir, '..', 'policies.yaml');
      expect((await ci.run('policies', 'export', '--format', 'yaml', '--out', yamlFile)).code).toBe(0);
      expect(readFileSync(yamlFile, 'utf8')).toMatch(/^eligibility:/m);
      const yamlPreview = await ci.run('policies', 'import', yamlFile, '--dry-run', '--json');
      expect(yamlPreview.json()).toMatchObject({ changes: false });

      // A change goes through preview and import, and back again.
      const changed = JSON.parse(document) as { settings: { maxDurationHours: number } };
      const max = changed.settings.maxDurationHours;
      changed.settings.maxDurationHours = max + 1;
      const changedFile = join(ci.dir, '..', 'policies-changed.json');
      writeFileSync(changedFile, JSON.stringify(changed, null, 2));
      const diff = await ci.run('policies', 'import', changedFile, '--dry-run');
      expect(diff.stdout).toContain(`~ maxDurationHours: ${max} → ${max + 1}`);
      expect(diff.stdout).toContain('Dry run: nothing was changed.');
      const applied = await ci.run('policies', 'import', changedFile, '--json');
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.json()).toMatchObject({ applied: true, counts: { settingsChanged: true } });
      expect((await ci.run('policies', 'export')).stdout).toContain(`"maxDurationHours": ${max + 1}`);
      expect((await ci.run('policies', 'import', file)).code).toBe(0);
      expect((await ci.run('policies', 'import', file, '--dry-run', '--json')).json()).toMatchObject({
        changes: false,
      });

      const wrong = await ci.run('policies', 'export', '--client-secret', 'wrong');
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain('refused the client credentials (invalid_client)');
    });

    it('opened no connection that leaves the machine', () => {
      expect(nodeEgress?.outside()).toEqual([]);
      expect(browserEgress.outside()).toEqual([]);
    });
  },
  120_000,
);
