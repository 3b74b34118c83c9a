import { describe, expect, it } from 'vitest';
import { csvCell, sessionLogsCsv, type ClassifiedSessionLogRow } from '../../../lambdas/core/session-logs';
import { aRow } from './fakes';

const classified = (overrides: Partial<ClassifiedSessionLogRow> = {}): ClassifiedSessionLogRow => ({
  ...aRow(),
  readOnly: true,
  sensitive: false,
  ...overrides,
});

/** Splits CSV text into records and cells (RFC 4180), to check what a spreadsheet would read. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return records;
}

describe('sessionLogsCsv', () => {
  it('writes a header and one CRLF-terminated line per row', () => {
    const csv = sessionLogsCsv([
      classified({ errorCode: 'AccessDenied' }),
      classified({ eventId: 'e-2', readOnly: false, sensitive: true }),
    ]);
    expect(csv).toBe(
      'Event ID,Event time,Event name,Event source,Account,User,Read-only,Source IP,Error code,Sensitive\r\n' +
        'e-1,2026-03-02T09:10:00.000Z,DescribeInstances,ec2.amazonaws.com,333333333331,alice@example.com,true,198.51.100.7,AccessDenied,false\r\n' +
        'e-2,2026-03-02T09:10:00.000Z,DescribeInstances,ec2.amazonaws.com,333333333331,alice@example.com,false,198.51.100.7,,true\r\n',
    );
  });

  it('is only a header without rows', () => {
    expect(parseCsv(sessionLogsCsv([]))).toHaveLength(1);
  });

  it('quotes cells with quotes, commas and line breaks so they read back unchanged', () => {
    const tricky = 'Mozilla/5.0 (X11, "Linux")\nline two\r\nthree';
    const csv = sessionLogsCsv([classified({ userAgent: 'ignored', eventName: tricky, sourceIp: 'a,b' })]);
    const [, row] = parseCsv(csv);
    expect(row?.[2]).toBe(tricky);
    expect(row?.[7]).toBe('a,b');
    expect(row).toHaveLength(10);
  });

  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['AWS Internal', 'AWS Internal'],
    ['a=b', 'a=b'],
  ])('guards %j against formula injection as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('guards every column, including ones an attacker controls such as the error code', () => {
    const csv = sessionLogsCsv([classified({ errorCode: '=cmd|" /C calc"!A0', eventName: '@x' })]);
    const [, row] = parseCsv(csv);
    expect(row?.[2]).toBe("'@x");
    expect(row?.[8]).toBe(`'=cmd|" /C calc"!A0`);
  });

  it('leaves missing values empty', () => {
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('false');
  });
});
