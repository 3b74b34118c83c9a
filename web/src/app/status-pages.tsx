import type { ReactNode } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useT } from '../i18n';
import { useRouter } from './router';

/** Unknown address. */
export function NotFoundPage() {
  const t = useT();
  const { navigate } = useRouter();
  return (
    <ContentLayout header={<Header variant="h1">{t('notFound.title')}</Header>}>
      <Container>
        <SpaceBetween size="m">
          <Box>{t('notFound.content')}</Box>
          <Button onClick={() => navigate('/')}>{t('common.goHome')}</Button>
        </SpaceBetween>
      </Container>
    </ContentLayout>
  );
}

/** A page for a persona the caller does not hold (the API refuses the data too). */
export function NoAccessPage() {
  const t = useT();
  const { navigate } = useRouter();
  return (
    <ContentLayout header={<Header variant="h1">{t('noAccess.title')}</Header>}>
      <Container>
        <SpaceBetween size="m">
          <Box>{t('noAccess.content')}</Box>
          <Button onClick={() => navigate('/')}>{t('common.goHome')}</Button>
        </SpaceBetween>
      </Container>
    </ContentLayout>
  );
}

/** Full-screen frame of the pages shown outside the app layout. */
export function Standalone({ children }: { children: ReactNode }) {
  return <main style={{ maxWidth: 720, margin: '10vh auto', padding: '0 16px' }}>{children}</main>;
}

/** While the app checks the session or loads the caller. */
export function LoadingPage() {
  const t = useT();
  return (
    <Standalone>
      <Box textAlign="center" padding="xxl">
        <Spinner size="large" /> <Box variant="span">{t('common.loading')}</Box>
      </Box>
    </Standalone>
  );
}

/** Signed out: what TEAM is and the Sign in button. */
export function SplashPage(props: { onSignIn: () => void; signingIn: boolean; error?: string }) {
  const t = useT();
  return (
    <Standalone>
      <Container
        header={
          <Header variant="h1" description={t('splash.subtitle')}>
            {t('app.title')}
          </Header>
        }
      >
        <SpaceBetween size="l">
          {props.error ? (
            <div role="alert">
              <Box color="text-status-error">
                <Box variant="strong" color="inherit">
                  {t('splash.failed')}
                </Box>{' '}
                {props.error}
              </Box>
            </div>
          ) : null}
          <Box>{t('splash.intro')}</Box>
          <Button variant="primary" loading={props.signingIn} onClick={props.onSignIn}>
            {t('splash.signIn')}
          </Button>
        </SpaceBetween>
      </Container>
    </Standalone>
  );
}
