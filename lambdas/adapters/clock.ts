import type { Clock } from '../core/ports';

/** The real time. Use cases take a Clock so tests can fix it; handlers wire this one. */
export const systemClock: Clock = { now: () => new Date() };
