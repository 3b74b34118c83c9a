/**
 * The input of `reconcileNow`: an optional reason, kept in the reconciler's log with the admin
 * who asked. Field names are those of the GraphQL `ReconcileNowInput`.
 */
import { z } from 'zod';
import { freeText, parseInput } from '../input-fields';

export interface ValidReconcileNow {
  reason?: string;
}

const blankToNothing = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : (value ?? undefined);

const reconcileNowSchema = z.object({
  reason: z.preprocess(blankToNothing, freeText('Reason').optional()),
});

/** Validates the input of `reconcileNow`: a reason is optional, and free text when given. */
export function validateReconcileNow(input: unknown): ValidReconcileNow {
  const parsed = parseInput(reconcileNowSchema, input, 'The input');
  return parsed.reason === undefined ? {} : { reason: parsed.reason };
}
