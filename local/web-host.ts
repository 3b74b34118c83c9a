/**
 * Serves the web app for the local cloud: `/config.json` (the same runtime config the CDK stack
 * writes to S3, pointing at the local services), the app itself — the production build from
 * `web/dist`, or Vite's dev server for `npm start` — with the loopback shim injected first in
 * `<head>` (aws-amplify speaks https/wss to Cognito and AppSync; see local/appsync/realtime-shim.ts).
 */
import { spawn } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteDevServer } from 'vite';
import { injectRealtimeShim } from './appsync/realtime-shim';

export const WEB_ROOT = fileURLToPath(new URL('../web', import.meta.url));
export const WEB_DIST = join(WEB_ROOT, 'dist');
const PROJECT_ROOT = join(WEB_ROOT, '..');

/** What the production build is made from: the app, its config, and what it imports from outside web/. */
const BUILD_INPUTS = [
  'web/src',
  'web/index.html',
  'web/vite.config.ts',
  'lambdas/contract',
  'graphql/generated',
  'package-lock.json',
];
/** Held while one process builds web/dist (the end-to-end tests take the same lock). */
const BUILD_LOCK = join(WEB_ROOT, '.dist-lock');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

function newestModification(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, name)));
  return newest;
}

/** Whether web/dist holds a build newer than every file it is made from. */
export function webBuildIsCurrent(): boolean {
  const built = newestModification(join(WEB_DIST, 'index.html'));
  return built > Math.max(...BUILD_INPUTS.map((input) => newestModification(join(PROJECT_ROOT, input))));
}

function viteBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(PROJECT_ROOT, 'node_modules', '.bin', 'vite'),
      ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}:\n${output}`)),
    );
  });
}

/**
 * Builds web/dist (`npm run build:web`) when it is missing or older than its sources, and
 * otherwise reuses it. When another process is building it, waits for that build instead.
 */
export async function ensureWebBuild(): Promise<void> {
  while (!webBuildIsCurrent()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      const age = Date.now() - newestModification(BUILD_LOCK);
      if (age > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      if (!webBuildIsCurrent()) await viteBuild();
      return;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
}

export interface WebHostOptions {
  /** `dist`: serve the production build; `dev`: Vite's dev server in middleware mode. */
  mode: 'dist' | 'dev';
  /** With `dist`: the build to serve (default `web/dist`). */
  distDir?: string;
  /** Builds `/config.json` once the host knows its own URL. */
  runtimeConfig: (appUrl: string) => Record<string, unknown>;
  /** host:port pairs the shim maps from https/wss to http/ws (AppSync, the sign-in stand-in). */
  shimHosts: () => readonly string[];
  /** Extra pages of the local cloud by path (e.g. the access portal stand-in). */
  pages?: Record<string, () => string>;
  port?: number;
}

export interface RunningWebHost {
  url: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function sendJson(res: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body, null, 2);
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(payload);
}

/** A file under the build folder `root` for a URL path, or undefined (never outside the folder). */
function distFile(root: string, pathname: string): string | undefined {
  const file = normalize(join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** Vite's dev server for the app, its HMR WebSocket riding on `server`. */
async function createDevServer(server: Server, shimHosts: () => readonly string[]): Promise<ViteDevServer> {
  const { createServer: createVite } = await import('vite');
  return createVite({
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    root: WEB_ROOT,
    appType: 'spa',
    logLevel: 'warn',
    // HMR's WebSocket rides on this host's own server (upgrade requests on its port, bound to
    // 127.0.0.1), so Vite opens no socket of its own: in middleware mode it would otherwise
    // listen on port 24678 on every interface (even with `hmr: false`), and a second
    // `npm start` would collide there. The page's client connects back to the page's port.
    server: { middlewareMode: true, ws: { server } },
    plugins: [
      {
        name: 'team-local-shim',
        transformIndexHtml: (html: string) => injectRealtimeShim(html, shimHosts()),
      },
    ],
  });
}

/** A dev server made ahead of the host by prepareDevServer(), for the next startWebHost() to take. */
let prepared:
  { server: Server; vite: Promise<ViteDevServer>; shim: { hosts: () => readonly string[] } } | undefined;

/**
 * Starts making Vite's dev server now (about a second of loading Vite and the app's config), for
 * the next `startWebHost({ mode: 'dev' })` to take: `npm start` calls it before it starts the
 * backend, whose wait for DynamoDB Local leaves this process idle.
 */
export function prepareDevServer(): void {
  if (prepared) return;
  const server = createServer();
  const shim = { hosts: (): readonly string[] => [] };
  const vite = createDevServer(server, () => shim.hosts());
  // Reported by the startWebHost() that takes it.
  vite.catch(() => undefined);
  prepared = { server, vite, shim };
}

/** Starts the host on 127.0.0.1; nothing it starts (Vite's HMR included) listens anywhere else. */
export async function startWebHost(options: WebHostOptions): Promise<RunningWebHost> {
  let appUrl = '';
  let handleApp: (req: IncomingMessage, res: ServerResponse) => void;
  let closeApp = async () => {};

  const ready = options.mode === 'dev' ? prepared : undefined;
  if (!ready) void prepared?.vite.then((unused) => unused.close());
  prepared = undefined;
  const server: Server = ready?.server ?? createServer();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    if (pathname === '/config.json') {
      sendJson(res, options.runtimeConfig(appUrl));
      return;
    }
    const page = options.pages?.[pathname];
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page());
      return;
    }
    handleApp(req, res);
  });

  if (options.mode === 'dev') {
    if (ready) ready.shim.hosts = options.shimHosts;
    const vite = await (ready?.vite ?? createDevServer(server, options.shimHosts));
    handleApp = (req, res) => vite.middlewares(req, res);
    closeApp = () => vite.close();
  } else {
    const root = resolvePath(options.distDir ?? WEB_DIST);
    if (!existsSync(join(root, 'index.html'))) {
      throw new Error(
        options.distDir === undefined
          ? 'web/dist has no build: run `npm run build:web` first.'
          : `${options.distDir} holds no Vite build (index.html is missing)`,
      );
    }
    const indexHtml = readFileSync(join(root, 'index.html'), 'utf8');
    handleApp = (req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const file = pathname === '/' ? undefined : distFile(root, pathname);
      if (file) {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': pathname.startsWith('/assets/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        });
        createReadStream(file).pipe(res);
        return;
      }
      // SPA fallback, like the CloudFront distribution: every other path is the app.
      res.writeHead(200, { 'content-type': TYPES['.html'] ?? 'text/html', 'cache-control': 'no-cache' });
      res.end(injectRealtimeShim(indexHtml, options.shimHosts()));
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch(async (err: unknown) => {
    await closeApp();
    throw err;
  });
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: appUrl,
    stop: async () => {
      await closeApp();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
