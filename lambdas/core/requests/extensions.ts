/**
 * Extending access (docs/approvals.md, "Extending access"): more hours on scheduled or
 * in-progress access, within what the eligibility policies allowed, approved by the request's
 * own stages and quorum when the policy says so. An applied extension moves the end of access;
 * the workflow's wait for the end is resumed and waits for the new end.
 */
import { z } from 'zod';
import { actorOf } from '../audit';
import { relationOf } from '../authorization';
import { ConflictError, IllegalTransitionError, NotFoundError, ValidationError } from '../errors';
import { freeText, parseInput, wholeNumber } from '../input-fields';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, Actor, Approval, CallerIdentity, Extension } from '../types';
import { addApproval, progressOf, progressText, stageForApproval, stagesOf } from './approval-plan';
import { validateComment } from './decision-input';
import { authorizedRequest } from './read-requests';
import { decidedMeanwhile, writeRequestChange } from './status-change';

type ExtensionDeps = Pick<CoreDeps, 'requests' | 'settings' | 'clock' | 'fallback' | 'decisionRelay'>;

const HOUR_MS = 3_600_000;
/**
 * No extension is applied in the last minute of access: the step that removes access starts at
 * the end time, and an end moved after it started would not bring the access back.
 */
export const EXTENSION_CUTOFF_MS = 60_000;
const MAX_ATTEMPTS = 4;

function hoursMore(hours: number): string {
  return `${hours} more ${hours === 1 ? 'hour' : 'hours'}`;
}

/** Hours added by approved extensions. */
export function extendedHours(request: Pick<AccessRequest, 'extensions'>): number {
  return (request.extensions ?? [])
    .filter((extension) => extension.status === 'approved')
    .reduce((sum, extension) => sum + extension.hours, 0);
}

/**
 * When access ends: the requested hours plus approved extensions, from when Identity Center
 * confirmed it (from the start time while it is not granted yet).
 */
export function accessEndOf(
  request: Pick<AccessRequest, 'grantedAt' | 'startTime' | 'durationHours' | 'extensions'>,
): string {
  const from = Date.parse(request.grantedAt ?? request.startTime);
  return new Date(from + (request.durationHours + extendedHours(request)) * HOUR_MS).toISOString();
}

/** The extension waiting for approval, if any (at most one at a time). */
export function pendingExtension(request: Pick<AccessRequest, 'extensions'>): Extension | undefined {
  return request.extensions?.find((extension) => extension.status === 'pending');
}

/** The most hours that may still be added (0: none). */
export function extensionRoom(request: AccessRequest): number {
  const rules = request.extensionRules;
  if (rules === undefined) return 0;
  return Math.max(0, rules.maxTotalHours - request.durationHours - extendedHours(request));
}

export interface ExtendRequestInput {
  requestId: string;
  hours: number;
  reason: string;
}

export interface ExtensionDecisionInput {
  requestId: string;
  extensionId: number;
  comment?: string | null;
}

const extendSchema = z.object({
  hours: wholeNumber('Hours', 1, 8000, 'hours'),
  reason: freeText('Reason'),
});

/** Throws unless the request's access may still be extended now. */
function requireExtendable(request: AccessRequest, now: Date): void {
  if (request.status !== 'scheduled' && request.status !== 'in progress') {
    throw new IllegalTransitionError(
      request.status,
      'extended',
      'only scheduled or in-progress access can be extended',
    );
  }
  if (
    request.status === 'in progress' &&
    Date.parse(accessEndOf(request)) - now.getTime() < EXTENSION_CUTOFF_MS
  ) {
    throw new IllegalTransitionError(request.status, 'extended', 'access ends in less than a minute');
  }
}

/** Whether the request's extensions wait for approval. */
function needsApproval(request: AccessRequest): boolean {
  return request.approvalRequired && (request.extensionRules?.approvalRequired ?? true);
}

/**
 * Asks for more hours. Refused when the access is not scheduled or in progress, ends within a
 * minute, cannot be extended that far (ValidationError on `hours`, naming the most that can be
 * added) or already has an extension waiting (ConflictError). Applied at once when extensions
 * need no approval; asked by an approver, it carries that approver's approval.
 */
