/**
 * Serves the web app for the local cloud: `/config.json` (the same runtime config the CDK stack
 * writes to S3, pointing at the local services), the app itself — the production build from
 * `web/dist`, or Vite's dev server for `npm start` — with the loopback shim injected first in
 * `<head>` (aws-amplify speaks https/wss to Cognito and AppSync; see local/appsync/realtime-shim.ts).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { injectRealtimeShim } from './appsync';

export const WEB_ROOT = fileURLToPath(new URL('../web', import.meta.url));
export const WEB_DIST = join(WEB_ROOT, 'dist');

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

/** Starts the host on 127.0.0.1; nothing it starts (Vite's HMR included) listens anywhere else. */
export async function startWebHost(options: WebHostOptions): Promise<RunningWebHost> {
  let appUrl = '';
  let handleApp: (req: IncomingMessage, res: ServerResponse) => void;
  let closeApp = async () => {};

  const server: Server = createServer((req, res) => {
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
    const { createServer: createVite } = await import('vite');
    const vite = await createVite({
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
          transformIndexHtml: (html: string) => injectRealtimeShim(html, options.shimHosts()),
        },
      ],
    });
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
