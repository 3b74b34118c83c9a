import {
  completeEvent,
  generateSessionActivity,
  type CloudTrailEvent,
  type CloudTrailEventInput,
  type SessionActivityOptions,
} from './events';

/** The events of the local event data store, in insertion order. */
export class CloudTrailEventStore {
  private readonly events: CloudTrailEvent[] = [];
  private byteCount = 0;

  /** Adds events (missing fields get defaults) and returns them as stored. */
  addEvents(inputs: readonly CloudTrailEventInput[]): CloudTrailEvent[] {
    const added = inputs.map(completeEvent);
    for (const event of added) {
      this.events.push(event);
      this.byteCount += Buffer.byteLength(JSON.stringify(event));
    }
    return added;
  }

  /** Generates and stores realistic API activity of one IdC session (see `generateSessionActivity`). */
  recordSessionActivity(options: SessionActivityOptions): CloudTrailEvent[] {
    return this.addEvents(generateSessionActivity(options));
  }

  all(): readonly CloudTrailEvent[] {
    return this.events;
  }

  get size(): number {
    return this.events.length;
  }

  /** Serialized size of all events, reported as BytesScanned. */
  get bytes(): number {
    return this.byteCount;
  }

  clear(): void {
    this.events.length = 0;
    this.byteCount = 0;
  }
}
