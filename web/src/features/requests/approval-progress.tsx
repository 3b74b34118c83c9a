import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { Actor, Approval, ApprovalStageProgress, Me, Request } from '../../api/model';
import { useI18n, useT, type Translate } from '../../i18n';
import { formatDateTime } from '../../i18n/format';

/** What a stage asks for: who may approve in it and how many approvals it needs. */
export type StageRule = Pick<ApprovalStageProgress, 'index' | 'name' | 'required' | 'approvers'>;

/** A stage with the approvals counted for it. */
export interface StageState extends StageRule {
  approvals: Approval[];
  complete: boolean;
}

/** How far a set of approvals goes through the stages (a request's own, or an extension's). */
export interface Progress {
  stages: StageState[];
  /** The stage waiting for approvals; undefined once every stage is complete. */
  open: StageState | undefined;
  given: number;
  required: number;
}

/** Counts approvals stage by stage, as the server does: stages open in order. */
export function progressOf(rules: readonly StageRule[], approvals: readonly Approval[]): Progress {
  const stages = rules.map((rule): StageState => {
    const given = approvals.filter((a) => a.stage === rule.index);
    return { ...rule, approvals: given, complete: given.length >= rule.required };
  });
  return {
    stages,
    open: stages.find((s) => !s.complete),
    given: approvals.length,
    required: rules.reduce((sum, rule) => sum + rule.required, 0),
  };
}

/** A request's own approval progress; undefined when it needed no approval. */
export function requestProgress(request: Pick<Request, 'approval'>): Progress | undefined {
  const approval = request.approval;
  if (!approval || approval.stages.length === 0) return undefined;
  return progressOf(
    approval.stages,
    approval.stages.flatMap((s) => s.approvals),
  );
}

/** "Security", "stage 2", or "an approver" for the one unnamed stage. */
export function stageName(stage: Pick<StageRule, 'name' | 'index'>, count: number, t: Translate): string {
  if (stage.name) return stage.name;
  return count > 1 ? t('approval.stageNumber', { n: stage.index + 1 }) : t('approval.anApprover');
}

/** "Stage 2 · Security", "Stage 1". */
export function stageTitle(stage: Pick<StageRule, 'name' | 'index'>, t: Translate): string {
  const number = t('approval.stageTitle', { n: stage.index + 1 });
  return stage.name ? `${number} · ${stage.name}` : number;
}

/** "1 of 2 approvals, waiting for Security" (without the wait once every stage is complete). */
export function progressText(progress: Progress, t: Translate, showWait = true): string {
  const counted = t(progress.required === 1 ? 'approval.progress.one' : 'approval.progress.other', {
    given: progress.given,
    required: progress.required,
  });
  if (!showWait || !progress.open) return counted;
  return t('approval.progressWaiting', {
    progress: counted,
    stage: stageName(progress.open, progress.stages.length, t),
  });
}

/** Whether someone may approve now, and otherwise why not. */
export type Standing =
  | { kind: 'can'; stage: StageState }
  | { kind: 'alreadyApproved'; stage: StageState }
  | { kind: 'laterStage'; mine: StageState; open: StageState }
  | { kind: 'notInOpenStage'; open: StageState }
  | { kind: 'complete' }
  | { kind: 'notApprover' };

/**
 * Where a person stands in the approval (the server's rules: one person counts once, only the
 * open stage's approvers approve). The requester is never an approver.
 */
export function standingOf(progress: Progress, userId: string): Standing {
  const approved = progress.stages.find((s) => s.approvals.some((a) => a.by.id === userId));
  if (approved) return { kind: 'alreadyApproved', stage: approved };
  const mine = progress.stages.filter((s) => s.approvers.some((a) => a.id === userId));
  if (mine.length === 0) return { kind: 'notApprover' };
  const open = progress.open;
  if (!open) return { kind: 'complete' };
  if (mine.some((s) => s.index === open.index)) return { kind: 'can', stage: open };
  const later = mine.find((s) => s.index > open.index);
  return later ? { kind: 'laterStage', mine: later, open } : { kind: 'notInOpenStage', open };
}

/** A person's standing explained in words; undefined when there is nothing to explain. */
export function standingText(standing: Standing, progress: Progress, t: Translate): string | undefined {
  const count = progress.stages.length;
  switch (standing.kind) {
    case 'can':
      return t('approval.standing.can', { stage: stageName(standing.stage, count, t) });
    case 'alreadyApproved':
      return t('approval.standing.already', { stage: stageName(standing.stage, count, t) });
    case 'laterStage':
      return t('approval.standing.later', {
        mine: stageName(standing.mine, count, t),
        open: stageName(standing.open, count, t),
      });
    case 'notInOpenStage':
      return t('approval.standing.notInOpen', { open: stageName(standing.open, count, t) });
    default:
      return undefined;
  }
}

/** Everyone who may approve a request: its approvers and those of every stage (escalation adds some). */
export function approverIdsOf(request: Pick<Request, 'approvers' | 'approval'>): Set<string> {
  const ids = new Set(request.approvers.map((a) => a.id));
  for (const stage of request.approval?.stages ?? []) for (const a of stage.approvers) ids.add(a.id);
  return ids;
}

/** Whether the caller may add an approval to the request now (the server decides). */
export function canApproveNow(request: Request, me: Pick<Me, 'userId'>): boolean {
  const progress = requestProgress(request);
  if (!progress) return request.approvers.some((a) => a.id === me.userId);
  return standingOf(progress, me.userId).kind === 'can';
}

