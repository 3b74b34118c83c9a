import { createHash, randomBytes } from 'node:crypto';

/** What the Slack stub, its views and the interaction simulator share: the workspace and the app. */

export const TEAM_ID = 'T0LOCALTEAM';
export const TEAM_DOMAIN = 'team-local';
export const BOT_USER_ID = 'U0TEAMBOT01';
export const BOT_ID = 'B0TEAMBOT01';
export const APP_ID = 'A0TEAMLOCAL';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A stable Slack-looking id (`U…`, `C…`, `D…`) derived from a key. */
export function slackId(prefix: string, key: string): string {
  const digest = createHash('sha256').update(key).digest();
  let id = prefix;
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
  return id;
}

/** A fresh Slack-looking id (`V…` for views) that no key determines. */
export function randomSlackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A Slack timestamp-like value (`<unix seconds>.<6 digits>`), as `action_ts` and `ts` look. */
export function slackTs(nowMs: number, counter: number): string {
  return `${Math.floor(nowMs / 1000)}.${String(counter % 1_000_000).padStart(6, '0')}`;
}

/**
 * A Web API error: the `error` code of `{ ok: false, error }`, and for `invalid_arguments` the
 * `response_metadata.messages` Slack adds (`[ERROR] … [json-pointer:/view/title]`).
 */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(messages.length ? `${code}: ${messages.join('; ')}` : code);
  }
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
