import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import { useT } from '../i18n';
import type { ConfigProblem } from './config';
import { Standalone } from './status-pages';

// Pages for things that went wrong before the shell could start; loaded only when needed.

/** `/config.json` is missing or invalid: tell the operator what to fix. */
export function ConfigErrorPage({ problem }: { problem: ConfigProblem }) {
  const t = useT();
  let detail: ReactNode;
  switch (problem.kind) {
    case 'unreachable':
      detail = t('configError.unreachable', { detail: problem.detail });
      break;
    case 'http':
      detail = t('configError.http', { status: problem.status });
      break;
    case 'json':
      detail = t('configError.json', { detail: problem.detail });
      break;
    case 'invalid':
      detail = (
        <>
          {t('configError.invalid')}
          <ul>
            {problem.issues.map((issue) => (
              <li key={issue}>{issue}</li>
            ))}
          </ul>
        </>
      );
      break;
  }
  return (
    <Standalone>
      <SpaceBetween size="m">
        <Header variant="h1">{t('app.title')}</Header>
        <Alert type="error" header={t('configError.header')}>
          <SpaceBetween size="s">
            <Box>{detail}</Box>
            <Box variant="small">{t('configError.hint')}</Box>
          </SpaceBetween>
        </Alert>
      </SpaceBetween>
    </Standalone>
  );
}

/** The caller could not be loaded (`me` failed). */
export function SessionErrorPage(props: { message: string; onRetry: () => void; onSignOut: () => void }) {
  const t = useT();
  return (
    <Standalone>
      <Alert
        type="error"
        header={t('sessionError.header')}
        action={
          <SpaceBetween direction="horizontal" size="xs">
            <Button onClick={props.onRetry}>{t('common.retry')}</Button>
            <Button onClick={props.onSignOut}>{t('top.signOut')}</Button>
          </SpaceBetween>
        }
      >
        {props.message}
      </Alert>
    </Standalone>
  );
}
