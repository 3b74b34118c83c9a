/**
 * Finds table cells whose text is cut off in the browser: a box that clips its content (overflow
 * other than visible, or an ellipsis) holding more text than it shows, with no way offered to read
 * the rest (a title with the text, an expand button). Tables and their parts are found through
 * Cloudscape's test-utils selectors, never by CSS class.
 */
import createWrapper from '@cloudscape-design/components/test-utils/selectors';
import TableWrapper from '@cloudscape-design/components/test-utils/selectors/table';
import type { Page } from 'playwright-core';

/** One cut cell (or column header): the table's name, the column's header, the cell's text. */
export interface CutCell {
  table: string;
  column: string;
  text: string;
}

export interface TableScan {
  cut: CutCell[];
  /** The column header of every body cell looked at (one entry per cell). */
  checked: string[];
}

/** The little of the DOM the scan uses (the test code is typed without the DOM library). */
interface Box {
  readonly textContent: string | null;
  readonly offsetParent: unknown;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly children: Iterable<Box>;
  readonly lastElementChild: Box | null;
  matches(selector: string): boolean;
  querySelector(selector: string): Box | null;
  querySelectorAll(selector: string): Iterable<Box>;
  getAttribute(name: string): string | null;
}

interface InPage {
  document: Box & { createElement(tag: string): Box & ProbeBox };
  getComputedStyle(box: Box): { overflowX: string; overflowY: string; textOverflow: string };
}

interface ProbeBox {
  title: string;
  textContent: string | null;
  style: { cssText: string };
  setAttribute(name: string, value: string): void;
  append(child: Box): void;
  remove(): void;
}

const SELECTORS = (() => {
  const table = new TableWrapper(':scope');
  return {
    tables: createWrapper().findAllTables().toSelector(),
    headers: table.findColumnHeaders().toSelector(),
    rows: table.findRows().toSelector(),
  };
})();

/** Scans every table on the page. */
export function scanTables(page: Page): Promise<TableScan> {
  return page.evaluate((s) => {
    const { document, getComputedStyle } = globalThis as unknown as InPage;
    const clipped = (cell: Box): boolean =>
      [cell, ...cell.querySelectorAll('*')].some((box) => {
        // Only shown boxes with text in them (not the column resizers, icons, focus rings).
        if (box.offsetParent === null || (box.textContent ?? '').trim() === '') return false;
        const style = getComputedStyle(box);
        const clipsX = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
        const clipsY = style.overflowY !== 'visible';
        return (
          (clipsX && box.scrollWidth > box.clientWidth + 1) ||
          (clipsY && box.scrollHeight > box.clientHeight + 1)
        );
      });
    const readable = (cell: Box): boolean =>
      cell.matches('[title]') || cell.querySelector('[title], [aria-expanded]') !== null;
    const cut: CutCell[] = [];
    const checked: string[] = [];
    for (const root of document.querySelectorAll(s.tables)) {
      const name =
        root.querySelector('table')?.getAttribute('aria-label') ??
        root.querySelector('h1, h2, h3')?.textContent ??
        '';
      const headers = [...root.querySelectorAll(s.headers)];
      const columns = headers.map((h) => (h.textContent ?? '').trim());
      headers.forEach((header, index) => {
        const column = columns[index];
        if (column && clipped(header) && !readable(header)) {
          cut.push({ table: name, column: `${column} (header)`, text: column });
        }
      });
      for (const row of root.querySelectorAll(s.rows)) {
        [...row.children].forEach((cell, index) => {
          const column = columns[index];
          if (!column) return; // the selection column
          checked.push(column);
          if (clipped(cell) && !readable(cell)) {
            cut.push({ table: name, column, text: (cell.textContent ?? '').trim() });
          }
        });
      }
    }
    return { cut, checked };
  }, SELECTORS);
}

/**
 * Puts `text` into the last cell of the first table row, in a box 40 px wide that cuts it (with
 * the text as its title when `title`), replacing the one put there before; `undefined` removes it.
 * Shows that `scanTables` finds what it looks for.
 */
export async function cutOnPurpose(page: Page, text: string | undefined, title = false): Promise<void> {
  await page.evaluate(
    ({ s, text, title }) => {
      const { document } = globalThis as unknown as InPage;
      (document.querySelector('[data-cut-on-purpose]') as ProbeBox | null)?.remove();
      if (text === undefined) return;
      const cell = document.querySelector(s.tables)?.querySelector(s.rows)?.lastElementChild;
      const box = document.createElement('div');
      box.setAttribute('data-cut-on-purpose', '');
      box.style.cssText = 'overflow: hidden; white-space: nowrap; width: 40px';
      box.textContent = text;
      if (title) box.title = text;
      (cell as unknown as ProbeBox | undefined)?.append(box);
    },
    { s: SELECTORS, text, title },
  );
}
