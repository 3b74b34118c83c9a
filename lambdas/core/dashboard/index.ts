/**
 * The dashboard: counters of what elevated access is used for, kept as requests move
 * (`record.ts`), read for a range of days (`read.ts`) and rebuilt from the stored data
 * (`rebuild.ts`), all from the events a request's state implies (`events.ts`).
 */
export * from './events';
export * from './ports';
export * from './fold';
export * from './record';
export * from './read';
export * from './rebuild';
