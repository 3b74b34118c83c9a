import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useRef, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError, type ApiError } from '../../api/errors';
import type { PolicyDocumentFormat, PolicyImportPreview } from '../../api/model';
import { useClock } from '../../app/clock';
import { useFlash } from '../../app/flash';
import { downloadText } from '../../components/download';
import { ConfirmModal } from '../../components/modals';
import { useI18n } from '../../i18n';
import { zonedParts } from '../../i18n/format';
import { countsText, importChangesSomething, ImportPreviewView } from './import-preview';
import { RequestHistorySection } from './request-history';

const FORMATS: readonly PolicyDocumentFormat[] = ['TEAM', 'ORIGINAL_TEAM'];

/** Today's date where the admin is, for file names: `team-policies-2026-09-01.json`. */
function useToday(): () => string {
  const clock = useClock();
  const { timeZone } = useI18n();
  return () => zonedParts(new Date(clock.now()), timeZone).date;
}

function ExportSection() {
  const { t } = useI18n();
  const api = useTeamApi();
  const today = useToday();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const document = await api.exportPolicies();
      downloadText(`team-policies-${today()}.json`, document);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t('document.export.description')}
          actions={
            <Button iconName="download" loading={busy} onClick={() => void download()}>
              {t('document.export.download')}
            </Button>
          }
        >
          {t('document.export.title')}
        </Header>
      }
    >
      {error ? (
        <Alert type="error" header={t('document.export.error')}>
          {error.message}
        </Alert>
      ) : null}
    </Container>
  );
}

/** A preview and exactly what was previewed: an import sends this text and format with its digest. */
interface Previewed {
  document: string;
  format: PolicyDocumentFormat;
  preview: PolicyImportPreview;
}

