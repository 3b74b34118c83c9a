import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useT } from '../i18n';

function PageFailed() {
  const t = useT();
  // Plain components only: the chunk of a richer one might be what failed to load.
  return (
    <div role="alert">
      <Box padding="l">
        <SpaceBetween size="s">
          <Box variant="h2">{t('pageError.header')}</Box>
          <Box>{t('pageError.content')}</Box>
          <Button onClick={() => window.location.reload()}>{t('pageError.reload')}</Button>
        </SpaceBetween>
      </Box>
    </div>
  );
}

/**
 * Keeps the shell usable when a page fails to render or its chunk fails to load (typically after
 * a redeploy replaced the chunk files): offers a reload instead of a blank screen.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('TEAM page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? <PageFailed /> : this.props.children;
  }
}
