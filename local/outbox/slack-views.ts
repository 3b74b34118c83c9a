import { EventEmitter } from 'node:events';
import {
  APP_ID,
  BOT_ID,
  isObject,
  randomHex,
  randomSlackId,
  SlackApiError,
  TEAM_ID,
  type Json,
} from './slack-common';

/**
 * Modals of the Slack stub: the trigger ids the interaction simulator hands out (each one good for
 * one `views.open` within a few seconds, as Slack's are), the views people have open, and the
 * checks Slack makes on a view payload.
 */

/** A modal as Slack returns it from `views.open` / `views.update` and sends it in payloads. */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal';
  title: Json;
  submit?: Json;
  close?: Json;
  blocks: Json[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, Json>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  previous_view_id: string | null;
  root_view_id: string;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

/** A view open in someone's Slack client, with the field errors the app last answered. */
export interface OpenView {
  view: SlackView;
  userId: string;
  openedAt: string;
  errors?: Record<string, string>;
}

export interface ViewEvent {
  action: 'open' | 'update' | 'close';
  userId: string;
  view: SlackView;
  errors?: Record<string, string>;
}

/** Slack's limits on a modal. */
export const VIEW_LIMITS = {
  titleChars: 24,
  buttonChars: 24,
  blocks: 100,
  privateMetadataChars: 3000,
  callbackIdChars: 255,
  externalIdChars: 255,
  blockIdChars: 255,
  actionIdChars: 255,
  labelChars: 2000,
  viewBytes: 250_000,
} as const;

/** How long a trigger id stays good by default: Slack's 3 seconds. */
export const DEFAULT_TRIGGER_VALIDITY_MS = 3000;
/** Trigger ids older than this are forgotten (and then answer `invalid_trigger_id`). */
const TRIGGER_MEMORY_MS = 10 * 60_000;
const TRIGGER_FORMAT = /^\d+\.\d+\.[0-9a-f]+$/;

type ViewFields = Omit<
  SlackView,
  | 'id'
  | 'team_id'
  | 'state'
  | 'hash'
  | 'previous_view_id'
  | 'root_view_id'
  | 'app_id'
  | 'app_installed_team_id'
  | 'bot_id'
>;

/**
 * Checks a view payload (an object or its JSON) the way Slack does and returns its fields, block
 * ids and action ids filled in where missing. Throws `invalid_arguments` (with Slack-style messages
 * naming the JSON pointer) or `view_too_large`.
 */
export function readView(value: unknown): ViewFields {
  let raw = value;
  if (typeof value === 'string') {
    if (value.length > VIEW_LIMITS.viewBytes) throw new SlackApiError('view_too_large');
    try {
      raw = JSON.parse(value);
    } catch {
      throw new SlackApiError('invalid_arguments', [
        '[ERROR] failed to parse view JSON [json-pointer:/view]',
      ]);
    }
  } else if (JSON.stringify(value ?? null).length > VIEW_LIMITS.viewBytes) {
    throw new SlackApiError('view_too_large');
  }
  const problems: string[] = [];
  const problem = (pointer: string, what: string) =>
    problems.push(`[ERROR] ${what} [json-pointer:/view${pointer}]`);
  if (!isObject(raw)) throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);

  const plainText = (pointer: string, text: unknown, max: number, required: boolean) => {
    if (text === undefined) {
      if (required) problem(pointer, 'missing required field');
      return;
    }
    if (!isObject(text) || text.type !== 'plain_text') problem(pointer, 'must be a plain_text object');
    else if (typeof text.text !== 'string' || text.text === '')
      problem(`${pointer}/text`, 'must not be empty');
    else if (text.text.length > max) problem(`${pointer}/text`, `must be at most ${max} characters`);
  };
  const optionalString = (pointer: string, field: unknown, max: number) => {
    if (field === undefined) return '';
    if (typeof field !== 'string') problem(pointer, 'must be a string');
    else if (field.length > max) problem(pointer, `must be less than ${max + 1} characters`);
    return typeof field === 'string' ? field : '';
  };

  if (raw.type !== 'modal') problem('/type', 'must be "modal"');
  plainText('/title', raw.title, VIEW_LIMITS.titleChars, true);
  plainText('/submit', raw.submit, VIEW_LIMITS.buttonChars, false);
  plainText('/close', raw.close, VIEW_LIMITS.buttonChars, false);
  const privateMetadata = optionalString(
    '/private_metadata',
    raw.private_metadata,
    VIEW_LIMITS.privateMetadataChars,
  );
  const callbackId = optionalString('/callback_id', raw.callback_id, VIEW_LIMITS.callbackIdChars);
  const externalId = optionalString('/external_id', raw.external_id, VIEW_LIMITS.externalIdChars);

  const blocks: Json[] = [];
  if (!Array.isArray(raw.blocks)) problem('/blocks', 'must be an array');
  else if (raw.blocks.length > VIEW_LIMITS.blocks)
    problem('/blocks', `must have at most ${VIEW_LIMITS.blocks} items`);
  else {
    const blockIds = new Set<string>();
    for (const [i, block] of raw.blocks.entries()) {
      const at = `/blocks/${i}`;
      if (!isObject(block) || typeof block.type !== 'string' || block.type === '') {
        problem(at, 'missing required field: type');
        continue;
      }
      const blockId = block.block_id === undefined ? randomHex(3) : block.block_id;
      if (typeof blockId !== 'string' || blockId === '' || blockId.length > VIEW_LIMITS.blockIdChars)
        problem(`${at}/block_id`, `must be a string of 1 to ${VIEW_LIMITS.blockIdChars} characters`);
      else if (blockIds.has(blockId)) problem(`${at}/block_id`, `duplicate block_id ${blockId}`);
      else blockIds.add(blockId);
      const copy: Json = { ...block, block_id: blockId };
      if (block.type === 'input') {
        plainText(`${at}/label`, block.label, VIEW_LIMITS.labelChars, true);
        plainText(`${at}/hint`, block.hint, VIEW_LIMITS.labelChars, false);
        const element = block.element;
        if (!isObject(element) || typeof element.type !== 'string') {
          problem(`${at}/element`, 'missing required field: element');
        } else {
          const actionId = element.action_id === undefined ? randomHex(3) : element.action_id;
          if (typeof actionId !== 'string' || actionId === '' || actionId.length > VIEW_LIMITS.actionIdChars)
            problem(`${at}/element/action_id`, 'must be a non-empty string');
          copy.element = { ...element, action_id: actionId };
        }
      }
      blocks.push(copy);
    }
    if (blocks.some((b) => b.type === 'input') && raw.submit === undefined)
      problem('/submit', 'must be provided when the view has input blocks');
  }
  const flag = (pointer: string, field: unknown) => {
    if (field !== undefined && typeof field !== 'boolean') problem(pointer, 'must be a boolean');
    return field === true;
  };
  const clearOnClose = flag('/clear_on_close', raw.clear_on_close);
  const notifyOnClose = flag('/notify_on_close', raw.notify_on_close);
  if (problems.length > 0) throw new SlackApiError('invalid_arguments', problems);
  return {
    type: 'modal',
    title: raw.title as Json,
    ...(raw.submit === undefined ? {} : { submit: raw.submit as Json }),
    ...(raw.close === undefined ? {} : { close: raw.close as Json }),
    blocks,
    private_metadata: privateMetadata,
    callback_id: callbackId,
    external_id: externalId,
    clear_on_close: clearOnClose,
    notify_on_close: notifyOnClose,
  };
}

