/**
 * Helpers for the end-to-end journey: the production build of the web app, Chromium, sign-in
 * through the local stand-in, screenshots, axe-core checks, and the record of every connection
 * the journey opens (nothing may leave the machine).
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net, { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, '.test-artifacts', 'e2e');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Builds `web/dist` when it is missing or stale, one process at a time (the local cloud's own). */
export { ensureWebBuild } from '../../local/web-host';

/** Headless Chromium with the flags the CI machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

/** Signs in through the app's Sign in button and the stand-in's identity picker. */
export async function signIn(page: Page, appUrl: string, displayName: string): Promise<void> {
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('list', { name: 'Demo identities' }).waitFor();
  await page.getByRole('button', { name: new RegExp(`^${displayName} `) }).click();
  await page.getByRole('button', { name: `User menu for ${displayName}` }).waitFor();
}

/** Saves a full-page screenshot under `.test-artifacts/e2e/<step>.png`. */
export async function screenshot(page: Page, step: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${step}.png`), fullPage: true });
}

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeSerious(page: Page, label: string): Promise<AxeFinding[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core has just put itself on the global object.
    const axe = (
      globalThis as unknown as {
        axe: { run(options: { resultTypes: string[] }): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    // Only violations are read: axe then spends no time detailing the checks that passed.
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      page: label,
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
}

/** True for a loopback host or address: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** Every host this process opened a connection to, while it records. */
export interface NodeEgress {
  /** `host` (or `host→address` once connected); unix sockets as `unix:<path>`. */
  readonly targets: ReadonlySet<string>;
  /** The targets that are not loopback. */
  outside(): string[];
  stop(): void;
}

type ConnectArgs = [unknown, ...unknown[]];

/** Where `net.Socket.prototype.connect` was asked to connect, from any of its call forms. */
function connectTarget(args: ConnectArgs): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'string' && !/^\d+$/.test(first)) return `unix:${first}`;
  if (typeof first === 'number' || typeof first === 'string') {
    return typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  const options = (first ?? {}) as { host?: unknown; path?: unknown };
  if (typeof options.path === 'string') return `unix:${options.path}`;
  return typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
}

/**
 * Records every outgoing TCP or TLS connection of this process (http, fetch, the AWS SDK, the
 * Slack client and WebSockets all go through `net.Socket.prototype.connect`) by its host name as
 * asked, before any DNS lookup, and by the address it reached (the `net.client.socket` channel).
 */
export function recordNodeEgress(): NodeEgress {
  const targets = new Set<string>();
  const original = net.Socket.prototype.connect;
  const patched = function (this: net.Socket, ...args: ConnectArgs) {
    targets.add(connectTarget(args));
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = patched as typeof original;
  const onSocket = (message: unknown) => {
    const socket = (message as { socket?: net.Socket }).socket;
    socket?.once('connect', () => {
      if (socket.remoteAddress) targets.add(socket.remoteAddress);
    });
  };
  diagnostics.subscribe('net.client.socket', onSocket);
  return {
    targets,
    outside: () => [...targets].filter((t) => !t.startsWith('unix:') && !isLoopback(t)),
    stop() {
      if (net.Socket.prototype.connect === patched) net.Socket.prototype.connect = original;
      diagnostics.unsubscribe('net.client.socket', onSocket);
    },
  };
}

/** Every host the pages of the watched browser contexts sent a request or opened a WebSocket to. */
export interface BrowserEgress {
  readonly urls: ReadonlySet<string>;
  watch(context: BrowserContext): void;
  /** The URLs whose host is not loopback. */
  outside(): string[];
}

export function recordBrowserEgress(): BrowserEgress {
  const urls = new Set<string>();
  const add = (url: string) => {
    // data:, blob: and about: URLs leave nothing; every other scheme counts.
    if (!/^(data|blob|about):/.test(url)) urls.add(url);
  };
  const hostOf = (url: string) => {
    try {
      return new URL(url).hostname;
    } catch {
      return url;
    }
  };
  return {
    urls,
    watch(context) {
      context.on('request', (request) => add(request.url()));
      const onPage = (page: Page) => page.on('websocket', (socket) => add(socket.url()));
      context.pages().forEach(onPage);
      context.on('page', onPage);
    },
    outside: () => [...urls].filter((url) => !isLoopback(hostOf(url))),
  };
}
