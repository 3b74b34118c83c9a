/**
 * Escaping for the markups notifications are written in. Every value people typed (justification,
 * comments, names, ticket numbers) goes through one of these before it reaches a channel.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}

/**
 * Invisible separator put around Slack's formatting characters: a marker only opens or closes
 * bold/italic/strike/code at a word boundary, and this character is none.
 */
export const ZERO_WIDTH_SPACE = '\u200B';

function mrkdwnPiece(ch: string): string {
  switch (ch) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '*':
    case '_':
    case '~':
    case '`':
      return `${ZERO_WIDTH_SPACE}${ch}${ZERO_WIDTH_SPACE}`;
    default:
      return ch;
  }
}

/**
 * Text that Slack's mrkdwn shows literally: `&`, `<`, `>` become entities, so `<@U123>`,
 * `<!channel>` and `<https://…|x>` cannot mention anyone or hide a link; `*`, `_`, `~` and `` ` ``
 * are fenced with zero-width spaces, so they cannot format. With `max`, the escaped text is cut
 * (whole characters and entities only) to at most `max` characters, ending with "…".
 */
export function escapeMrkdwn(text: string, max = Number.POSITIVE_INFINITY): string {
  let out = '';
  const chars = Array.from(text);
  for (const [i, ch] of chars.entries()) {
    const piece = mrkdwnPiece(ch);
    const last = i === chars.length - 1;
    // Keep room for the ellipsis unless this is the final character.
    if (out.length + piece.length > (last ? max : max - 1)) return `${out}…`;
    out += piece;
  }
  return out;
}

/**
 * The characters Teams' Markdown (in Adaptive Card TextBlocks and FactSets) may read as syntax:
 * emphasis, code, links and images, headings, lists, quotes, tables, HTML and `<at>` mentions,
 * entities, setext underlines.
 */
const TEAMS_MARKDOWN = /[\\`*_~[\]()#+\-.!<>|&=]/g;

/**
 * Text that Teams shows literally in an Adaptive Card TextBlock or FactSet: every Markdown
 * punctuation character is backslash-escaped, so `*bold*`, `[x](https://…)`, `# heading`, `1.`
 * lists, `<at>Everyone</at>` and HTML stay text; `&` too, so `&lt;` is not read as an entity.
 * Teams joins single line breaks, so each one becomes a paragraph break. With `max`, the text is
 * cut to at most `max` characters before escaping, ending with "…".
 */
export function escapeTeamsMarkdown(text: string, max = Number.POSITIVE_INFINITY): string {
  const chars = Array.from(text);
  const cut = chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : text;
  return cut.replace(TEAMS_MARKDOWN, (ch) => `\\${ch}`).replace(/\r\n?|\n|\u2028|\u2029/g, '\n\n');
}
