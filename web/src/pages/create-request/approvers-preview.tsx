import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { AsyncState } from '../../api/hooks';
import type { ApproverStage, RequestApprovers } from '../../api/model';
import { useT, type Translate } from '../../i18n';

/** Names listed per line before "and N more": keeps a large approver group to one or two lines. */
const NAMES_PER_LINE = 8;

interface ApproverLine {
  key: string;
  /** The group's name; undefined: people a policy names directly. */
  group: string | undefined;
  names: string[];
}

/** The approvers by the group they come from (in the order found), then those named directly. */
function approverLines(approvers: RequestApprovers['approvers']): ApproverLine[] {
  const byGroup = new Map<string, ApproverLine>();
  const named: string[] = [];
  for (const approver of approvers) {
    const name = approver.name ?? approver.id;
    for (const group of approver.groups) {
      const line = byGroup.get(group.id) ?? { key: group.id, group: group.name, names: [] };
      line.names.push(name);
      byGroup.set(group.id, line);
    }
    if (approver.named || approver.groups.length === 0) named.push(name);
  }
  const lines = [...byGroup.values()];
  if (named.length > 0) lines.push({ key: 'named', group: undefined, names: named });
  for (const line of lines) line.names.sort((a, b) => a.localeCompare(b));
  return lines;
}

/** The approvers of a stage (or of the whole request), by group then named directly. */
function ApproverLines({ approvers }: { approvers: RequestApprovers['approvers'] }) {
  const t = useT();
  return (
    <>
      {approverLines(approvers).map((line) => {
        const shown = line.names.slice(0, NAMES_PER_LINE).join(', ');
        const more = line.names.length - NAMES_PER_LINE;
        return (
          <Box key={line.key} variant="div">
            <Box variant="strong">{line.group ?? t('create.approvers.named')}</Box>
            {`${t('create.approvers.separator')}${shown}`}
            {more > 0 ? ` ${t('create.approvers.more', { count: more })}` : null}
          </Box>
        );
      })}
    </>
  );
}

/** "Stage 1 · Team leads — 1 approval". */
function stageHeading(stage: ApproverStage, index: number, t: Translate): string {
  const number = t('approval.stageTitle', { n: index + 1 });
  const title = stage.name ? `${number} · ${stage.name}` : number;
  const needed = t(
    stage.required === 1 ? 'create.approvers.stageNeeds.one' : 'create.approvers.stageNeeds.other',
    {
      count: stage.required,
    },
  );
  return `${title} — ${needed}`;
}

/** Whether the stages say more than the approver list: several stages, a name, or a quorum. */
function showsStages(stages: readonly ApproverStage[]): boolean {
  const only = stages[0];
  return stages.length > 1 || (only !== undefined && (only.name !== null || only.required > 1));
}

export interface ApproversPreviewProps {
  /** The caller's approvers for the chosen account and role. */
  state: AsyncState<RequestApprovers | undefined>;
  /** Hours a pending request waits for a decision. */
  expiryHours: number;
}

/**
 * Who will be asked to approve the request being written, before it is submitted: the stages in
 * order with the approvals each needs, the names by approver group (and those a policy names
 * directly), "no approval needed", or a plain warning when nobody can approve (the server
 * refuses such a request).
 */
export function ApproversPreview({ state, expiryHours }: ApproversPreviewProps) {
  const t = useT();
  if (state.loading) {
    return (
      <Alert type="info">
        <StatusIndicator type="loading">{t('create.approvers.loading')}</StatusIndicator>
      </Alert>
    );
  }
  if (state.error) {
    return (
      <Alert
        type="warning"
        header={t('create.approvers.loadError')}
        action={<Button onClick={state.reload}>{t('common.retry')}</Button>}
      >
        {state.error.message}
      </Alert>
    );
  }
  const found = state.data;
  if (!found) return null;
  if (!found.approvalRequired) {
    return (
      <Alert type="info" header={t('create.role.noApproval')}>
        {t('create.info.noApproval')}
      </Alert>
    );
  }
  if (found.approvers.length === 0 && found.stages.every((stage) => stage.approvers.length === 0)) {
    return (
      <Alert type="warning" header={t('create.approvers.nobody.header')}>
        {t('create.approvers.nobody')}
      </Alert>
    );
  }
  return (
    <Alert type="info" header={t('create.approvers.header')}>
      <SpaceBetween size="xs">
        <Box variant="p">{t('create.info.approval', { hours: expiryHours })}</Box>
        {showsStages(found.stages) ? (
          <SpaceBetween size="xs">
            {found.stages.map((stage, index) => (
              <Box key={index} variant="div">
                <Box variant="strong">{`${stageHeading(stage, index, t)}${t('create.approvers.separator')}`}</Box>
                <Box variant="div" padding={{ left: 'm' }}>
                  {stage.approvers.length > 0 ? (
                    <ApproverLines approvers={stage.approvers} />
                  ) : (
                    t('details.nobody')
                  )}
                </Box>
              </Box>
            ))}
            {found.stages.length > 1 ? (
              <Box variant="small">{t('create.approvers.stagesInOrder')}</Box>
            ) : null}
          </SpaceBetween>
        ) : (
          <Box variant="div">
            <ApproverLines approvers={found.approvers} />
          </Box>
        )}
      </SpaceBetween>
    </Alert>
  );
}
