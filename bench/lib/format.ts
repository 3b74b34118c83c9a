/** Plain-text tables for the terminal and Markdown tables for docs/performance.md. */
import type { Cell, Figure, FigureGroup, Section, Table } from './section';

/** A number for people: thousands separators, decimals only where they mean something. */
export function formatNumber(value: number, unit?: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'USD') return `$${value.toFixed(4)}`;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cellText(cell: Cell): string {
  if (cell === null) return '—';
  return typeof cell === 'number' ? formatNumber(cell) : cell;
}

/** ours / original as "0.12×"; "—" when either side is missing. */
export function ratioText(value: number | null, original: number | null | undefined): string {
  if (value === null || original === null || original === undefined) return '—';
  if (original === 0) return value === 0 ? '1×' : 'n/a (orig 0)';
  const r = value / original;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

/** Whether a figure meets its target: "yes", "NO", or "" without a target. */
export function targetMet(f: Figure): string {
  if (!f.target || f.value === null) return '';
  const ok = f.target.strict ? f.value < f.target.max : f.value <= f.target.max;
  return ok ? 'yes' : 'NO';
}

/** The comparison table of a figure group, with the original's sources as footnotes. */
export function figureTable(group: FigureGroup): Table {
  const sources: string[] = [];
  const rows = group.figures.map((f) => {
    let mark = '';
    if (f.originalSource) {
      let i = sources.indexOf(f.originalSource);
      if (i < 0) i = sources.push(f.originalSource) - 1;
      mark = ` [${i + 1}]`;
    }
    const value = f.value === null ? '—' : formatNumber(f.value, f.unit);
    const original =
      f.original === null || f.original === undefined ? '—' : `${formatNumber(f.original, f.unit)}${mark}`;
    const target = f.target ? `${f.target.strict ? '<' : '≤'} ${formatNumber(f.target.max, f.unit)}` : '';
    return [f.label, f.unit, value, original, ratioText(f.value, f.original), target, targetMet(f)];
  });
  return {
    title: group.title,
    columns: ['figure', 'unit', 'ours', 'original', 'ratio', 'target', 'met'],
    rows,
    notes: [...sources.map((s, i) => `[${i + 1}] original: ${s}`), ...(group.notes ?? [])],
  };
}

/** Numbers, and figures already formatted as numbers ("$0.0123", "1,204 [2]", "0.12×"), align right. */
const isNumeric = (cell: Cell) =>
  typeof cell === 'number' || (typeof cell === 'string' && /^[$]?-?[\d,.]+(×| \[\d+\])?$/.test(cell));

/** A table as aligned text (numbers right-aligned). */
export function renderText(table: Table): string {
  const texts = table.rows.map((r) => r.map(cellText));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...texts.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], numeric: boolean[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [`## ${table.title}`, line(table.columns, []), widths.map((w) => '-'.repeat(w)).join('  ')];
  table.rows.forEach((row, i) => out.push(line(texts[i] ?? [], row.map(isNumeric))));
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

/** A table as GitHub Markdown. */
export function renderMarkdown(table: Table, level = '###'): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    `${level} ${table.title}`,
    '',
    `| ${table.columns.map(esc).join(' | ')} |`,
    `|${table.columns.map((_, i) => (table.rows.some((r) => isNumeric(r[i] ?? null)) ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((r) => `| ${r.map((c) => esc(cellText(c))).join(' | ')} |`),
  ];
  if (table.notes?.length) out.push('', ...table.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** Every table of a section, comparisons first, in one format. */
export function sectionTables(section: Section): Table[] {
  return [...section.figures.map(figureTable), ...section.tables];
}

/** A whole section as text for the terminal. */
export function renderSection(section: Section): string {
  const parts = [`# ${section.title}`, ...sectionTables(section).map(renderText)];
  if (section.notes.length) parts.push(section.notes.map((n) => `* ${n}`).join('\n'));
  return parts.join('\n\n');
}

/** A whole section as Markdown. */
export function renderSectionMarkdown(section: Section): string {
  const parts = [`## ${section.title}`, ...sectionTables(section).map((t) => renderMarkdown(t))];
  if (section.notes.length) parts.push(section.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}
