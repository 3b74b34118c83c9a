import { describe, expect, it } from 'vitest';
import { validateComment } from '../../../lambdas/core/requests/decision-input';
import { bad, check, type Outcome } from '../fixtures';

describe('validateComment', () => {
  const cases: [string, unknown, { required: boolean; field: string }, Outcome | undefined][] = [
    [
      'required and missing',
      undefined,
      { required: true, field: 'comment' },
      bad('comment', 'Comment is required.'),
    ],
    [
      'required and blank',
      '  ',
      { required: true, field: 'revokeComment' },
      bad('revokeComment', 'Revoke comment is required.'),
    ],
    ['optional and missing', undefined, { required: false, field: 'comment' }, undefined],
    ['optional and null', null, { required: false, field: 'comment' }, undefined],
    ['trimmed', '  looks good ', { required: true, field: 'comment' }, { ok: true }],
    ['Japanese', '承認します', { required: true, field: 'comment' }, { ok: true }],
    [
      '2,001 characters',
      'y'.repeat(2001),
      { required: false, field: 'comment' },
      bad('comment', /at most 2,000/),
    ],
    [
      'a control character',
      'ok\u0000',
      { required: false, field: 'comment' },
      bad('comment', 'Comment must not contain control characters.'),
    ],
    ['not text', 7, { required: false, field: 'comment' }, bad('comment', 'Comment must be text.')],
    [
      'an unknown field named in words',
      undefined,
      { required: true, field: 'decisionNote' },
      bad('decisionNote', 'Decision note is required.'),
    ],
  ];
  it.each(cases)('%s', (_name, value, options, outcome) => {
    if (outcome === undefined) expect(validateComment(value, options)).toBeUndefined();
    else check(() => validateComment(value, options), outcome);
  });

  it('returns the trimmed text', () => {
    expect(validateComment('  looks good ', { required: true, field: 'comment' })).toBe('looks good');
    expect(validateComment('承認します', { required: true, field: 'comment' })).toBe('承認します');
  });
});
