/**
 * The loopback redirect of a sign-in (RFC 8252): a one-shot HTTP server on 127.0.0.1 that waits
 * for the browser to come back to `/callback` with the authorization code and the state the
 * command line sent. It listens on this machine only and answers nothing but that path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT } from './errors';

export const CALLBACK_PATH = '/callback';

export interface LoopbackReceiver {
  port: number;
  /** Resolves with the authorization code; rejects on an error redirect or the timeout. */
  code: Promise<string>;
  close(): Promise<void>;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, message: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem;max-width:40rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

/** Why a sign-in came back without a code, for people. */
function describeError(error: string, description: string | null): string {
  const detail = description ? ` (${description})` : '';
  if (error === 'access_denied') return `The sign-in was refused${detail}.`;
  return `The sign-in failed: ${error}${detail}.`;
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) for the redirect carrying `state`. A redirect
 * with another state is answered with an error page and ignored: it is not this sign-in's.
 */
export async function startLoopbackReceiver(options: {
  port: number;
  state: string;
  timeoutMs: number;
}): Promise<LoopbackReceiver> {
  let settle: { resolve(code: string): void; reject(error: Error): void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may be waiting yet when it fails; the caller reads it after opening the browser.
  code.catch(() => undefined);
  let done = false;
  const finish = (outcome: { code: string } | { error: Error }) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if ('code' in outcome) settle?.resolve(outcome.code);
    else settle?.reject(outcome.error);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(res, 404, 'Not found', 'This is the TEAM command line waiting for a sign-in.');
      return;
    }
    if (done) {
      page(res, 410, 'Already done', 'This sign-in is over; return to the terminal.');
      return;
    }
    const params = url.searchParams;
    if (params.get('state') !== options.state) {
      page(
        res,
        400,
        'Unknown sign-in',
        'This redirect does not belong to the sign-in the command line started.',
      );
      return;
    }
    const error = params.get('error');
    if (error !== null) {
      const message = describeError(error, params.get('error_description'));
      page(res, 400, 'Sign-in failed', `${message} Return to the terminal.`);
      finish({
        error: new CliError(error === 'access_denied' ? EXIT.forbidden : EXIT.other, message, 'SignInFailed'),
      });
      return;
    }
    const received = params.get('code');
    if (!received) {
      page(res, 400, 'Sign-in failed', 'The redirect carries no authorization code.');
      return;
    }
    page(res, 200, 'Signed in to TEAM', 'You can close this tab and return to the terminal.');
    finish({ code: received });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              EXIT.other,
              `Port ${options.port} on 127.0.0.1 is in use (another \`team login\`?). Close it and try again; ` +
                'only the deployment-registered port works with Cognito (--port is for the local cloud).',
              'PortInUse',
            )
          : error,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(() => {
    finish({
      error: new CliError(
        EXIT.timedOut,
        `No sign-in arrived within ${Math.round(options.timeoutMs / 1000)} seconds: run \`team login\` again.`,
        'TimedOut',
      ),
    });
  }, options.timeoutMs);
  timer.unref();

  return {
    port: (server.address() as AddressInfo).port,
    code,
    async close() {
      clearTimeout(timer);
      finish({ error: new CliError(EXIT.other, 'The sign-in was abandoned.', 'Cancelled') });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
