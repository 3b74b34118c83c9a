import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Every message the local cloud sends (SES email, SNS publish, Slack post) lands here, in order,
 * so tests, `npm start` and a UI page can see what people would have received.
 */

interface MessageBase {
  /** Outbox-wide id, unique across channels. */
  id: string;
  /** Position in the outbox (1, 2, …); SSE clients resume with it. */
  seq: number;
  /** ISO time the simulator accepted the message. */
  at: string;
  /** Set once the message was changed after it was sent (Slack's `chat.update`). */
  edited?: { at: string; updates: number };
  /** The earlier values of the fields each update changed, oldest first, with when they were set. */
  history?: { at: string; fields: Record<string, unknown> }[];
}

export interface EmailMessage extends MessageBase {
  channel: 'email';
  messageId: string;
  from: string;
  fromArn?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  configurationSet?: string;
}

export interface SnsAttribute {
  dataType: string;
  stringValue?: string;
  /** Base64. */
  binaryValue?: string;
}

export interface SnsMessage extends MessageBase {
  channel: 'sns';
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  attributes: Record<string, SnsAttribute>;
}

export interface SlackMessage extends MessageBase {
  channel: 'slack';
  method: 'chat.postMessage' | 'chat.postEphemeral';
  ts: string;
  /** The conversation id the message went to (D… for DMs, C… for channels). */
  conversation: string;
  /** The channel name, for channel posts. */
  conversationName?: string;
  /** The user a DM (or ephemeral message) is for. */
  recipient?: { userId: string; email?: string; name?: string };
  /** The person who wrote it, when it was not the bot (the bot cannot edit such a message). */
  author?: string;
  text?: string;
  blocks?: unknown[];
}

/** An Adaptive Card posted to a Teams Workflows webhook. */
export interface TeamsMessage extends MessageBase {
  channel: 'teams';
  /** The webhook's name (the last part of `/teams/webhook/<name>`). */
  webhook: string;
  /** The Adaptive Card (the attachment's `content`). */
  card: unknown;
}

export type OutboxMessage = EmailMessage | SnsMessage | SlackMessage | TeamsMessage;
export type OutboxChannel = OutboxMessage['channel'];
export type MessageOf<C extends OutboxChannel> = Extract<OutboxMessage, { channel: C }>;
type WithoutMeta<T> = T extends OutboxMessage ? Omit<T, 'id' | 'seq' | 'at' | 'edited' | 'history'> : never;
export type OutboxMessageInput = WithoutMeta<OutboxMessage>;
/** The fields an update may change: anything but identity, channel and bookkeeping. */
type PatchOf<T> = T extends OutboxMessage
  ? Partial<Omit<T, 'id' | 'seq' | 'at' | 'channel' | 'edited' | 'history'>>
  : never;
export type OutboxPatch<C extends OutboxChannel = OutboxChannel> = PatchOf<MessageOf<C>>;

export interface ListOptions<C extends OutboxChannel = OutboxChannel> {
  channel?: C;
  /** A sequence number (messages after it) or a time (messages at or after it). */
  since?: number | string | Date;
}

export interface OutboxOptions {
  /** JSON-lines file that keeps the messages across restarts; in memory only when absent. */
  file?: string;
  now?: () => Date;
}

/** The in-memory outbox with an event emitter (`message`, `update`, `clear`). */
export class Outbox {
  private readonly messages: OutboxMessage[] = [];
  private readonly emitter = new EventEmitter();
  private seq = 0;
  private readonly file?: string;
  private readonly now: () => Date;

