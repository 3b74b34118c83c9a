/**
 * The input of `markSessionReviewed`: which session (its request id) and the auditor's comment,
 * which is required. Field names are those of the GraphQL `MarkSessionReviewedInput`.
 */
import { z } from 'zod';
import { REQUEST_ID } from '../requests/read-requests';
import { freeText, parseInput, patterned } from '../input-fields';

export interface ValidMarkSessionReviewed {
  requestId: string;
  comment: string;
}

const markSessionReviewedSchema = z.object({
  requestId: patterned('Request id', REQUEST_ID, 'a request id'),
  comment: z.preprocess((value) => value ?? '', freeText('Comment')),
});

/** Validates the input of `markSessionReviewed`: a request id and a comment (free text, required). */
export function validateMarkSessionReviewed(input: unknown): ValidMarkSessionReviewed {
  return parseInput(markSessionReviewedSchema, input, 'The input');
}
