/** The OU ids an admin asks to refresh in the OU account cache (a switch of the settings). */
import { MAX_LIST_ITEMS, OU_OR_ROOT_ID } from '../../contract/patterns';
import { ValidationError } from '../errors';
import { uniqueBy } from '../input-fields';

/**
 * Validates OU ids for cache invalidation: a list, or text separated by commas, spaces or line
 * breaks (the admin page's text area). Each must be an OU id or the root id. De-duplicated.
 */
export function validateOuIds(ids: unknown): string[] {
  let items: unknown[];
  if (typeof ids === 'string') items = ids.split(/[\s,]+/).filter((part) => part !== '');
  else if (Array.isArray(ids)) items = ids;
  else throw new ValidationError('OU ids must be a list of OU or root ids.', 'ouIds');

  if (items.length === 0) throw new ValidationError('Enter at least one OU id.', 'ouIds');
  if (items.length > MAX_LIST_ITEMS)
    throw new ValidationError(`Enter at most ${MAX_LIST_ITEMS} OU ids.`, 'ouIds');
  const result: string[] = [];
  items.forEach((item, index) => {
    const value = typeof item === 'string' ? item.trim() : '';
    if (!OU_OR_ROOT_ID.test(value)) {
      const shown = typeof item === 'string' ? ` "${item.trim().slice(0, 70)}"` : '';
      throw new ValidationError(
        `OU id${shown} must be an OU id (ou-…) or the root id (r-…) (item ${index + 1}).`,
        `ouIds.${index}`,
      );
    }
    result.push(value);
  });
  return uniqueBy(result, (id) => id);
}
