/**
 * Break-glass access (docs/approvals.md, "Break-glass"): taken at once without approval where an
 * eligibility policy allows it, alerted to the auditors' channels by the workflow, and reviewed
 * afterwards by an approver of the request.
 */
import { z } from 'zod';
import { actorOf, auditEventId } from '../audit';
import { authorize } from '../authorization';
import { ConflictError, ForbiddenError, NotEligibleError, ValidationError } from '../errors';
import {
  accountId,
  freeText,
  parseInput,
  permissionSetArn,
  printableName,
  wholeNumber,
} from '../input-fields';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, AuditEvent, CallerIdentity, ReviewState } from '../types';
import { MAX_BREAK_GLASS_HOURS } from '../policies/eligibility-policy-input';
import { approversOf, eligibilityOf, newRequestOf, requirePermissionSet } from './create-request';
import { authorizedRequest } from './read-requests';
import { decidedMeanwhile, writeRequestChange } from './status-change';

const MAX_INCIDENT_LENGTH = 100;

export interface CreateBreakGlassRequestInput {
  accountId: string;
  permissionSetArn: string;
  durationHours: number;
  justification: string;
  incident: string;
}

const breakGlassSchema = z.object({
  accountId: accountId(),
  permissionSetArn: permissionSetArn(),
  durationHours: wholeNumber('Duration', 1, MAX_BREAK_GLASS_HOURS, 'hours'),
  justification: freeText('Reason'),
  incident: printableName('Incident or ticket reference', MAX_INCIDENT_LENGTH),
});

/**
 * Takes break-glass access for the caller: refused when the settings turn break-glass off
 * (ForbiddenError), when no eligibility policy allows it for the account and permission set
 * (NotEligibleError), above the allowed hours (ValidationError on `durationHours`), or when
 * nobody but the caller could review it (NoApproverError). The request starts now, needs no
 * approval and is marked as needing review; its workflow grants it at once and alerts.
 */
export function makeCreateBreakGlassRequest(
  deps: Pick<
    CoreDeps,
    'requests' | 'policies' | 'settings' | 'directory' | 'organization' | 'clock' | 'ids' | 'fallback'
  >,
): (caller: CallerIdentity, input: unknown) => Promise<AccessRequest> {
  return async (caller, input) => {
    authorize('createBreakGlassRequest', caller);
    const settings = await loadSettings(deps);
    if (!settings.breakGlassEnabled) {
      throw new ForbiddenError(
        'Break-glass access is turned off in the settings; request access the usual way.',
      );
    }
    const valid = parseInput(breakGlassSchema, input, 'The break-glass request');
    const found = await eligibilityOf(deps, caller.userId, settings, valid);
    if (found === undefined || found.permissionSet.breakGlass !== true) {
      throw new NotEligibleError(
        `No eligibility policy allows you break-glass access with this permission set in account ${valid.accountId}; request it the usual way.`,
      );
    }
    const maxHours = found.permissionSet.breakGlassMaxHours ?? 1;
    if (valid.durationHours > maxHours) {
      throw new ValidationError(
        `Duration must be at most ${maxHours} ${maxHours === 1 ? 'hour' : 'hours'} for break-glass access here.`,
        'durationHours',
      );
    }
    const [resolved, permissionSetInfo] = await Promise.all([
      approversOf(deps, caller.userId, found),
      deps.directory.getPermissionSet(valid.permissionSetArn),
    ]);
    requirePermissionSet(permissionSetInfo, found);
    if (resolved.approvers.length === 0) {
      throw new NotEligibleError(
        `Nobody other than you could review break-glass access to ${found.account.name} (${found.account.id}); ask an administrator to add an approver policy.`,
      );
    }
    const now = deps.clock.now();
    const request: AccessRequest = {
      ...newRequestOf(deps, caller, found, resolved, permissionSetInfo, now, {
        startTime: now.toISOString(),
        durationHours: valid.durationHours,
        justification: valid.justification,
      }),
      approvalRequired: false,
      breakGlass: { incident: valid.incident },
      review: { state: 'needed' },
    };
    const at = now.toISOString();
    const event: AuditEvent = {
      requestId: request.id,
      id: auditEventId(at, request.version),
      at,
      action: 'break-glass',
      actor: request.requester,
      toStatus: 'pending',
      comment: valid.justification,
      detail: `Incident: ${valid.incident}`,
    };
    await deps.requests.create(request, event);
    return request;
  };
}

export interface ReviewRequestInput {
  requestId: string;
  state: ReviewState;
  comment: string;
}

const reviewSchema = z.object({
  state: z.enum(['acknowledged', 'flagged'], {
    error: 'Review must be acknowledged or flagged.',
  }),
  comment: freeText('Comment'),
});

/**
 * Reviews break-glass access afterwards: an approver of the request (never the requester)
 * acknowledges it or flags it, with a comment. Only once (ConflictError after), only for
 * break-glass access (ValidationError otherwise). The workflow, waiting for the review with
 * daily reminders, is resumed.
 */
export function makeReviewRequest(
  deps: Pick<CoreDeps, 'requests' | 'clock' | 'decisionRelay'>,
): (caller: CallerIdentity, input: ReviewRequestInput) => Promise<AccessRequest> {
  return async (caller, input) => {
    const request = await authorizedRequest(deps, caller, input.requestId, 'reviewRequest');
    const valid = parseInput(reviewSchema, { state: input.state, comment: input.comment }, 'The review');
    if (request.breakGlass === undefined) {
      throw new ValidationError('Only break-glass access is reviewed.', 'requestId');
    }
    if (request.review?.state !== 'needed') {
      const by = request.review?.by;
      throw new ConflictError(
        `This access was already reviewed${by ? ` by ${by.name ?? by.email}` : ''}: ${request.review?.state ?? 'acknowledged'}.`,
      );
    }
    const now = deps.clock.now();
    const actor = actorOf(caller);
    try {
      const reviewed = await writeRequestChange(deps.requests, request, {
        auditAction: 'reviewed',
        actor,
        at: now,
        patch: {
          review: {
            ...request.review,
            state: valid.state,
            by: actor,
            at: now.toISOString(),
            comment: valid.comment,
          },
        },
        comment: valid.comment,
        detail: valid.state === 'flagged' ? 'Flagged' : 'Acknowledged',
      });
      await deps.decisionRelay?.resume(reviewed);
      return reviewed;
    } catch (error) {
      throw decidedMeanwhile(request, error);
    }
  };
}