export function makeExtendRequest(
  deps: ExtensionDeps,
): (caller: CallerIdentity, input: ExtendRequestInput) => Promise<AccessRequest> {
  return async (caller, input) => {
    let request = await authorizedRequest(deps, caller, input.requestId, 'extendRequest');
    const valid = parseInput(extendSchema, { hours: input.hours, reason: input.reason }, 'The extension');
    const actor = actorOf(caller);
    for (let attempt = 1; ; attempt += 1) {
      const now = deps.clock.now();
      requireExtendable(request, now);
      const room = extensionRoom(request);
      if (room === 0) {
        throw new ValidationError(
          request.extensionRules === undefined ||
            request.extensionRules.maxTotalHours <= request.durationHours
            ? 'This access cannot be extended: its eligibility policy allows no extensions.'
            : `This access cannot be extended further: it already reaches the ${request.extensionRules.maxTotalHours} hours its eligibility policy allows in total.`,
          'hours',
        );
      }
      if (valid.hours > room) {
        throw new ValidationError(
          `Hours can be at most ${room}: access may last ${request.extensionRules?.maxTotalHours ?? 0} hours in total.`,
          'hours',
        );
      }
      const waiting = pendingExtension(request);
      if (waiting !== undefined) {
        throw new ConflictError(
          `An extension of ${waiting.hours} hours is already waiting for approval; wait for the decision or withdraw it.`,
        );
      }
      const extension: Extension = {
        id: (request.extensions?.length ?? 0) + 1,
        hours: valid.hours,
        reason: valid.reason,
        requestedBy: actor,
        requestedAt: now.toISOString(),
        status: needsApproval(request) ? 'pending' : 'approved',
        approvals: [],
      };
      const detail = `${valid.hours} more ${valid.hours === 1 ? 'hour' : 'hours'}: ${valid.reason}`;
      const stages = stagesOf(request);
      const ownStage = progressOf(stages, []).stages[0];
      if (
        extension.status === 'pending' &&
        relationOf(caller, request).isApprover &&
        ownStage?.approverIds.includes(actor.id) === true
      ) {
        // Asked by an approver of the first stage: their approval counts.
        const approval: Approval = { by: actor, at: now.toISOString(), stage: 0 };
        const added = addApproval(stages, [], approval);
        extension.approvals = added.approvals;
        if (added.complete) {
          extension.status = 'approved';
          extension.decidedBy = actor;
          extension.decidedAt = now.toISOString();
        }
      }
      const extensions = [...(request.extensions ?? []), extension];
      const applied = extension.status === 'approved';
      try {
        const changed = await writeRequestChange(deps.requests, request, {
          auditAction: applied ? 'extended' : 'extension-requested',
          actor,
          at: now,
          patch: { extensions },
          detail,
        });
        await deps.decisionRelay?.resume(changed);
        return changed;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS)
          throw decidedMeanwhile(request, error);
        request = await authorizedRequest(deps, caller, input.requestId, 'extendRequest');
      }
    }
  };
}

function makeExtensionDecision(deps: ExtensionDeps, decision: 'approve' | 'reject') {
  const operation = decision === 'approve' ? 'approveExtension' : 'rejectExtension';
  return async (caller: CallerIdentity, input: ExtensionDecisionInput): Promise<AccessRequest> => {
    let request = await authorizedRequest(deps, caller, input.requestId, operation);
    const actor = actorOf(caller);
    const withdrawing = decision === 'reject' && relationOf(caller, request).isRequester;
    const settings = await loadSettings(deps);
    const comment = validateComment(input.comment, {
      required: settings.commentsRequired && !withdrawing,
      field: 'comment',
    });
    for (let attempt = 1; ; attempt += 1) {
      const now = deps.clock.now();
      const extension = request.extensions?.find((e) => e.id === input.extensionId);
      if (extension === undefined) {
        throw new NotFoundError(`This request has no extension ${input.extensionId}.`);
      }
      if (extension.status !== 'pending') {
        throw new ConflictError(`Extension ${extension.id} is already ${extension.status}.`);
      }
      if (decision === 'approve') requireExtendable(request, now);
      const { next, auditAction, detail } =
        decision === 'approve'
          ? approved(request, extension, actor, now, comment)
          : {
              next: closed(extension, withdrawing ? 'cancelled' : 'rejected', actor, now, comment),
              auditAction: withdrawing ? ('extension-cancelled' as const) : ('extension-rejected' as const),
              detail: hoursMore(extension.hours),
            };
      const extensions = (request.extensions ?? []).map((e) => (e.id === next.id ? next : e));
      try {
        const changed = await writeRequestChange(deps.requests, request, {
          auditAction,
          actor,
          at: now,
          patch: { extensions },
          detail,
          ...(comment !== undefined && { comment }),
        });
        await deps.decisionRelay?.resume(changed);
        return changed;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS)
          throw decidedMeanwhile(request, error);
        request = await authorizedRequest(deps, caller, input.requestId, operation);
      }
    }
  };
}

function approved(
  request: AccessRequest,
  extension: Extension,
  actor: Actor,
  now: Date,
  comment: string | undefined,
): { next: Extension; auditAction: 'extended' | 'approval-recorded'; detail: string } {
  const stages = stagesOf(request);
  const stage = stageForApproval(progressOf(stages, extension.approvals), actor.id);
  const approval: Approval = { by: actor, at: now.toISOString(), stage };
  if (comment !== undefined) approval.comment = comment;
  const added = addApproval(stages, extension.approvals, approval);
  if (!added.complete) {
    return {
      next: { ...extension, approvals: added.approvals },
      auditAction: 'approval-recorded',
      detail: `Extension of ${hoursMore(extension.hours)}: ${progressText(added.progress)}`,
    };
  }
  return {
    next: closed({ ...extension, approvals: added.approvals }, 'approved', actor, now, comment),
    auditAction: 'extended',
    detail: hoursMore(extension.hours),
  };
}

function closed(
  extension: Extension,
  status: Extension['status'],
  actor: Actor,
  now: Date,
  comment: string | undefined,
): Extension {
  const next: Extension = { ...extension, status, decidedBy: actor, decidedAt: now.toISOString() };
  if (comment !== undefined) next.comment = comment;
  return next;
}

/**
 * Approves the pending extension: a listed approver of the open stage who has not approved it
 * yet (same stages and quorum as the request), while access may still be extended. Applied once
 * every stage has its approvals.
 */
export function makeApproveExtension(
  deps: ExtensionDeps,
): (caller: CallerIdentity, input: ExtensionDecisionInput) => Promise<AccessRequest> {
  return makeExtensionDecision(deps, 'approve');
}

/** Rejects the pending extension (an approver), or withdraws it (the requester). */
export function makeRejectExtension(
  deps: ExtensionDeps,
): (caller: CallerIdentity, input: ExtensionDecisionInput) => Promise<AccessRequest> {
  return makeExtensionDecision(deps, 'reject');
}
