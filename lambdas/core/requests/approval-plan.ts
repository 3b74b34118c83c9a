/**
 * Approval with several approvers and stages: a request (or an extension of it) is approved once
 * every stage, in order, has the approvals it needs from different people. One person counts
 * once across all stages; the requester never counts (they are never among the approvers); a
 * stage's approvers may approve only while that stage is open. Pure rules, no I/O.
 */
import { ForbiddenError, NoApproverError } from '../errors';
import type { AccessRequest, Actor, Approval, ApprovalStage } from '../types';

/** A stage and how far it got. */
export interface StageProgress extends ApprovalStage {
  index: number;
  approvals: Approval[];
  complete: boolean;
}

export interface ApprovalProgress {
  stages: StageProgress[];
  /** The open stage (the first incomplete one); undefined once all are complete. */
  current: number | undefined;
  given: number;
  required: number;
}

/**
 * The stages of a request: the stored ones, or for a request stored before stages existed one
 * stage of all its approvers needing one approval.
 */
export function stagesOf(request: Pick<AccessRequest, 'approvalStages' | 'approvers'>): ApprovalStage[] {
  if (request.approvalStages !== undefined && request.approvalStages.length > 0)
    return request.approvalStages;
  return [{ approverIds: request.approvers.map((a) => a.id), required: 1 }];
}

/** How far the approvals go through the stages. */
export function progressOf(
  stages: readonly ApprovalStage[],
  approvals: readonly Approval[],
): ApprovalProgress {
  let current: number | undefined;
  const views = stages.map((stage, index): StageProgress => {
    const given = approvals.filter((a) => a.stage === index);
    const complete = given.length >= stage.required;
    if (!complete && current === undefined) current = index;
    return { ...stage, index, approvals: given, complete };
  });
  return {
    stages: views,
    current,
    given: approvals.length,
    required: stages.reduce((sum, stage) => sum + stage.required, 0),
  };
}

/** A request's own approval progress. */
export function requestProgress(request: AccessRequest): ApprovalProgress {
  return progressOf(stagesOf(request), request.approvals ?? []);
}

/** "security", or "stage 2 of 3" for an unnamed stage. */
export function stageLabel(stage: Pick<StageProgress, 'name' | 'index'>, count: number): string {
  return stage.name ?? (count > 1 ? `stage ${stage.index + 1} of ${count}` : 'an approver');
}

/** "1 of 2 approvals, waiting for security": progress in plain words. */
export function progressText(progress: ApprovalProgress): string {
  const counted = `${progress.given} of ${progress.required} approvals`;
  if (progress.current === undefined) return counted;
  const stage = progress.stages[progress.current];
  return stage ? `${counted}, waiting for ${stageLabel(stage, progress.stages.length)}` : counted;
}

/**
 * Checks that `approverId` may add an approval now and returns the stage it counts for: throws
 * ForbiddenError when the person already approved (in any stage) or is not an approver of the
 * open stage (naming the stage that is open).
 */
export function stageForApproval(progress: ApprovalProgress, approverId: string): number {
  if (progress.stages.some((stage) => stage.approvals.some((a) => a.by.id === approverId))) {
    throw new ForbiddenError('You have already approved; another approver must give the next approval.');
  }
  const open = progress.current === undefined ? undefined : progress.stages[progress.current];
  if (open === undefined) throw new ForbiddenError('Every approval this needs has already been given.');
  if (!open.approverIds.includes(approverId)) {
    const count = progress.stages.length;
    const mine = progress.stages.find((stage) => stage.approverIds.includes(approverId));
    const later = mine !== undefined && mine.index > open.index;
    throw new ForbiddenError(
      later
        ? `This is waiting for ${stageLabel(open, count)} first; you approve in ${stageLabel(mine, count)}.`
        : `You are not an approver of ${stageLabel(open, count)}, which this is waiting for.`,
    );
  }
  return open.index;
}

/** The approvals with one more, and whether that completes every stage. */
export function addApproval(
  stages: readonly ApprovalStage[],
  approvals: readonly Approval[],
  approval: Approval,
): { approvals: Approval[]; complete: boolean; progress: ApprovalProgress } {
  const next = [...approvals, approval];
  const progress = progressOf(stages, next);
  return { approvals: next, complete: progress.current === undefined, progress };
}

/** A stage as resolved at creation: its approvers (requester already removed). */
export interface StageCandidates {
  name?: string;
  required: number;
  approvers: readonly Pick<Actor, 'id' | 'name' | 'email'>[];
}

/**
 * Whether every stage can get its approvals from different people: a matching of each stage's
 * required approvals to distinct approvers of that stage (augmenting paths; stages and approvers
 * are few). Throws NoApproverError naming the first stage that cannot be completed.
 */
export function requireFeasibleStages(stages: readonly StageCandidates[], target: string): void {
  stages.forEach((stage, index) => {
    if (stage.approvers.length < stage.required) {
      throw new NoApproverError(
        `${describe(stage, index, stages.length)} needs ${stage.required} approval${stage.required === 1 ? '' : 's'} from different people, but only ${stage.approvers.length} ${stage.approvers.length === 1 ? 'person' : 'people'} other than you can give them for ${target}; ask an administrator to change the approver policy.`,
      );
    }
  });
  const slots = stages.flatMap((stage, index) => Array.from({ length: stage.required }, () => index));
  const holder = new Map<string, number>();
  const tryAssign = (slot: number, seen: Set<string>): boolean => {
    const stage = stages[slots[slot] ?? -1];
    for (const approver of stage?.approvers ?? []) {
      if (seen.has(approver.id)) continue;
      seen.add(approver.id);
      const other = holder.get(approver.id);
      if (other === undefined || tryAssign(other, seen)) {
        holder.set(approver.id, slot);
        return true;
      }
    }
    return false;
  };
  slots.forEach((stageIndex, slot) => {
    if (!tryAssign(slot, new Set())) {
      const stage = stages[stageIndex];
      throw new NoApproverError(
        `${stage ? describe(stage, stageIndex, stages.length) : 'A stage'} cannot get its approvals for ${target}: one person counts only once, and the stages need more different approvers than there are; ask an administrator to change the approver policy.`,
      );
    }
  });
}

function describe(stage: StageCandidates, index: number, count: number): string {
  if (stage.name !== undefined) return `Stage "${stage.name}"`;
  return count > 1 ? `Stage ${index + 1}` : 'This request';
}
