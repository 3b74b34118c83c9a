import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError } from '../../api/errors';
import { useSettings } from '../../api/hooks';
import type { InvalidateOuCacheResult, Settings } from '../../api/model';
import { useFlash } from '../../app/flash';
import { ConfirmModal } from '../../components/modals';
import { parseOuIds } from '../../components/validation';
import { useI18n } from '../../i18n';
import { formatDateTime, formatHours } from '../../i18n/format';
import { formatTimer } from './approval-timers';
import { formatLifetime } from './ou-cache-lifetime';
import { SettingsModal } from './settings-modal';

/** Slack app manifest for the "Install Slack app" link: the scopes TEAM's notifier needs. */
export function slackManifestUrl(): string {
  const manifest = {
    display_information: { name: 'TEAM' },
    features: { bot_user: { display_name: 'TEAM', always_online: false } },
    oauth_config: {
      scopes: {
        bot: [
          'channels:read',
          'chat:write',
          'groups:read',
          'im:write',
          'usergroups:read',
          'users:read',
          'users.profile:read',
          'users:read.email',
        ],
      },
    },
    settings: { org_deploy_enabled: false, socket_mode_enabled: false, token_rotation_enabled: false },
  };
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(manifest))}`;
}

function Summary({ settings }: { settings: Settings }) {
  const { t, locale, timeZone } = useI18n();
  const onOff = (value: boolean) => (
    <StatusIndicator type={value ? 'success' : 'stopped'}>
      {value ? t('common.enabled') : t('common.disabled')}
    </StatusIndicator>
  );
  const required = (value: boolean) => (value ? t('common.required') : t('common.notRequired'));
  /** Whether a write-only secret is stored: its value is never shown (nor known here). */
  const configured = (value: boolean) =>
    value ? (
      <StatusIndicator type="success">{t('settings.slackToken.configured')}</StatusIndicator>
    ) : (
      <StatusIndicator type="stopped">{t('settings.slackToken.notConfigured')}</StatusIndicator>
    );
  const orDefault = (value: string | null) => value || t('settings.deploymentDefault');
  return (
    <ColumnLayout columns={3} variant="text-grid">
      <SpaceBetween size="m">
        <Header variant="h3">{t('settings.request')}</Header>
        <KeyValuePairs
          items={[
            { label: t('settings.maxDuration'), value: formatHours(settings.maxDurationHours, t, locale) },
            { label: t('settings.expiry'), value: formatHours(settings.expiryHours, t, locale) },
            { label: t('settings.commentsRequired'), value: required(settings.commentsRequired) },
            { label: t('settings.ticketRequired'), value: required(settings.ticketRequired) },
            { label: t('settings.approvalWorkflow'), value: onOff(settings.approvalWorkflow) },
          ]}
        />
      </SpaceBetween>
      <SpaceBetween size="m">
        <Header variant="h3">{t('settings.groups')}</Header>
        <KeyValuePairs
          items={[
            { label: t('settings.adminGroup'), value: orDefault(settings.adminGroupName) },
            { label: t('settings.auditorGroup'), value: orDefault(settings.auditorGroupName) },
            { label: t('settings.ouCache'), value: onOff(settings.ouCacheEnabled) },
            {
              label: t('settings.ouCacheLifetime'),
              value: formatLifetime(settings.ouCacheLifetimeHours, t, locale),
            },
            {
              label: t('settings.sensitiveActions'),
              // A long list: its count, with the actions themselves one click away.
              value:
                settings.sensitiveActions.length > 0 ? (
                  <ExpandableSection
                    variant="inline"
                    headerText={t(
                      settings.sensitiveActions.length === 1
                        ? 'settings.sensitiveActions.count.one'
                        : 'settings.sensitiveActions.count.other',
                      { count: settings.sensitiveActions.length },
                    )}
                  >
                    {settings.sensitiveActions.map((a) => (
                      <Box key={a} variant="code" display="block">
                        {a}
                      </Box>
                    ))}
                  </ExpandableSection>
                ) : (
                  '-'
                ),
            },
          ]}
        />
      </SpaceBetween>
      <SpaceBetween size="m">
        <Header variant="h3">{t('settings.notifications')}</Header>
        <KeyValuePairs
          items={[
            { label: t('settings.ses'), value: onOff(settings.sesEnabled) },
            { label: t('settings.sesSourceEmail'), value: settings.sesSourceEmail || '-' },
            { label: t('settings.sesSourceArn'), value: settings.sesSourceArn || '-' },
            { label: t('settings.sns'), value: onOff(settings.snsEnabled) },
            { label: t('settings.slack'), value: onOff(settings.slackEnabled) },
            { label: t('settings.slackToken'), value: configured(settings.slackTokenConfigured) },
            {
              label: t('settings.slackSigningSecret'),
              value: configured(settings.slackSigningSecretConfigured),
            },
            { label: t('settings.slackAuditChannel'), value: settings.slackAuditChannel || '-' },
            { label: t('settings.teams'), value: onOff(settings.teamsEnabled) },
            { label: t('settings.teamsWebhookUrl'), value: configured(settings.teamsWebhookConfigured) },
          ]}
        />
      </SpaceBetween>
      <SpaceBetween size="m">
        <Header variant="h3">{t('settings.approvals')}</Header>
        <KeyValuePairs
          items={[
            {
              label: t('settings.reminder'),
              value:
                settings.reminderMinutes > 0
                  ? t('settings.timer.after', { time: formatTimer(settings.reminderMinutes, t, locale) })
                  : t('settings.timer.never'),
            },
            {
              label: t('settings.escalation'),
              value:
                settings.escalationMinutes > 0
                  ? t('settings.timer.after', { time: formatTimer(settings.escalationMinutes, t, locale) })
                  : t('settings.timer.never'),
            },
            {
              label: t('settings.escalationGroups'),
              value:
                settings.escalationGroups.length > 0
                  ? settings.escalationGroups.map((g) => g.name).join(', ')
                  : '-',
            },
            { label: t('settings.breakGlass'), value: onOff(settings.breakGlassEnabled) },
          ]}
        />
      </SpaceBetween>
      {settings.updatedAt ? (
        <Box variant="small">
          {t('settings.lastSaved', {
            who: settings.updatedBy ?? '-',
            when: formatDateTime(settings.updatedAt, locale, timeZone),
          })}
        </Box>
      ) : null}
    </ColumnLayout>
  );
}

function OuCache() {
  const { t } = useI18n();
  const api = useTeamApi();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<InvalidateOuCacheResult | undefined>();

  const invalidate = async () => {
    const { ids, invalid } = parseOuIds(text);
    setResult(undefined);
    if (ids.length === 0) return setError(t('ouCache.error.empty'));
    if (invalid.length > 0) return setError(t('ouCache.error.invalid', { ids: invalid.join(', ') }));
    setError(undefined);
    setBusy(true);
    try {
      setResult(await api.invalidateOuCache(ids));
    } catch (caught) {
      setError(toApiError(caught).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Container
      header={
        <Header variant="h2" description={t('ouCache.description')}>
          {t('ouCache.title')}
        </Header>
      }
    >
      <SpaceBetween size="m">
        <FormField
          label={t('ouCache.ids')}
          description={t('ouCache.ids.description')}
          constraintText={t('ouCache.ids.constraint')}
          errorText={error}
          stretch
        >
          <Textarea
            value={text}
            rows={3}
            placeholder={'ou-abcd-12345678\nr-abcd'}
            onChange={({ detail }) => {
              setText(detail.value);
              setError(undefined);
            }}
          />
        </FormField>
        <Button loading={busy} onClick={() => void invalidate()}>
          {t('ouCache.invalidate')}
        </Button>
        {result ? (
          <Alert type={result.failed.length > 0 ? 'warning' : 'success'} header={result.message}>
            <SpaceBetween size="xxs">
              {result.invalidated.length > 0 ? (
                <Box>{t('ouCache.invalidated', { ids: result.invalidated.join(', ') })}</Box>
              ) : null}
              {result.failed.length > 0 ? (
                <Box>{t('ouCache.failed', { ids: result.failed.join(', ') })}</Box>
              ) : null}
            </SpaceBetween>
          </Alert>
        ) : null}
      </SpaceBetween>
    </Container>
  );
}

/**
 * "Reconcile now": asks for confirmation, starts a run of the reconciler (it runs in the
 * background) and says when it started.
 */
function ReconcileNow({ onDismiss }: { onDismiss: () => void }) {
  const { t, locale, timeZone } = useI18n();
  const api = useTeamApi();
  const { notify } = useFlash();
  return (
    <ConfirmModal
      header={t('reconcile.confirm.header')}
      confirmLabel={t('reconcile.confirm.action')}
      onDismiss={onDismiss}
      onConfirm={async () => {
        const { startedAt } = await api.reconcileNow();
        onDismiss();
        notify({
          type: 'success',
          content: t('reconcile.started', { time: formatDateTime(startedAt, locale, timeZone) }),
        });
      }}
    >
      <Box>{t('reconcile.confirm.content')}</Box>
      <Box>{t('reconcile.confirm.history')}</Box>
    </ConfirmModal>
  );
}

/** Administration → Settings: read-only summary, Edit modal, OU cache management, Reconcile now. */
export default function SettingsPage() {
  const { t } = useI18n();
  const settings = useSettings();
  const { notify } = useFlash();
  const [editing, setEditing] = useState(false);
  const [reconciling, setReconciling] = useState(false);

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={t('settings.description')}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button href={slackManifestUrl()} target="_blank" iconName="external" iconAlign="right">
                {t('settings.installSlack')}
              </Button>
              <Button onClick={() => setReconciling(true)}>{t('reconcile.button')}</Button>
              <Button variant="primary" disabled={!settings.data} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            </SpaceBetween>
          }
        >
          {t('nav.settings')}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">{t('settings.current')}</Header>}>
          {settings.error ? (
            <Alert
              type="error"
              header={t('settings.loadError')}
              action={<Button onClick={settings.reload}>{t('common.retry')}</Button>}
            >
              {settings.error.message}
            </Alert>
          ) : settings.data ? (
            <Summary settings={settings.data} />
          ) : (
            <Spinner size="large" />
          )}
        </Container>
        <OuCache />
      </SpaceBetween>
      {reconciling ? <ReconcileNow onDismiss={() => setReconciling(false)} /> : null}
      {editing && settings.data ? (
        <SettingsModal
          settings={settings.data}
          onDismiss={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            notify({ type: 'success', content: t('settings.saved') });
            settings.reload();
          }}
        />
      ) : null}
    </ContentLayout>
  );
}