interface Trigger {
  userId: string;
  issuedAt: number;
  exchanged: boolean;
  viewId?: string;
}

export interface SlackViewsOptions {
  /** How long a trigger id can open a view (ms); Slack's 3 s by default. */
  triggerValidityMs?: number;
  now?: () => number;
}

/** Trigger ids and open views, per user; emits `view` events (open, update, close). */
export class SlackViews {
  /** How long a trigger id can open a view (ms); a knob, so a slow machine can be given longer. */
  triggerValidityMs: number;
  private readonly now: () => number;
  private readonly triggers = new Map<string, Trigger>();
  private readonly views = new Map<string, OpenView>();
  private readonly emitter = new EventEmitter();
  private counter = 0;

  constructor(options: SlackViewsOptions = {}) {
    this.triggerValidityMs = options.triggerValidityMs ?? DEFAULT_TRIGGER_VALIDITY_MS;
    this.now = options.now ?? Date.now;
    this.emitter.setMaxListeners(0);
  }

  /** A fresh trigger id for an interaction of `userId` (`<digits>.<digits>.<hex>` like Slack's). */
  issueTrigger(userId: string): string {
    const now = this.now();
    for (const [id, trigger] of this.triggers)
      if (now - trigger.issuedAt > TRIGGER_MEMORY_MS) this.triggers.delete(id);
    const id = `${Math.floor(now / 1000)}${String(++this.counter).padStart(4, '0')}.1122334455.${randomHex(16)}`;
    this.triggers.set(id, { userId, issuedAt: now, exchanged: false });
    return id;
  }

  /** The view opened with this trigger id, while it is open. */
  viewOpenedWith(triggerId: string): OpenView | undefined {
    const viewId = this.triggers.get(triggerId)?.viewId;
    return viewId ? this.views.get(viewId) : undefined;
  }

