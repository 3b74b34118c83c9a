import { describe, expect, it } from 'vitest';
import * as core from '../../lambdas/core';

describe('core index', () => {
  it('re-exports the rules', () => {
    for (const name of [
      'nextStatus',
      'TRANSITIONS',
      'phaseOf',
      'resolveEligibility',
      'findEligibility',
      'resolveApprovers',
      'requireApprovers',
      'validateCreateRequest',
      'validateComment',
      'validateSettingsInput',
      'validateOuIds',
      'authorize',
      'isAllowed',
      'relationOf',
      'DEFAULT_SETTINGS',
      'effectiveSettings',
      'applySettingsInput',
      'ValidationError',
      'REQUEST_STATUSES',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
  });
});
