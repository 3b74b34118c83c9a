/**
 * The session logs as a CSV download (RFC 4180), safe to open in a spreadsheet: values that a
 * spreadsheet would run as a formula are prefixed with an apostrophe.
 */
import type { ClassifiedSessionLogRow } from './classify';

const COLUMNS: readonly [string, (row: ClassifiedSessionLogRow) => string | boolean | undefined][] = [
  ['Event ID', (r) => r.eventId],
  ['Event time', (r) => r.eventTime],
  ['Event name', (r) => r.eventName],
  ['Event source', (r) => r.eventSource],
  ['Account', (r) => r.accountId],
  ['User', (r) => r.userName],
  ['Read-only', (r) => r.readOnly],
  ['Source IP', (r) => r.sourceIp],
  ['Error code', (r) => r.errorCode],
  ['Sensitive', (r) => r.sensitive],
];

/** Characters that make spreadsheets treat a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula guard first, then quoted when it holds a quote, comma or line break. */
export function csvCell(value: string | boolean | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text with a header line, CRLF line ends. */
export function sessionLogsCsv(rows: readonly ClassifiedSessionLogRow[]): string {
  const lines = [COLUMNS.map(([header]) => csvCell(header)).join(',')];
  for (const row of rows) lines.push(COLUMNS.map(([, get]) => csvCell(get(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
