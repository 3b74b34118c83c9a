/**
 * The Slack interactivity endpoint (a Lambda function URL; docs/slack.md, docs/architecture.md).
 * Nothing is read from a request before its signature is verified with the signing secret
 * (constant-time compare, 5-minute window) and the signature is recorded as used (a replay is
 * refused). Then:
 * - `block_actions` on Approve or Reject (action ids in SLACK_ACTIONS): opens a modal asking for
 *   the comment (required when the settings say so), within Slack's 3-second trigger window;
 * - `view_submission` of that modal: the Slack user's confirmed email is read from Slack, the
 *   Identity Center user with that email decides (the web app's rules: a listed approver of the
 *   open stage, never the requester; quorum and stages), every approver's message is updated,
 *   and the modal closes — or shows why the decision was refused, under the comment.
 * Anything else Slack sends (the link button, other interactions) is acknowledged and ignored.
 */
import type { ViewsOpenArguments } from '@slack/web-api';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { z } from 'zod';
import { DomainError } from '../core/errors';
import { renderMessage } from '../core/notifications/message';
import { buildNotificationEvent } from '../core/notifications/events';
import { MAX_TEXT_LENGTH } from '../contract/patterns';
import type { AccessRequest } from '../core/types';
import { escapeMrkdwn } from '../adapters/notify/escape';
import { SLACK_ACTIONS, slackPost, slackReason, type SlackBlock } from '../adapters/notify/slack';
import { SLACK_SIGNATURE_WINDOW_SECONDS, verifySlackSignature } from '../adapters/notify/slack-signature';
import { slackInteractionDepsFromEnvironment, type SlackInteractionDeps } from './slack-interactions/compose';

export type { SlackInteractionDeps } from './slack-interactions/compose';

/** The modal's callback id and the comment's block and action ids. */
export const DECISION_MODAL = {
  callbackId: 'team_decision',
  block: 'comment',
  action: 'comment_input',
} as const;

/** Largest body accepted (Slack's payloads are a few kB; a full message with blocks well under this). */
const MAX_BODY_BYTES = 256 * 1024;

const decisionOf = z.enum(['approve', 'reject']);

const blockActions = z.object({
  type: z.literal('block_actions'),
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().nullish() }))),
    }),
  }),
});

const modalMetadata = z.object({ requestId: z.string().min(1).max(128), decision: decisionOf });

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

const ok = (body?: unknown): LambdaFunctionURLResult =>
  body === undefined
    ? { statusCode: 200, body: '' }
    : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };

const refused = (statusCode: number, message: string): LambdaFunctionURLResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

const STATUS_WORDS: Partial<Record<AccessRequest['status'], string>> = {
  approved: 'approved',
  scheduled: 'approved',
  'in progress': 'approved',
  ended: 'approved',
  revoked: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled by the requester',
  expired: 'expired',
};

/**
 * The modal for deciding `requestId`: the request's summary and fields, a link to it, and the
 * comment input; or, when it cannot be decided any more, why (without a submit button).
 */
export function decisionModal(
  requestId: string,
  decision: 'approve' | 'reject',
  request: AccessRequest | undefined,
  options: { appUrl: string; commentRequired: boolean },
): ViewsOpenArguments['view'] {
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const base = {
    type: 'modal' as const,
    callback_id: DECISION_MODAL.callbackId,
    private_metadata: JSON.stringify({ requestId, decision }),
    title: plain(`${verb} access request`),
    close: plain(request?.status === 'pending' ? 'Cancel' : 'Close'),
  };
  if (request === undefined) {
    return {
      ...base,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'TEAM does not know this request.' } }],
    };
  }
  const message = renderMessage(buildNotificationEvent('pending', request), { appUrl: options.appUrl });
  const details = slackPost(message, 'UTC').blocks.filter((b): b is SlackBlock => b.type === 'section');
  const link = {
    type: 'context' as const,
    elements: [{ type: 'mrkdwn', text: `<${message.link}|Open the request in TEAM>` }],
  };
  if (request.status !== 'pending') {
    const state = STATUS_WORDS[request.status] ?? request.status;
    return {
      ...base,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `This request was already *${escapeMrkdwn(state)}*.` },
        },
        ...details,
        link,
      ],
    };
  }
  return {
    ...base,
    submit: plain(verb),
    blocks: [
      ...details,
      link,
      {
        type: 'input' as const,
        block_id: DECISION_MODAL.block,
        optional: !options.commentRequired,
        label: plain('Comment'),
        hint: plain(
          decision === 'approve'
            ? 'Recorded with your approval and shown to the requester.'
            : 'Tell the requester why.',
        ),
        element: {
          type: 'plain_text_input' as const,
          action_id: DECISION_MODAL.action,
          multiline: true,
          max_length: MAX_TEXT_LENGTH,
        },
      },
    ],
  };
}