/** A person as approval tables name them: their name, else their email, else their id. */
export function personLabel(actor: Actor): string {
  return actor.name || actor.email || actor.id;
}

/** Who approved when, with their comment, one per line. */
export function ApprovalList({ approvals }: { approvals: readonly Approval[] }) {
  const { t, locale, timeZone } = useI18n();
  if (approvals.length === 0) return <>-</>;
  return (
    <>
      {approvals.map((a) => (
        <Box key={`${a.by.id}-${a.at}`}>
          {`${personLabel(a.by)} · ${formatDateTime(a.at, locale, timeZone)}`}
          {a.comment ? (
            <Box variant="span" color="text-body-secondary">
              {` · ${t('approval.quoted', { comment: a.comment })}`}
            </Box>
          ) : null}
        </Box>
      ))}
    </>
  );
}

function StageStatus({
  stage,
  progress,
  decided,
}: {
  stage: StageState;
  progress: Progress;
  decided: boolean;
}) {
  const t = useT();
  if (stage.complete) return <StatusIndicator type="success">{t('approval.stage.complete')}</StatusIndicator>;
  if (decided) return <StatusIndicator type="stopped">{t('approval.stage.closed')}</StatusIndicator>;
  if (progress.open?.index === stage.index) {
    return <StatusIndicator type="pending">{t('approval.stage.open')}</StatusIndicator>;
  }
  return <StatusIndicator type="not-started">{t('approval.stage.later')}</StatusIndicator>;
}

/** How many approvals a stage has of those it needs: "1 of 2 approvals". */
function stageCount(stage: StageState, t: Translate): string {
  return t(stage.required === 1 ? 'approval.progress.one' : 'approval.progress.other', {
    given: stage.approvals.length,
    required: stage.required,
  });
}

/**
 * The stages of an approval as a table: who may approve, how many must, who did when. The status
 * and the count share a column, so the table fits beside the navigation at 1400 px; the short
 * columns have fixed widths and the long ones (names, comments) wrap between words.
 */
export function StagesTable(props: { progress: Progress; decided: boolean; header?: string }) {
  const { t } = useI18n();
  const { progress } = props;
  return (
    <Table<StageState>
      variant="embedded"
      items={progress.stages}
      trackBy={(s) => String(s.index)}
      wrapLines
      ariaLabels={{ tableLabel: props.header ?? t('approval.stages') }}
      columnDefinitions={[
        {
          id: 'stage',
          header: t('approval.stage'),
          cell: (s) => stageTitle(s, t),
          width: 180,
          minWidth: 140,
        },
        {
          id: 'status',
          header: t('column.status'),
          cell: (s) => (
            <>
              <StageStatus stage={s} progress={progress} decided={props.decided} />
              <Box color="text-body-secondary" fontSize="body-s">
                {stageCount(s, t)}
              </Box>
            </>
          ),
          // "Waiting for approval" with its icon on one line; the longest status wraps between words.
          width: 220,
          minWidth: 200,
        },
        {
          id: 'approvers',
          header: t('details.approvers'),
          cell: (s) =>
            s.approvers.length > 0 ? s.approvers.map(personLabel).join(', ') : t('details.nobody'),
          minWidth: 200,
        },
        {
          id: 'approvals',
          header: t('approval.approvals'),
          cell: (s) => <ApprovalList approvals={s.approvals} />,
          minWidth: 260,
        },
      ]}
    />
  );
}

/**
 * A request's approval: progress in words, the stages with their approvers and approvals, where
 * the caller stands, and the reminder and escalation times when set.
 */
export function ApprovalPanel({ request, me }: { request: Request; me: Me }) {
  const { t, locale, timeZone } = useI18n();
  const progress = requestProgress(request);
  const approval = request.approval;
  if (!progress || !approval) return null;
  const pending = request.status === 'PENDING' && !request.importedFrom;
  const isRequester = request.requester.id === me.userId;
  const standing = pending && !isRequester ? standingOf(progress, me.userId) : undefined;
  const explained = standing ? standingText(standing, progress, t) : undefined;
  const when = (value: string | null | undefined) => formatDateTime(value, locale, timeZone);
  const timers = [
    ...(approval.remindedAt
      ? [{ label: t('approval.reminded'), value: when(approval.remindedAt) }]
      : approval.remindAt
        ? [{ label: t('approval.remindAt'), value: when(approval.remindAt) }]
        : []),
    ...(approval.escalatedAt
      ? [{ label: t('approval.escalated'), value: when(approval.escalatedAt) }]
      : approval.escalateAt
        ? [{ label: t('approval.escalateAt'), value: when(approval.escalateAt) }]
        : []),
  ];
  return (
    <Container
      header={
        <Header variant="h2" description={progressText(progress, t, pending)}>
          {t('approval.title')}
        </Header>
      }
    >
      <SpaceBetween size="m">
        {explained && standing ? (
          <Alert
            type={standing.kind === 'can' ? 'success' : 'info'}
            header={
              standing.kind === 'can' ? t('approval.standing.canHeader') : t('approval.standing.cannotHeader')
            }
          >
            {explained}
          </Alert>
        ) : null}
        <StagesTable progress={progress} decided={!pending} />
        {timers.length > 0 ? <KeyValuePairs columns={2} items={timers} /> : null}
      </SpaceBetween>
    </Container>
  );
}
