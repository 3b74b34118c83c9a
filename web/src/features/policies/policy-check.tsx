import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Popover from '@cloudscape-design/components/popover';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useCallback, useMemo, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError, type ApiError } from '../../api/errors';
import { useAsync } from '../../api/hooks';
import type { PolicyCheck, PolicyFinding } from '../../api/model';
import { useNow } from '../../app/clock';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { formatDateTime, formatRelativeTime } from '../../i18n/format';

export type PolicyKind = PolicyFinding['policyKind'];
export type StaleReference = PolicyFinding['references'][number];

const KIND_LABEL: Readonly<Record<StaleReference['kind'], MessageKey>> = {
  USER: 'policyCheck.kind.USER',
  GROUP: 'policyCheck.kind.GROUP',
  ACCOUNT: 'policyCheck.kind.ACCOUNT',
  OU: 'policyCheck.kind.OU',
  PERMISSION_SET: 'policyCheck.kind.PERMISSION_SET',
};

/** "Group Platform admins — deleted", "Permission set Admin — renamed to AdministratorAccess". */
export function describeReference(ref: StaleReference, t: Translate): string {
  let problem: string;
  if (ref.problem === 'RENAMED') {
    problem = ref.currentName
      ? t('policyCheck.problem.renamed', { name: ref.currentName })
      : t('policyCheck.problem.renamedUnknown');
  } else {
    // An account is closed or leaves the organization; the rest are deleted.
    problem =
      ref.kind === 'ACCOUNT' ? t('policyCheck.problem.accountGone') : t('policyCheck.problem.deleted');
  }
  return t('policyCheck.reference', { kind: t(KIND_LABEL[ref.kind]), name: ref.name, problem });
}

export interface PolicyCheckState {
  /** The latest report: null when no check ever ran, undefined while it loads. */
  check: PolicyCheck | null | undefined;
  loadError: ApiError | undefined;
  reload: () => void;
  /** A check the admin asked for is running. */
  checking: boolean;
  checkError: ApiError | undefined;
  checkNow: () => void;
}

/** The latest policy check, and "check now" (which shows its report as soon as it is done). */
export function usePolicyCheck(): PolicyCheckState {
  const api = useTeamApi();
  const loaded = useAsync(() => api.policyCheck(), 'policyCheck');
  const [fresh, setFresh] = useState<PolicyCheck | undefined>();
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<ApiError | undefined>();

  const checkNow = useCallback(() => {
    setChecking(true);
    setCheckError(undefined);
    api.checkPoliciesNow().then(
      (report) => {
        setFresh(report);
        setChecking(false);
      },
      (caught: unknown) => {
        setCheckError(toApiError(caught));
        setChecking(false);
      },
    );
  }, [api]);

  // Whichever report is newer: the one asked for here, or one read later.
  const stored = loaded.data;
  const check =
    fresh && (!stored || Date.parse(fresh.checkedAt) >= Date.parse(stored.checkedAt)) ? fresh : stored;
  return {
    check,
    loadError: loaded.error,
    reload: loaded.reload,
    checking,
    checkError,
    checkNow,
  };
}

/** The stale references of each policy of one kind, by policy id. */
export function staleByPolicy(
  check: PolicyCheck | null | undefined,
  kind: PolicyKind,
): ReadonlyMap<string, readonly StaleReference[]> {
  const byId = new Map<string, StaleReference[]>();
  for (const finding of check?.findings ?? []) {
    if (finding.policyKind !== kind || finding.references.length === 0) continue;
    byId.set(finding.policyId, [...(byId.get(finding.policyId) ?? []), ...finding.references]);
  }
  return byId;
}

/** "Last checked 5 minutes ago (Sep 1, 2026, 8:00 AM UTC)." */
function LastChecked({ checkedAt }: { checkedAt: string }) {
  const { t, locale, timeZone } = useI18n();
  const now = useNow();
  // A server clock a little ahead must not read "in 1 minute".
  const relative =
    now - Date.parse(checkedAt) < 45_000
      ? t('policyCheck.justNow')
      : formatRelativeTime(checkedAt, now, locale);
  return <>{t('policyCheck.lastChecked', { relative, time: formatDateTime(checkedAt, locale, timeZone) })}</>;
}

