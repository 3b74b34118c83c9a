import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOf, injectRealtimeShim, startAppSync, type RunningAppSync } from '../../../local/appsync';
import { startAuth, type RunningAuth } from '../../../local/auth';
import { defaultHandlers, fixtureSchemaPath, teamLikeTrigger, users } from './harness';

// The real aws-amplify v6 in headless Chromium: signInWithRedirect through the sign-in
// stand-in (picking an identity on its page), a query with generateClient(), a subscription
// event over the realtime protocol, and Unauthorized for a user outside the group. The page is
// served over plain http with the realtime shim injected, exactly as the local SPA host does.

const CHROMIUM = '/usr/bin/chromium';
const CLIENT_ID = 'team_local_web';
const entry = fileURLToPath(new URL('./fixtures/amplify-page.js', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let auth: RunningAuth;
let appsync: RunningAppSync;
let host: Server;
let appUrl: string;
let browser: Browser;

interface PageResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ errorType?: string; message: string }>;
}

declare const window: {
  axe: { run(): Promise<{ violations: Array<{ id: string; help: string }> }> };
  teamTest: {
    hubEvents: string[];
    received: unknown[];
    subscriptionErrors: unknown[];
    signIn(): Promise<void>;
    idTokenPayload(): Promise<Record<string, unknown> | null>;
    query(query: string, variables?: Record<string, unknown>): Promise<PageResult>;
    subscribe(query: string, variables?: Record<string, unknown>): void;
  };
};

async function startPageHost(bundle: string, configFor: () => Record<string, string>): Promise<string> {
  host = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
      return;
    }
    const config = configFor();
    const html = injectRealtimeShim(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TEAM test page</title>
<script>window.teamConfig = ${JSON.stringify(config)};</script>
<script type="module" src="/app.js"></script></head><body><main>test</main></body></html>`,
      [hostOf(appsync.url), hostOf(auth.url)],
    );
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  const handlers = defaultHandlers();
  auth = await startAuth({
    users,
    clientId: CLIENT_ID,
    redirectUris: [],
    preTokenGeneration: teamLikeTrigger,
  });
  appsync = await startAppSync({
    schemaPath: fixtureSchemaPath,
    verifyToken: auth.verifyToken,
    resolve: (event) => handlers[event.info.fieldName]?.(event) ?? null,
  });
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  const bundle = bundled.outputFiles[0]?.text ?? '';
  appUrl = await startPageHost(bundle, () => ({
    userPoolId: auth.userPoolId,
    clientId: CLIENT_ID,
    oauthDomain: hostOf(auth.url),
    graphqlEndpoint: appsync.url,
  }));
  // The callback URL is known only once the page host listens.
  auth.registerRedirectUri(appUrl);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await appsync?.stop();
  await auth?.stop();
});

/** Signs in through amplify's hosted-UI redirect in a fresh browser context. */
async function signIn(displayName: string, checkPicker = false): Promise<{ page: Page; sockets: string[] }> {
  // CSP is bypassed only so axe can be injected into the sign-in page.
  const context = await browser.newContext({ bypassCSP: checkPicker });
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(appUrl);
  await page.waitForFunction(() => 'teamTest' in window);
  await Promise.all([
    page.waitForURL(`${auth.url}/oauth2/authorize?**`),
    page.evaluate(() => window.teamTest.signIn()).catch(() => undefined),
  ]);
  if (checkPicker) {
    await page.addScriptTag({ content: axeSource });
    const { violations } = await page.evaluate(() => window.axe.run());
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await expect.poll(() => page.getByRole('button').count()).toBe(users.length);
  }
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.waitForURL(`${appUrl}**`);
  await page.waitForFunction(() => window.teamTest.hubEvents.includes('signedIn'));
  return { page, sockets };
}

describe.skipIf(!existsSync(CHROMIUM))('aws-amplify v6 in Chromium against the local stack', () => {
  it('signs in with the hosted-UI redirect, queries, and receives a subscription event', async () => {
    const { page, sockets } = await signIn('Alice Admin', true);
    const claims = await page.evaluate(() => window.teamTest.idTokenPayload());
    expect(claims).toMatchObject({ 'cognito:username': 'IdentityCenter_alice', 'cognito:groups': ['Admin'] });

    const result = await page.evaluate(() => window.teamTest.query('{ adminOnly either }'));
    expect(result).toMatchObject({ data: { adminOnly: 'admin secret', either: 'either way' } });

    await page.evaluate(() =>
      window.teamTest.subscribe(
        'subscription ($owner: String) { onUpdateRequest(owner: $owner) { id owner status } }',
        {
          owner: 'IdentityCenter_alice',
        },
      ),
    );
    await expect.poll(() => appsync.subscriptionCount(), { timeout: 15_000 }).toBe(1);
    expect(sockets).toEqual([
      expect.stringMatching(new RegExp(`^ws://${hostOf(appsync.url)}/graphql/realtime`)),
    ]);

    await appsync.publish('updateRequest', { id: 'r-2', owner: 'IdentityCenter_bob', status: 'approved' });
    await page.evaluate(() =>
      window.teamTest.query('mutation { updateRequest(id: "r-1", status: approved) { id owner status } }'),
    );
    await page.waitForFunction(() => window.teamTest.received.length > 0);
    const received = await page.evaluate(() => window.teamTest.received);
    expect(received).toEqual([
      { data: { onUpdateRequest: { id: 'r-1', owner: 'IdentityCenter_alice', status: 'approved' } } },
    ]);
    await page.context().close();
  });

  it('gives a user outside the group Unauthorized, for queries and subscriptions', async () => {
    const { page } = await signIn('Bob Builder');
    const result = await page.evaluate(() => window.teamTest.query('{ adminOnly }'));
    expect(result.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access adminOnly on type Query',
    });
    await page.evaluate(() => window.teamTest.subscribe('subscription { onAdminUpdate { id } }'));
    await page.waitForFunction(() => window.teamTest.subscriptionErrors.length > 0);
    const [error] = await page.evaluate(() => window.teamTest.subscriptionErrors);
    expect(JSON.stringify(error)).toContain('Not Authorized to access onAdminUpdate on type Subscription');
    await page.context().close();
  });
});
