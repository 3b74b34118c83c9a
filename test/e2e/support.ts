/**
 * Helpers for the end-to-end journey: the production build of the web app, Chromium, sign-in
 * through the local stand-in, screenshots and axe-core checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, '.test-artifacts', 'e2e');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds `web/dist` when it is missing or older than the sources (the suite serves the build). */
export function ensureWebBuild(): void {
  const built = (() => {
    try {
      return statSync(join(ROOT, 'web', 'dist', 'index.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(
    newestMtime(join(ROOT, 'web', 'src')),
    newestMtime(join(ROOT, 'web', 'index.html')),
    newestMtime(join(ROOT, 'web', 'vite.config.ts')),
  );
  if (built > sources) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: ROOT, stdio: 'pipe' });
}

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
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
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
