/**
 * `--wait`: polls a request (with backoff) until access is active, and fails with the exit code
 * of how it ended otherwise: rejected, expired or cancelled, in error, or still waiting when the
 * time is up.
 */
import { GetRequestDocument } from '../../graphql/generated/operations';
import { required, type Context } from './context';
import { CliError, EXIT, type ExitCode } from './errors';
import { formatDuration, statusLabel } from './format';
import type { GraphqlClient } from './graphql';
import { standing, whatOf, type Request } from './render';

export const FIRST_POLL_MS = 2000;
export const MAX_POLL_MS = 15_000;

/** How a request that will never become active ended, as an exit code. */
export function endedExitCode(status: Request['status']): ExitCode | undefined {
  switch (status) {
    case 'REJECTED':
      return EXIT.rejected;
    case 'EXPIRED':
    case 'CANCELLED':
    case 'REVOKED':
    case 'ENDED':
      return EXIT.ended;
    case 'ERROR':
      return EXIT.failed;
    default:
      return undefined;
  }
}

/** The next wait: ×1.5 from 2 s, at most 15 s. */
export function nextDelay(previous: number): number {
  return Math.min(MAX_POLL_MS, Math.round(previous * 1.5));
}

/** Waits until `initial` is in progress; returns it then. */
export async function waitForAccess(
  ctx: Context,
  api: GraphqlClient,
  initial: Request,
  timeoutMs: number,
): Promise<Request> {
  const deadline = ctx.now() + timeoutMs;
  let request = initial;
  let delay = FIRST_POLL_MS;
  let reported = '';
  for (;;) {
    const line = standing(request, ctx.timeZone);
    if (line !== reported) {
      ctx.info(`${statusLabel(request.status)}: ${line}`);
      reported = line;
    }
    if (request.status === 'IN_PROGRESS') return request;
    const ended = endedExitCode(request.status);
    if (ended !== undefined) {
      throw new CliError(ended, `${whatOf(request)}: ${line}`, 'RequestEnded', { request });
    }
    const left = deadline - ctx.now();
    if (left <= 0) {
      throw new CliError(
        EXIT.timedOut,
        `Still ${statusLabel(request.status)} after ${formatDuration(timeoutMs)}; the request stays. ` +
          `Check later with \`team show ${request.id}\`.`,
        'TimedOut',
        { request },
      );
    }
    await ctx.io.sleep(Math.min(delay, left));
    delay = nextDelay(delay);
    request = required(
      (await api.run(GetRequestDocument, { id: request.id })).getRequest,
      `Request ${request.id}`,
    );
  }
}
