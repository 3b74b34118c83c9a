/**
 * CSV export (RFC 4180) that is safe to open in a spreadsheet: text cells that a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or carriage return) get a leading
 * apostrophe, and cells with quotes, commas or line breaks are quoted.
 */
import { downloadText } from './download';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, escaped and guarded. Numbers and booleans are data, never formulas. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text) || text !== text.trim()) {
    // Line breaks inside a cell end in CRLF too: one line-end convention for the whole file.
    return `"${text.replace(/"/g, '""').replace(/\r\n|\r|\n/g, '\r\n')}"`;
  }
  return text;
}

/** A whole document: header row, then one row per record, every line end CRLF (RFC 4180). */
export function toCsv(headers: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A column of a CSV export. */
export interface CsvColumn<T> {
  header: string;
  value: (item: T) => CsvValue;
}

/** The CSV of items by columns. */
export function itemsToCsv<T>(columns: readonly CsvColumn<T>[], items: readonly T[]): string {
  return toCsv(
    columns.map((c) => c.header),
    items.map((item) => columns.map((c) => c.value(item))),
  );
}

/**
 * Makes the browser download a CSV. The byte order mark lets spreadsheet apps read UTF-8
 * (Japanese justifications) correctly.
 */
export function downloadCsv(filename: string, csv: string): void {
  downloadText(filename, `\uFEFF${csv}`, 'text/csv');
}
