/** The audit trail's vocabulary: who acted, and how events are identified and ordered. */
import type { Actor, CallerIdentity } from './types';

/** The actor recorded for something the caller did (from the verified identity only). */
export function actorOf(caller: CallerIdentity): Actor {
  const actor: Actor = { id: caller.userId, email: caller.email };
  if (caller.displayName) actor.name = caller.displayName;
  return actor;
}

/**
 * The id of an audit event: its time, then the request version it produced, so events sort in
 * the order they happened even when two share a millisecond. `tag` distinguishes events that
 * change nothing (e.g. notifications) from the state change of the same version.
 */
export function auditEventId(at: string, version: number, tag?: string): string {
  const base = `${at}#v${String(version).padStart(6, '0')}`;
  return tag ? `${base}#${tag}` : base;
}