  private exchange(triggerId: unknown): Trigger {
    if (typeof triggerId !== 'string' || triggerId === '')
      throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    const trigger = TRIGGER_FORMAT.test(triggerId) ? this.triggers.get(triggerId) : undefined;
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.exchanged) throw new SlackApiError('exchanged_trigger_id');
    if (this.now() - trigger.issuedAt > this.triggerValidityMs) throw new SlackApiError('expired_trigger_id');
    trigger.exchanged = true;
    return trigger;
  }

  private checkExternalId(externalId: string, ownViewId?: string): void {
    if (!externalId) return;
    for (const open of this.views.values())
      if (open.view.external_id === externalId && open.view.id !== ownViewId)
        throw new SlackApiError('duplicate_external_id');
  }

  private hash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomHex(4)}`;
  }

  /** `views.open`: exchanges the trigger and opens the view for its user (replacing theirs). */
  open(triggerId: unknown, rawView: unknown): SlackView {
    const fields = readView(rawView);
    this.checkExternalId(fields.external_id);
    const trigger = this.exchange(triggerId);
    for (const open of this.list()) if (open.userId === trigger.userId) this.close(open.view.id);
    const id = randomSlackId('V');
    const view: SlackView = {
      id,
      team_id: TEAM_ID,
      ...fields,
      state: { values: {} },
      hash: this.hash(),
      previous_view_id: null,
      root_view_id: id,
      app_id: APP_ID,
      app_installed_team_id: TEAM_ID,
      bot_id: BOT_ID,
    };
    trigger.viewId = id;
    const open: OpenView = { view, userId: trigger.userId, openedAt: new Date(this.now()).toISOString() };
    this.views.set(id, open);
    this.emit({ action: 'open', userId: open.userId, view });
    return view;
  }

  /** Finds an open view by `view_id` or `external_id` (`not_found` when neither matches one). */
  find(ref: { viewId?: unknown; externalId?: unknown }): OpenView {
    if (typeof ref.viewId === 'string' && ref.viewId) {
      const open = this.views.get(ref.viewId);
      if (!open) throw new SlackApiError('not_found');
      return open;
    }
    if (typeof ref.externalId === 'string' && ref.externalId) {
      const open = this.list().find((o) => o.view.external_id === ref.externalId);
      if (!open) throw new SlackApiError('not_found');
      return open;
    }
    throw new SlackApiError('invalid_arguments', ['[ERROR] either view_id or external_id is required']);
  }

  /**
   * `views.update` (and a `response_action: 'update'`): replaces an open view's content, keeping
   * its id; with `hash`, only if nobody changed the view since (`hash_conflict`).
   */
  update(ref: { viewId?: unknown; externalId?: unknown; hash?: unknown }, rawView: unknown): SlackView {
    const open = this.find(ref);
    const fields = readView(rawView);
    if (typeof ref.hash === 'string' && ref.hash !== '' && ref.hash !== open.view.hash)
      throw new SlackApiError('hash_conflict');
    this.checkExternalId(fields.external_id, open.view.id);
    const view: SlackView = { ...open.view, ...fields, state: { values: {} }, hash: this.hash() };
    if (fields.submit === undefined) delete view.submit;
    if (fields.close === undefined) delete view.close;
    open.view = view;
    delete open.errors;
    this.emit({ action: 'update', userId: open.userId, view });
    return view;
  }

  /** Shows field errors on an open view (`response_action: 'errors'`); the view stays open. */
  setErrors(viewId: string, errors: Record<string, string>): OpenView | undefined {
    const open = this.views.get(viewId);
    if (!open) return undefined;
    open.errors = errors;
    this.emit({ action: 'update', userId: open.userId, view: open.view, errors });
    return open;
  }

  /** Closes a view; returns it (undefined when it was not open). */
  close(viewId: string): OpenView | undefined {
    const open = this.views.get(viewId);
    if (!open) return undefined;
    this.views.delete(viewId);
    this.emit({ action: 'close', userId: open.userId, view: open.view });
    return open;
  }

  /** Closes every view a user has open (`response_action: 'clear'`). */
  closeAll(userId: string): OpenView[] {
    return this.list()
      .filter((o) => o.userId === userId)
      .map((o) => this.close(o.view.id))
      .filter((o): o is OpenView => o !== undefined);
  }

  get(viewId: string): OpenView | undefined {
    return this.views.get(viewId);
  }

  /** Views open now, oldest first. */
  list(): OpenView[] {
    return [...this.views.values()];
  }

  /** Subscribes to view events; returns the function that unsubscribes. */
  on(listener: (event: ViewEvent) => void): () => void {
    this.emitter.on('view', listener);
    return () => this.emitter.off('view', listener);
  }

  private emit(event: ViewEvent): void {
    this.emitter.emit('view', event);
  }
}
