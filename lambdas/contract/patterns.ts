/**
 * The shapes and limits of TEAM's inputs, as plain constants with no imports: the core validates
 * with them and the web app imports the same ones for its inline checks.
 *
 * Patterns match whole strings. `\w` without the `u` flag is ASCII only, as IAM names require.
 */
export const ACCOUNT_ID = /^\d{12}$/;
export const PERMISSION_SET_ARN = /^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/;
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
/** An OU id or the organization root id. */
export const OU_OR_ROOT_ID = new RegExp(`${OU_ID.source}|${ROOT_ID.source}`);
/** IAM Identity Center user or group id: an optional 10-hex identity store prefix and a UUID. */
export const IDC_ID = /^(?:[0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/;
export const SLACK_TOKEN = /^xoxb-[A-Za-z0-9-]{5,250}$/;
/** A Slack app's signing secret (Basic Information → App Credentials): letters and digits. */
export const SLACK_SIGNING_SECRET = /^[A-Za-z0-9]{16,128}$/;
/** Longest webhook URL TEAM stores. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Hosts a plain-http webhook may use: this machine only (the local cloud's outbox). */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * A webhook URL TEAM may post to: https (plain http only to a loopback host, for the local
 * cloud), no user name or password, no spaces, at most MAX_WEBHOOK_URL_LENGTH characters.
 */
export function isWebhookUrl(value: string): boolean {
  if (value.length > MAX_WEBHOOK_URL_LENGTH || !/^[\x21-\x7e]+$/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hostname === '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
}
/** A Slack channel name (optionally with #) or channel id. */
export const SLACK_CHANNEL = /^#?[^\s\p{C}#]{1,80}$/u;
/**
 * `eventSource:eventName` or a bare `eventName`, as CloudTrail records them; a trailing `*`
 * matches any suffix (`iam.amazonaws.com:Delete*`, `iam.amazonaws.com:*`, `Delete*`). A bare
 * `*` is refused: it would flag every call.
 */
export const SENSITIVE_ACTION =
  /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*:(?:[A-Za-z][A-Za-z0-9]{0,127}\*?|\*)|[A-Za-z][A-Za-z0-9]{0,127}\*?)$/;
/** Printable text on one line: letters, marks, digits, punctuation, symbols and spaces. */
export const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]+$/u;

export const MAX_TEXT_LENGTH = 2000;
export const MAX_TICKET_LENGTH = 50;
export const MAX_ACCOUNT_NAME_LENGTH = 50;
export const MAX_OU_NAME_LENGTH = 128;
export const MAX_GROUP_NAME_LENGTH = 1024;
/** A policy's name (unique among one principal's eligibility policies). */
export const MAX_POLICY_NAME_LENGTH = 64;
/** Permission sets an approver policy may be scoped to (they make up its id). */
export const MAX_APPROVER_SCOPE = 20;
export const MIN_DURATION_HOURS = 1;
export const MAX_DURATION_HOURS = 8000;
/**
 * How long the OU cache keeps the accounts of an OU (the `ouCacheLifetimeHours` setting): an hour
 * at least, 30 days at most, a week by default (the original's CACHE_TTL).
 */
export const MIN_OU_CACHE_LIFETIME_HOURS = 1;
export const MAX_OU_CACHE_LIFETIME_HOURS = 720;
export const DEFAULT_OU_CACHE_LIFETIME_HOURS = 168;
/** How far in the past a start time may be (clock skew, a slow form submit). */
export const START_TIME_PAST_TOLERANCE_MS = 5 * 60 * 1000;
/** Upper bound of list inputs (accounts, OUs, principals...). */
export const MAX_LIST_ITEMS = 1000;
/**
 * How long after access ends CloudTrail may still deliver the session's events: session logs of
 * an ended session are complete only once this tail is over.
 */
export const SESSION_TAIL_MS = 60 * 60 * 1000;
