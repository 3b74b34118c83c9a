/**
 * Inline form validation with the shared contract's patterns and limits
 * (`lambdas/contract/patterns.ts`), so people see problems before submitting; the server checks
 * everything again and its message wins.
 */
import type { Translate } from '../i18n';

export {
  MAX_TEXT_LENGTH,
  MAX_TICKET_LENGTH,
  MIN_DURATION_HOURS,
  MAX_DURATION_HOURS,
  MAX_POLICY_NAME_LENGTH,
  MAX_APPROVER_SCOPE,
  OU_ID,
  ROOT_ID,
  EMAIL,
  SES_IDENTITY_ARN,
  SLACK_TOKEN,
  SLACK_SIGNING_SECRET,
  SLACK_CHANNEL,
  SENSITIVE_ACTION,
  isWebhookUrl,
} from '../../../lambdas/contract/patterns';
import {
  MAX_TEXT_LENGTH,
  MAX_TICKET_LENGTH,
  OU_ID,
  ROOT_ID,
  PRINTABLE,
} from '../../../lambdas/contract/patterns';

const codePoints = (value: string): number => [...value].length;
const CONTROL = /\p{Cc}/u;

/**
 * Free text (justification, comments): any language, line breaks and tabs allowed, 1–2,000
 * characters once trimmed. Returns the problem, or undefined when fine.
 */
export function checkFreeText(
  value: string,
  options: { required: boolean; t: Translate; max?: number },
): string | undefined {
  const { t } = options;
  const max = options.max ?? MAX_TEXT_LENGTH;
  const trimmed = value.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') return options.required ? t('validation.required') : undefined;
  const length = codePoints(trimmed);
  if (length > max)
    return t('validation.tooLong', { max: max.toLocaleString(), length: length.toLocaleString() });
  if (CONTROL.test(trimmed.replace(/[\n\t]/g, ''))) return t('validation.controlCharacters');
  return undefined;
}

/** A ticket number: required when the settings say so, ≤ 50 characters, starts with a letter or digit. */
export function checkTicket(value: string, required: boolean, t: Translate): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return required ? t('validation.ticketRequired') : undefined;
  if (codePoints(trimmed) > MAX_TICKET_LENGTH) {
    return t('validation.tooLong', { max: MAX_TICKET_LENGTH, length: codePoints(trimmed) });
  }
  if (!/^[\p{L}\p{N}]/u.test(trimmed)) return t('validation.ticketStart');
  if (CONTROL.test(trimmed)) return t('validation.singleLine');
  return undefined;
}

/** A whole number of hours typed in an input, within bounds. */
export function checkHours(value: string, min: number, max: number, t: Translate): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return t('validation.required');
  if (!/^\d+$/.test(trimmed)) return t('validation.wholeHours');
  const hours = Number(trimmed);
  if (hours < min) return t('validation.hoursMin', { min });
  if (hours > max) return t('validation.hoursMax', { max });
  return undefined;
}

/** Optional single-line printable text (group names), at most `max` characters. */
export function checkPrintable(value: string, max: number, t: Translate): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (codePoints(trimmed) > max) return t('validation.tooLong', { max, length: codePoints(trimmed) });
  if (!PRINTABLE.test(trimmed)) return t('validation.singleLine');
  return undefined;
}

/** Splits the OU-cache textarea (newlines, commas or spaces) into ids and the ones that are not valid. */
export function parseOuIds(text: string): { ids: string[]; invalid: string[] } {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const ids = [...new Set(parts)];
  return { ids, invalid: ids.filter((id) => !OU_ID.test(id) && !ROOT_ID.test(id)) };
}

/** Whether an id names an account (12 digits) rather than an OU or the root. */
export function isAccountId(id: string): boolean {
  return /^\d{12}$/.test(id);
}
