/**
 * The comment of an approve, reject or revoke: free text as for the justification, required
 * only when the settings say so.
 */
import { ValidationError } from '../errors';
import { freeText } from '../input-fields';

const FIELD_LABELS: Readonly<Record<string, string>> = {
  comment: 'Comment',
  decisionComment: 'Comment',
  revokeComment: 'Revoke comment',
  justification: 'Justification',
};

/** "revokeComment" → "Revoke comment". */
function labelOf(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Validates an approver's or revoker's comment: free text as for the justification; required
 * only when `required` (settings.commentsRequired). Returns the trimmed text or undefined.
 * Messages call it `label` (default: from the field's name).
 */
export function validateComment(
  value: unknown,
  options: { required: boolean; field: string; label?: string },
): string | undefined {
  const label = options.label ?? labelOf(options.field);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (options.required) throw new ValidationError(`${label} is required.`, options.field);
    return undefined;
  }
  const result = freeText(label).safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues[0]?.message ?? `${label} is invalid.`, options.field);
}
