import { describe, expect, it } from 'vitest';
import { csvCell, itemsToCsv, toCsv } from '../../../web/src/components/csv';

describe('CSV export', () => {
  it('quotes cells with commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('cr\r')).toBe('"cr\r\n"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('日本語の理由')).toBe('日本語の理由');
  });

  it('neutralizes cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    // Numbers are data: a negative number stays a number.
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(true)).toBe('true');
  });

  it('ends every line with CRLF, line breaks inside cells included', () => {
    const csv = toCsv(
      ['Justification', 'Comment'],
      [
        ['first\nsecond', 'a\r\nb\rc'],
        ['one line', ''],
      ],
    );
    expect(csv).toBe('Justification,Comment\r\n"first\r\nsecond","a\r\nb\r\nc"\r\none line,\r\n');
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('builds a document with a header row and CRLF line ends', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x,y'],
          ['=1', null],
        ],
      ),
    ).toBe('a,b\r\n1,"x,y"\r\n\'=1,\r\n');
    const items = [{ name: 'Prod', hours: 2 }];
    expect(
      itemsToCsv(
        [
          { header: 'Name', value: (i: (typeof items)[number]) => i.name },
          { header: 'Hours', value: (i: (typeof items)[number]) => i.hours },
        ],
        items,
      ),
    ).toBe('Name,Hours\r\nProd,2\r\n');
  });
});