/**
 * What the latest policy check says about the policies on a page: a warning naming how many
 * name something that no longer exists, or that none does, or that no check ran yet; when it
 * ran, and "Check now".
 */
export function PolicyCheckSummary(props: {
  state: PolicyCheckState;
  /** The policies on the page and their stale references (only policies still listed count). */
  stale: ReadonlyMap<string, readonly StaleReference[]>;
  /** The policy list has loaded (before that, nothing is counted). */
  ready: boolean;
}) {
  const { t } = useI18n();
  const { state, stale } = props;
  const { check } = state;
  const checkNow = (
    <Button loading={state.checking} onClick={state.checkNow}>
      {t('policyCheck.checkNow')}
    </Button>
  );
  const checkError = state.checkError ? (
    <Alert type="error" header={t('policyCheck.error')}>
      {state.checkError.message}
    </Alert>
  ) : null;

  if (state.loadError && check === undefined) {
    return (
      <SpaceBetween size="xs">
        <Alert
          type="error"
          header={t('policyCheck.loadError')}
          action={<Button onClick={state.reload}>{t('common.retry')}</Button>}
        >
          {state.loadError.message}
        </Alert>
        {checkError}
      </SpaceBetween>
    );
  }
  if (check === undefined || !props.ready) return null;

  if (check && stale.size > 0) {
    return (
      <SpaceBetween size="xs">
        <Alert
          type="warning"
          header={
            stale.size === 1
              ? t('policyCheck.found.one')
              : t('policyCheck.found.other', { count: stale.size })
          }
          action={checkNow}
        >
          <SpaceBetween size="xxs">
            <Box>{t('policyCheck.found.content')}</Box>
            {check.truncated ? <Box>{t('policyCheck.truncated')}</Box> : null}
            <Box color="text-body-secondary">
              <LastChecked checkedAt={check.checkedAt} />
            </Box>
          </SpaceBetween>
        </Alert>
        {checkError}
      </SpaceBetween>
    );
  }

  return (
    <SpaceBetween size="xs">
      <SpaceBetween direction="horizontal" size="s" alignItems="center">
        {check ? (
          <StatusIndicator type="success">
            {t('policyCheck.ok')} <LastChecked checkedAt={check.checkedAt} />
          </StatusIndicator>
        ) : (
          <StatusIndicator type="info">{t('policyCheck.never')}</StatusIndicator>
        )}
        {checkNow}
      </SpaceBetween>
      {checkError}
    </SpaceBetween>
  );
}

/** "Stale" on a policy's row, with its stale references in a popover. */
export function StaleIndicator(props: { references: readonly StaleReference[]; checkedAt: string }) {
  const { t, locale, timeZone } = useI18n();
  return (
    <Popover
      header={t('policyCheck.stale.header')}
      size="large"
      triggerType="text"
      renderWithPortal
      dismissButton={false}
      content={
        <SpaceBetween size="xs">
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {props.references.map((ref) => (
              <li key={`${ref.kind}:${ref.id}`}>{describeReference(ref, t)}</li>
            ))}
          </ul>
          <Box variant="small" color="text-body-secondary">
            {t('policyCheck.stale.checkedAt', { time: formatDateTime(props.checkedAt, locale, timeZone) })}
          </Box>
        </SpaceBetween>
      }
    >
      <StatusIndicator type="warning">{t('policyCheck.stale')}</StatusIndicator>
    </Popover>
  );
}

/** The stale references of the listed policies only (a finding may be about a policy deleted since). */
export function useListedStale(
  check: PolicyCheck | null | undefined,
  kind: PolicyKind,
  ids: readonly string[],
): ReadonlyMap<string, readonly StaleReference[]> {
  return useMemo(() => {
    const all = staleByPolicy(check, kind);
    const listed = new Map<string, readonly StaleReference[]>();
    for (const id of ids) {
      const refs = all.get(id);
      if (refs) listed.set(id, refs);
    }
    return listed;
  }, [check, kind, ids]);
}