  constructor(options: OutboxOptions = {}) {
    this.file = options.file;
    this.now = options.now ?? (() => new Date());
    // Several SSE clients may listen at once.
    this.emitter.setMaxListeners(0);
    if (this.file && existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const message = JSON.parse(line) as OutboxMessage;
          // An update is appended as the whole message again: the later line wins.
          const index = this.messages.findIndex((m) => m.id === message.id);
          if (index >= 0) this.messages[index] = message;
          else this.messages.push(message);
          this.seq = Math.max(this.seq, message.seq);
        } catch {
          // A torn last line after a crash is skipped, the rest still loads.
        }
      }
    }
  }

  /** Stores a message, persists it when file-backed, tells listeners, and returns it. */
  add<T extends OutboxMessageInput>(input: T): T & MessageBase {
    this.seq++;
    const message = {
      ...input,
      id: `msg-${this.seq}-${crypto.randomUUID().slice(0, 8)}`,
      seq: this.seq,
      at: this.now().toISOString(),
    };
    this.messages.push(message as OutboxMessage);
    this.persist(message);
    this.emitter.emit('message', message);
    return message;
  }

  private persist(message: unknown): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  /** The message with this outbox id, or the first one the predicate accepts. */
  find(idOrPredicate: string | ((message: OutboxMessage) => boolean)): OutboxMessage | undefined {
    const match =
      typeof idOrPredicate === 'string' ? (m: OutboxMessage) => m.id === idOrPredicate : idOrPredicate;
    return this.messages.find(match);
  }

  /**
   * Changes fields of a stored message (Slack's `chat.update`): keeps what they were in `history`,
   * marks it `edited`, persists it, tells `update` listeners, and returns the new message (undefined
   * when no message has that id). Id, sequence number and arrival time stay.
   */
  update<C extends OutboxChannel>(id: string, patch: OutboxPatch<C>): MessageOf<C> | undefined {
    const index = this.messages.findIndex((m) => m.id === id);
    const current = this.messages[index];
    if (!current) return undefined;
    const before: Record<string, unknown> = {};
    const fields = current as unknown as Record<string, unknown>;
    for (const key of Object.keys(patch)) before[key] = fields[key];
    const at = this.now().toISOString();
    const updated = {
      ...current,
      ...patch,
      edited: { at, updates: (current.edited?.updates ?? 0) + 1 },
      history: [...(current.history ?? []), { at: current.edited?.at ?? current.at, fields: before }],
    } as OutboxMessage;
    this.messages[index] = updated;
    this.persist(updated);
    this.emitter.emit('update', updated);
    return updated as MessageOf<C>;
  }

  /** Messages in arrival order, optionally of one channel and after a point. */
  list<C extends OutboxChannel = OutboxChannel>(options: ListOptions<C> = {}): MessageOf<C>[] {
    const { channel, since } = options;
    let sinceSeq = 0;
    let sinceTime: number | undefined;
    if (typeof since === 'number') sinceSeq = since;
    else if (since !== undefined) sinceTime = new Date(since).getTime();
    return this.messages.filter(
      (m): m is MessageOf<C> =>
        (channel === undefined || m.channel === channel) &&
        m.seq > sinceSeq &&
        (sinceTime === undefined || Date.parse(m.at) >= sinceTime),
    );
  }

  get size(): number {
    return this.messages.length;
  }

  /** The sequence number of the latest message (0 when none yet). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Forgets every message (and truncates the file); sequence numbers keep counting up. */
  clear(): void {
    this.messages.length = 0;
    if (this.file && existsSync(this.file)) writeFileSync(this.file, '');
    this.emitter.emit('clear');
  }

  on(event: 'message' | 'update', listener: (message: OutboxMessage) => void): () => void;
  on(event: 'clear', listener: () => void): () => void;
  /** Subscribes; returns the function that unsubscribes. */
  on(event: 'message' | 'update' | 'clear', listener: (message: OutboxMessage) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Resolves with the first message (after now) that matches, e.g. in tests and e2e. */
  waitFor(predicate: (message: OutboxMessage) => boolean, timeoutMs = 10_000): Promise<OutboxMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`No matching outbox message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on('message', (message) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        off();
        resolve(message);
      });
    });
  }
}
