import { describe, expect, it } from 'vitest';
import { validateOuIds } from '../../../lambdas/core/settings/ou-cache-input';
import { bad, check, type Outcome, ok } from '../fixtures';

describe('validateOuIds', () => {
  const cases: [string, unknown, Outcome][] = [
    ['a list', ['ou-ab12-abcdefgh', 'r-ab12'], ok()],
    ['text separated by commas and lines', 'ou-ab12-abcdefgh,\nr-ab12  ou-ab12-abcdefgh', ok()],
    ['an empty list', [], bad('ouIds', 'Enter at least one OU id.')],
    ['blank text', ' \n ', bad('ouIds', 'Enter at least one OU id.')],
    ['not a list', 12, bad('ouIds', 'OU ids must be a list of OU or root ids.')],
    [
      'a malformed id',
      ['r-ab12', 'ou-xyz'],
      bad('ouIds.1', 'OU id "ou-xyz" must be an OU id (ou-…) or the root id (r-…) (item 2).'),
    ],
    [
      'a number in the list',
      [5],
      bad('ouIds.0', 'OU id must be an OU id (ou-…) or the root id (r-…) (item 1).'),
    ],
    [
      'too many ids',
      Array.from({ length: 1001 }, () => 'r-ab12'),
      bad('ouIds', 'Enter at most 1000 OU ids.'),
    ],
  ];
  it.each(cases)('%s', (_name, input, outcome) => check(() => validateOuIds(input), outcome));

  it('returns trimmed, de-duplicated ids', () => {
    expect(validateOuIds('ou-ab12-abcdefgh,\nr-ab12  ou-ab12-abcdefgh')).toEqual([
      'ou-ab12-abcdefgh',
      'r-ab12',
    ]);
    expect(validateOuIds([' r-ab12 '])).toEqual(['r-ab12']);
  });
});