/** The raw body as Slack sent it (the signature covers exactly these bytes). */
function rawBody(event: LambdaFunctionURLEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** The interaction payload of a form body (`payload=<JSON>`), or undefined when there is none. */
function payloadOf(body: string): unknown {
  const text = new URLSearchParams(body).get('payload');
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds the handler over its dependencies (tests and the local cloud pass their own). */
export function makeSlackInteractionHandler(
  options: { deps?: () => SlackInteractionDeps } = {},
): (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult> {
  const depsOf = options.deps ?? slackInteractionDepsFromEnvironment;

  const openModal = async (deps: SlackInteractionDeps, payload: z.infer<typeof blockActions>) => {
    const action = payload.actions[0];
    const decision =
      action?.action_id === SLACK_ACTIONS.approve
        ? 'approve'
        : action?.action_id === SLACK_ACTIONS.reject
          ? 'reject'
          : undefined;
    if (decision === undefined || !action?.value) return ok();
    const [request, settings] = await Promise.all([deps.getRequest(action.value), deps.settings()]);
    const view = decisionModal(action.value, decision, request, {
      appUrl: deps.appUrl,
      commentRequired: settings.commentsRequired,
    });
    try {
      const web = await deps.slack.web();
      await deps.slack.call(() => web.views.open({ trigger_id: payload.trigger_id, view }));
    } catch (error) {
      deps.logger.warn('Could not open the decision modal', { reason: slackReason(error) });
    }
    return ok();
  };

  const submit = async (deps: SlackInteractionDeps, payload: z.infer<typeof viewSubmission>) => {
    if (payload.view.callback_id !== DECISION_MODAL.callbackId) return ok();
    let metadata: z.infer<typeof modalMetadata>;
    try {
      metadata = modalMetadata.parse(JSON.parse(payload.view.private_metadata));
    } catch {
      return refused(400, 'The modal does not name a request.');
    }
    const fail = (message: string) =>
      ok({ response_action: 'errors', errors: { [DECISION_MODAL.block]: message } });
    const comment = payload.view.state.values[DECISION_MODAL.block]?.[DECISION_MODAL.action]?.value ?? null;

    let email: string | undefined;
    try {
      email = (await deps.slack.userById(payload.user.id)).email;
    } catch (error) {
      deps.logger.warn('Could not read the Slack user', { reason: slackReason(error) });
      return fail('TEAM could not read your Slack profile. Try again, or decide in the TEAM web app.');
    }
    if (email === undefined) {
      return fail(
        'Your Slack account has no confirmed email address, so TEAM cannot tell who you are. Decide in the TEAM web app.',
      );
    }
    let decided: AccessRequest;
    try {
      decided = await deps.decide({
        email,
        requestId: metadata.requestId,
        decision: metadata.decision,
        comment,
      });
    } catch (error) {
      if (error instanceof DomainError) return fail(error.message);
      deps.logger.error('A decision from Slack failed', { requestId: metadata.requestId, error });
      return fail(
        'TEAM could not record your decision because of an unexpected error. Try again in a moment.',
      );
    }
    deps.logger.info('Decision taken in Slack', {
      requestId: decided.id,
      decision: metadata.decision,
      status: decided.status,
    });
    const { failures } = await deps.messages.update(decided, deps.appUrl);
    if (failures.length > 0) deps.logger.warn('Some decision messages were not updated', { failures });
    return ok({ response_action: 'clear' });
  };

  return async (event) => {
    if (event.requestContext.http.method !== 'POST') return refused(405, 'Slack sends POST requests only.');
    const body = rawBody(event);
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) return refused(413, 'The request is too large.');
    const deps = depsOf();
    const secret = await deps.secrets.getSecret('slackSigningSecret');
    if (!secret) {
      deps.logger.error('A Slack interaction arrived but no Slack signing secret is configured');
      return refused(503, 'Slack interactivity is not configured.');
    }
    const now = deps.clock.now();
    const check = verifySlackSignature({ secret, headers: event.headers, body, now });
    if (!check.ok) {
      deps.logger.warn('Refused a Slack interaction', { reason: check.reason });
      return refused(401, 'The request signature is not valid.');
    }
    const until = new Date((check.timestamp + SLACK_SIGNATURE_WINDOW_SECONDS) * 1000);
    if (!(await deps.chat.firstUse(check.signature, until))) {
      deps.logger.warn('Refused a replayed Slack interaction');
      return refused(401, 'The request was already received.');
    }

    const payload = payloadOf(body);
    const actions = blockActions.safeParse(payload);
    if (actions.success) return openModal(deps, actions.data);
    const submission = viewSubmission.safeParse(payload);
    if (submission.success) return submit(deps, submission.data);
    if (payload === undefined) return refused(400, 'The request has no interaction payload.');
    return ok();
  };
}

/** The Lambda entry point. */
export const handler = makeSlackInteractionHandler();
