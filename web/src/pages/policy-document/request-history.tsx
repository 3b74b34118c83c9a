import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import ProgressBar from '@cloudscape-design/components/progress-bar';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useRef, useState } from 'react';
import { useTeamApi } from '../../api/context';
import { toApiError } from '../../api/errors';
import type { RequestHistoryImportResult, RequestHistoryPreview } from '../../api/model';
import { useFlash } from '../../app/flash';
import { ConfirmModal } from '../../components/modals';
import { StatusBadge } from '../../features/requests/status-badge';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import {
  MAX_ITEMS_PER_PART,
  splitHistory,
  sumPreviews,
  sumResults,
  type HistoryPart,
  type HistoryProblem,
} from './history-parts';

/** Unknown users listed by name before the rest are counted. */
const UNKNOWN_USERS_SHOWN = 50;

/** What was previewed, part by part: an import sends exactly these parts. */
interface Previewed {
  parts: HistoryPart[];
  preview: RequestHistoryPreview;
}

/** Which part of how many is being sent. */
interface Progress {
  part: number;
  parts: number;
}

/** A part the server refused, with its message. */
interface PartFailure extends Progress {
  first: number;
  last: number;
  message: string;
}

function problemText(problem: HistoryProblem, t: Translate, locale: string): string {
  const n = (value: number) => value.toLocaleString(locale);
  switch (problem.kind) {
    case 'notJson':
      return t('history.error.notJson');
    case 'shape':
      return t('history.error.shape');
    case 'empty':
      return t('history.error.noItems');
    case 'tooLarge':
      return t('history.error.tooLarge', { item: n(problem.item) });
    case 'duplicate':
      return t('history.error.duplicate', { item: n(problem.item), first: n(problem.first), id: problem.id });
  }
}

