import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../core/ports';

/** Random v4 UUIDs (request ids, claim tokens). */
export const uuidIds: IdGenerator = { newId: () => randomUUID() };
