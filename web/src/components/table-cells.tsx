import Button from '@cloudscape-design/components/button';
import { useState, type CSSProperties } from 'react';
import { useI18n } from '../i18n';
import { formatDateTimeParts, type DateTimeOptions } from '../i18n/format';

/** Text that breaks into lines where the column ends (long words too) instead of being cut. */
export const WRAP: CSSProperties = { whiteSpace: 'normal', overflowWrap: 'anywhere' };

const NO_WRAP: CSSProperties = { whiteSpace: 'nowrap' };

/**
 * A date and time that stays whole: on one line where the column is wide enough, else the date
 * above the time (the line breaks there and nowhere else).
 */
export function DateTimeText(props: {
  value: string | number | Date | null | undefined;
  options?: DateTimeOptions;
  /** Shown when there is no value. */
  empty?: string;
}) {
  const { locale, timeZone } = useI18n();
  const [date, time] = formatDateTimeParts(props.value, locale, timeZone, props.options);
  if (!date) return <>{props.empty ?? ''}</>;
  return (
    <span style={{ whiteSpace: 'normal' }}>
      <span style={NO_WRAP}>{date}</span>
      {time ? (
        <>
          {' '}
          <span style={NO_WRAP}>{time}</span>
        </>
      ) : null}
    </span>
  );
}

/**
 * A person as the tables name them (an email, mostly): where the column is narrow the line
 * breaks before the "@" rather than anywhere in the name.
 */
export function PersonText({ label, empty = '-' }: { label: string; empty?: string }) {
  if (!label) return <>{empty}</>;
  const at = label.indexOf('@');
  if (at <= 0) return <>{label}</>;
  return (
    <>
      {label.slice(0, at)}
      <wbr />
      {label.slice(at)}
    </>
  );
}

/** CJK characters take about twice the width of Latin ones. */
function weight(char: string): number {
  return (char.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
}

/**
 * The start of `text` that fits `budget` (in Latin character widths), cut after a word where
 * one ends near the limit; undefined when all of it fits.
 */
export function excerpt(text: string, budget: number): string | undefined {
  let used = 0;
  let end = 0;
  for (const char of text) {
    used += weight(char);
    if (used > budget) break;
    end += char.length;
  }
  if (end >= text.length) return undefined;
  const space = text.lastIndexOf(' ', end);
  const cut = space > end * 0.6 ? space : end;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/** How much of a long text a table cell shows before "Show more" (about three lines). */
const CELL_BUDGET = 110;

/**
 * Free text of any length in a table cell (justification, comments): wrapped, its line breaks
 * kept; past about three lines an excerpt with "Show more", which shows the rest in place.
 */
export function LongText({ text, empty = '-' }: { text: string | null | undefined; empty?: string }) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  if (!text) return <>{empty}</>;
  const short = excerpt(text, CELL_BUDGET);
  return (
    <span style={{ ...WRAP, whiteSpace: 'pre-line' }}>
      {expanded || short === undefined ? text : short}
      {short === undefined ? null : (
        <>
          {' '}
          <Button variant="inline-link" ariaExpanded={expanded} onClick={() => setExpanded(!expanded)}>
            {expanded ? t('table.showLess') : t('table.showMore')}
          </Button>
        </>
      )}
    </span>
  );
}