/** The item of its part the server's message names first ("Item 646 (request …): …"), if any. */
function itemNamed(message: string): number | undefined {
  const match = /^Item (\d+)\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The server's message about a part, and where that part (and the item named) is in the file. */
function PartFailureContent({ failure }: { failure: PartFailure }) {
  const { t, locale } = useI18n();
  const n = (value: number) => value.toLocaleString(locale);
  const item = itemNamed(failure.message);
  const inFile = item === undefined ? undefined : failure.first + item - 1;
  return (
    <>
      <Box variant="p">{failure.message}</Box>
      {failure.parts > 1 ? (
        <Box variant="p">
          {item !== undefined && inFile !== undefined && inFile <= failure.last
            ? t('history.failed.itemInFile', {
                part: failure.part,
                first: n(failure.first),
                last: n(failure.last),
                item: n(item),
                inFile: n(inFile),
              })
            : t('history.failed.items', {
                part: failure.part,
                first: n(failure.first),
                last: n(failure.last),
              })}
        </Box>
      ) : null}
    </>
  );
}

function PreviewView({ previewed }: { previewed: Previewed }) {
  const { t, locale, timeZone } = useI18n();
  const { preview, parts } = previewed;
  const n = (value: number) => value.toLocaleString(locale);
  const when = (value: string | null) => (value ? formatDateTime(value, locale, timeZone) : '-');
  const shown = preview.unknownUsers.slice(0, UNKNOWN_USERS_SHOWN);
  const more = preview.unknownUsers.length - shown.length;
  return (
    <KeyValuePairs
      columns={3}
      items={[
        {
          label: t('history.total'),
          value:
            parts.length > 1
              ? t('history.total.parts', { count: n(preview.total), parts: parts.length })
              : n(preview.total),
        },
        { label: t('history.toImport'), value: n(preview.toImport) },
        { label: t('history.alreadyImported'), value: n(preview.alreadyImported) },
        {
          label: t('history.byStatus'),
          value: (
            <>
              {preview.byStatus.map(({ status, count }) => (
                <Box key={status}>
                  <StatusBadge status={status} />{' '}
                  <Box variant="span" fontWeight="bold">
                    {n(count)}
                  </Box>
                </Box>
              ))}
            </>
          ),
        },
        {
          label: t('history.period'),
          value:
            preview.from || preview.to
              ? t('history.period.value', { from: when(preview.from), to: when(preview.to) })
              : '-',
        },
        {
          label: t('history.unknownUsers'),
          value:
            preview.unknownUsers.length === 0 ? (
              t('history.unknownUsers.none')
            ) : (
              <>
                <Box>
                  {shown.join(', ')}
                  {more > 0 ? ` ${t('history.unknownUsers.more', { count: n(more) })}` : ''}
                </Box>
                <Box variant="small" color="text-body-secondary">
                  {t('history.unknownUsers.description')}
                </Box>
              </>
            ),
        },
      ]}
    />
  );
}

/**
 * Administration → Policy document → Request history from the original TEAM: read its
 * `requests` items (a scan's output or a list) in the browser, split them into parts the server
 * takes, preview every part and show the sums, then import the parts one after another.
 */
export function RequestHistorySection() {
  const { t, locale } = useI18n();
  const api = useTeamApi();
  const { notify } = useFlash();
  const [files, setFiles] = useState<File[]>([]);
  /** The chosen file's text, once read (kept out of the text area: a table's export can be large). */
  const fileText = useRef<Promise<string | undefined>>(Promise.resolve(undefined));
  const [fileError, setFileError] = useState<string | undefined>();
  const [pasted, setPasted] = useState('');
  const [pastedError, setPastedError] = useState<string | undefined>();
  const [previewing, setPreviewing] = useState<Progress | undefined>();
  const [previewError, setPreviewError] = useState<PartFailure | undefined>();
  const [previewed, setPreviewed] = useState<Previewed | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [importing, setImporting] = useState<Progress | undefined>();
  const [importError, setImportError] = useState<
    (PartFailure & { done: RequestHistoryImportResult }) | undefined
  >();
  // Answers to a preview the admin has moved on from (another file, other text) are dropped.
  const generation = useRef(0);
  const busy = previewing !== undefined || importing !== undefined;
  const n = (value: number) => value.toLocaleString(locale);

  /** What was previewed no longer matches the form: forget it. */
  const invalidate = () => {
    generation.current += 1;
    setPreviewed(undefined);
    setPreviewError(undefined);
    setImportError(undefined);
    setPreviewing(undefined);
  };

  const chooseFiles = (chosen: File[]) => {
    invalidate();
    setFiles(chosen);
    setFileError(undefined);
    const file = chosen[0];
    if (!file) {
      fileText.current = Promise.resolve(undefined);
      return;
    }
    // A file replaces what was pasted.
    setPasted('');
    setPastedError(undefined);
    // Preview waits for the file to be read.
    fileText.current = file.text().catch((caught: unknown) => {
      setFileError(t('document.file.readError', { message: caught instanceof Error ? caught.message : '' }));
      return undefined;
    });
  };

  const preview = async () => {
    const fromFile = files.length > 0;
    const setError = fromFile ? setFileError : setPastedError;
    invalidate();
    setError(undefined);
    const run = generation.current;
    // Busy while the file is still being read.
    setPreviewing({ part: 1, parts: 1 });
    const text = fromFile ? await fileText.current : pasted;
    if (run !== generation.current) return;
    const stop = (problem: string | undefined) => {
      setPreviewing(undefined);
      setError(problem);
    };
    if (text === undefined) return stop(undefined);
    if (text.trim() === '') return stop(fromFile ? t('history.error.noItems') : t('history.error.empty'));
    const split = splitHistory(text);
    if (!split.ok) return stop(problemText(split.problem, t, locale));
    const { parts } = split;
    const previews: RequestHistoryPreview[] = [];
    for (const [index, part] of parts.entries()) {
      setPreviewing({ part: index + 1, parts: parts.length });
      try {
        previews.push(await api.previewRequestHistoryImport(part.items));
      } catch (caught) {
        if (run !== generation.current) return;
        setPreviewing(undefined);
        setPreviewError({
          part: index + 1,
          parts: parts.length,
          first: part.first,
          last: part.last,
          message: toApiError(caught).message,
        });
        return;
      }
      if (run !== generation.current) return;
    }
    setPreviewing(undefined);
    setPreviewed({ parts, preview: sumPreviews(previews) });
  };

  const runImport = async (what: Previewed) => {
    setImportError(undefined);
    const { parts } = what;
    const results: RequestHistoryImportResult[] = [];
    for (const [index, part] of parts.entries()) {
      setImporting({ part: index + 1, parts: parts.length });
      try {
        results.push(await api.importRequestHistory(part.items));
      } catch (caught) {
        setImporting(undefined);
        setImportError({
          part: index + 1,
          parts: parts.length,
          first: part.first,
          last: part.last,
          message: toApiError(caught).message,
          done: sumResults(results),
        });
        return;
      }
    }
    const done = sumResults(results);
    setImporting(undefined);
    invalidate();
    setFiles([]);
    fileText.current = Promise.resolve(undefined);
    setPasted('');
    // The flash shows at the top of the page, far above the Import button.
    window.scrollTo({ top: 0 });
    notify({
      type: 'success',
      content: t('history.imported', {
        imported: n(done.imported),
        alreadyImported: n(done.alreadyImported),
      }),
    });
  };

  const progress = previewing ?? importing;

  return (
    <Container
      header={
        <Header variant="h2" description={t('history.description')}>
          {t('history.title')}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <FormField
          label={t('history.file')}
          description={t('history.file.description')}
          errorText={fileError}
        >
          <FileUpload
            value={files}
            accept=".json,.txt,application/json,text/plain"
            showFileSize
            onChange={({ detail }) => {
              if (!busy) chooseFiles(detail.value);
            }}
          />
        </FormField>
        <FormField
          label={t('history.text')}
          description={t('history.text.description')}
          errorText={pastedError}
          stretch
        >
          <Textarea
            value={pasted}
            rows={6}
            spellcheck={false}
            disabled={importing !== undefined}
            onChange={({ detail }) => {
              invalidate();
              // Pasted text replaces the file.
              if (files.length > 0) {
                setFiles([]);
                fileText.current = Promise.resolve(undefined);
                setFileError(undefined);
              }
              setPasted(detail.value);
              setPastedError(undefined);
            }}
          />
        </FormField>
        <Button
          variant={previewed ? 'normal' : 'primary'}
          loading={previewing !== undefined}
          disabled={importing !== undefined}
          onClick={() => void preview()}
        >
          {t('history.preview')}
        </Button>
        {progress && progress.parts > 1 ? (
          <ProgressBar
            label={importing ? t('history.importing') : t('history.previewing')}
            description={t('history.progress', { part: progress.part, parts: progress.parts })}
            value={Math.round(((progress.part - 1) / progress.parts) * 100)}
          />
        ) : null}
        {importing && importing.parts === 1 ? <Box>{t('history.importing')}</Box> : null}
        {previewError ? (
          <Alert
            type="error"
            header={
              previewError.parts > 1
                ? t('history.preview.failedPart', { part: previewError.part, parts: previewError.parts })
                : t('history.preview.failed')
            }
          >
            <PartFailureContent failure={previewError} />
          </Alert>
        ) : null}
        {previewed ? (
          <SpaceBetween size="m">
            <Header
              variant="h3"
              description={t('history.preview.description')}
              actions={
                previewed.preview.toImport > 0 ? (
                  <Button
                    variant="primary"
                    loading={importing !== undefined}
                    onClick={() => setConfirming(true)}
                  >
                    {t('history.import')}
                  </Button>
                ) : null
              }
            >
              {t('history.preview.title')}
            </Header>
            <PreviewView previewed={previewed} />
            {previewed.preview.toImport === 0 ? (
              <Alert type="info" header={t('history.nothing.title')}>
                {t('history.nothing.content')}
              </Alert>
            ) : null}
          </SpaceBetween>
        ) : null}
        {importError ? (
          <Alert
            type="error"
            header={
              importError.parts > 1
                ? t('history.import.failedPart', { part: importError.part, parts: importError.parts })
                : t('history.import.failed')
            }
          >
            <PartFailureContent failure={importError} />
            {importError.part > 1 ? (
              <Box variant="p">
                {t('history.import.failed.done', {
                  imported: n(importError.done.imported),
                  alreadyImported: n(importError.done.alreadyImported),
                })}
              </Box>
            ) : null}
            <Box variant="p">{t('history.import.failed.again')}</Box>
          </Alert>
        ) : null}
      </SpaceBetween>
      {confirming && previewed ? (
        <ConfirmModal
          header={t('history.confirm.header')}
          confirmLabel={t('history.import')}
          onDismiss={() => setConfirming(false)}
          onConfirm={() => {
            // The modal closes at once: the parts' progress shows on the page.
            setConfirming(false);
            void runImport(previewed);
            return Promise.resolve();
          }}
        >
          <ul>
            <li>{t('history.confirm.toImport', { count: n(previewed.preview.toImport) })}</li>
            <li>{t('history.confirm.alreadyImported', { count: n(previewed.preview.alreadyImported) })}</li>
            {previewed.parts.length > 1 ? (
              <li>
                {t('history.confirm.parts', {
                  parts: previewed.parts.length,
                  size: n(MAX_ITEMS_PER_PART),
                })}
              </li>
            ) : null}
          </ul>
          <Box>{t('history.confirm.readOnly')}</Box>
        </ConfirmModal>
      ) : null}
    </Container>
  );
}