function ImportSection() {
  const { t } = useI18n();
  const api = useTeamApi();
  const today = useToday();
  const { notify } = useFlash();
  const [format, setFormat] = useState<PolicyDocumentFormat>('TEAM');
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | undefined>();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | undefined>();
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<ApiError | undefined>();
  const [previewed, setPreviewed] = useState<Previewed | undefined>();
  const [conflict, setConflict] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // Answers to a preview the admin has moved on from (new text, format or preview) are dropped.
  const generation = useRef(0);

  /** What was previewed no longer matches the form: forget it. */
  const invalidate = () => {
    generation.current += 1;
    setPreviewed(undefined);
    setPreviewError(undefined);
    setConflict(false);
    setPreviewing(false);
  };

  const chooseFiles = async (chosen: File[]) => {
    invalidate();
    setFiles(chosen);
    setFileError(undefined);
    const file = chosen[0];
    if (!file) return;
    const run = generation.current;
    try {
      const content = await file.text();
      if (run !== generation.current) return;
      setText(content);
      setTextError(undefined);
    } catch (caught) {
      if (run !== generation.current) return;
      setFileError(t('document.file.readError', { message: caught instanceof Error ? caught.message : '' }));
    }
  };

  const preview = async () => {
    if (text.trim() === '') {
      setTextError(t('document.error.empty'));
      return;
    }
    invalidate();
    const run = generation.current;
    const request = { document: text, format };
    setPreviewing(true);
    try {
      const result = await api.previewPolicyImport(request.document, request.format);
      if (run === generation.current) setPreviewed({ ...request, preview: result });
    } catch (caught) {
      if (run === generation.current) setPreviewError(toApiError(caught));
    } finally {
      if (run === generation.current) setPreviewing(false);
    }
  };

  const apply = async (what: Previewed) => {
    let counts;
    try {
      counts = await api.importPolicies(what.document, what.format, what.preview.digest);
    } catch (caught) {
      const error = toApiError(caught);
      if (error.errorType !== 'Conflict') throw error;
      // The stored policies moved on: this preview says nothing about them any more.
      setConfirming(false);
      invalidate();
      setConflict(true);
      return;
    }
    setConfirming(false);
    invalidate();
    setFiles([]);
    setText('');
    // The flash shows at the top of the page, far above the Apply button.
    window.scrollTo({ top: 0 });
    notify({
      type: 'success',
      content: t('document.applied', {
        eligibility: countsText(counts.eligibility, t),
        approvers: countsText(counts.approvers, t),
        settings: counts.settingsChanged ? t('document.settings.changed') : t('document.settings.unchanged'),
      }),
    });
  };

  const actions = previewed ? (
    <SpaceBetween direction="horizontal" size="xs">
      {previewed.format === 'ORIGINAL_TEAM' ? (
        <Button
          iconName="download"
          onClick={() => downloadText(`team-policies-converted-${today()}.json`, previewed.preview.document)}
        >
          {t('document.downloadConverted')}
        </Button>
      ) : null}
      {importChangesSomething(previewed.preview.counts) ? (
        <Button variant="primary" onClick={() => setConfirming(true)}>
          {t('document.apply')}
        </Button>
      ) : null}
    </SpaceBetween>
  ) : null;

  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header variant="h2" description={t('document.import.description')}>
            {t('document.import.title')}
          </Header>
        }
      >
        <SpaceBetween size="l">
          <FormField label={t('document.format')} stretch>
            <RadioGroup
              value={format}
              onChange={({ detail }) => {
                const next = FORMATS.find((f) => f === detail.value);
                if (!next) return;
                invalidate();
                setFormat(next);
              }}
              items={FORMATS.map((f) => ({
                value: f,
                label: t(f === 'TEAM' ? 'document.format.TEAM' : 'document.format.ORIGINAL_TEAM'),
                description: t(
                  f === 'TEAM'
                    ? 'document.format.TEAM.description'
                    : 'document.format.ORIGINAL_TEAM.description',
                ),
              }))}
            />
          </FormField>
          <FormField
            label={t('document.file')}
            description={t('document.file.description')}
            errorText={fileError}
          >
            <FileUpload
              value={files}
              accept=".json,.yaml,.yml,.txt,application/json,application/yaml,text/yaml,text/plain"
              showFileSize
              onChange={({ detail }) => void chooseFiles(detail.value)}
            />
          </FormField>
          <FormField
            label={t('document.text')}
            description={t('document.text.description')}
            errorText={textError}
            stretch
          >
            <Textarea
              value={text}
              rows={12}
              spellcheck={false}
              onChange={({ detail }) => {
                invalidate();
                // Edited text is no longer the file's.
                if (files.length > 0) setFiles([]);
                setText(detail.value);
                setTextError(undefined);
              }}
            />
          </FormField>
          <Button
            variant={previewed ? 'normal' : 'primary'}
            loading={previewing}
            onClick={() => void preview()}
          >
            {t('document.preview')}
          </Button>
          {previewError ? (
            <Alert type="error" header={t('document.preview.error')}>
              {previewError.message}
            </Alert>
          ) : null}
          {conflict ? (
            <Alert
              type="warning"
              header={t('document.conflict.title')}
              action={<Button onClick={() => void preview()}>{t('document.conflict.previewAgain')}</Button>}
            >
              {t('document.conflict.content')}
            </Alert>
          ) : null}
        </SpaceBetween>
      </Container>
      {previewed ? <ImportPreviewView preview={previewed.preview} actions={actions} /> : null}
      {confirming && previewed ? (
        <ConfirmModal
          header={t('document.apply.header')}
          confirmLabel={t('document.apply')}
          onDismiss={() => setConfirming(false)}
          onConfirm={() => apply(previewed)}
        >
          <Box>{t('document.apply.content')}</Box>
          <ul>
            <li>
              {t('document.changes.eligibility')}: {countsText(previewed.preview.counts.eligibility, t)}
            </li>
            <li>
              {t('document.changes.approvers')}: {countsText(previewed.preview.counts.approvers, t)}
            </li>
            <li>
              {previewed.preview.counts.settingsChanged
                ? t('document.apply.settingsChanged')
                : t('document.apply.settingsUnchanged')}
            </li>
          </ul>
          <Box>{t('document.apply.keepCopy')}</Box>
        </ConfirmModal>
      ) : null}
    </SpaceBetween>
  );
}

/**
 * Administration → Policy document: export the policies and settings, preview and import a
 * document, and import the original TEAM's request history.
 */
export default function PolicyDocumentPage() {
  const { t } = useI18n();
  return (
    <ContentLayout
      header={
        <Header variant="h1" description={t('document.description')}>
          {t('nav.policyDocument')}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <ExportSection />
        <ImportSection />
        <RequestHistorySection />
      </SpaceBetween>
    </ContentLayout>
  );
}
