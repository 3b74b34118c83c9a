import Flashbar from '@cloudscape-design/components/flashbar';
import cloudscapeEn from '@cloudscape-design/components/i18n/messages/all.en';
import cloudscapeJa from '@cloudscape-design/components/i18n/messages/all.ja';
import createWrapper from '@cloudscape-design/components/test-utils/dom';

/** The Cloudscape wrapper of the document. */
export type PageWrapper = ReturnType<typeof createWrapper>;
import { act, cleanup, render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { afterEach } from 'vitest';
import { ApiProvider } from '../../../web/src/api/context';
import type { Me } from '../../../web/src/api/model';
import { ClockProvider, fixedClock } from '../../../web/src/app/clock';
import { FlashProvider, useFlash } from '../../../web/src/app/flash';
import { memoryHistory, RouterProvider, type AppHistory } from '../../../web/src/app/router';
import { SessionProvider, type AppInfo } from '../../../web/src/app/session';
import { LanguageProvider, type Language } from '../../../web/src/i18n';
import { en } from '../../../web/src/i18n/en';
import { ja } from '../../../web/src/i18n/ja';
import { NOW } from './data';
import type { MemoryTeamApi } from './memory-api';

/** Unmounts after each test and forgets stored preferences (vitest globals are off). */
export function setupWebTests(): void {
  afterEach(() => {
    cleanup();
    localStorage.clear();
    sessionStorage.clear();
  });
}

export const APP_INFO: AppInfo = {
  idcStartUrl: 'https://d-1234567890.awsapps.com/start',
  version: '0.1.0',
  sessionLogs: 'none',
};

function Flashes() {
  const { items } = useFlash();
  return <Flashbar items={items} />;
}

export interface Harness {
  api: MemoryTeamApi;
  history: AppHistory & { entries: string[] };
  clock: ReturnType<typeof fixedClock>;
  /** Cloudscape wrapper of the whole document (modals render in portals). */
  page: PageWrapper;
}

export interface ProviderOptions {
  api: MemoryTeamApi;
  path?: string;
  language?: Language;
  me?: Me;
  now?: string;
  signOut?: () => void;
}

/** Every provider the signed-in app has, around `children`. */
export function Providers(
  props: ProviderOptions & { children: ReactNode; history: AppHistory; clock: ReturnType<typeof fixedClock> },
) {
  return (
    <LanguageProvider
      initial={props.language ?? 'en'}
      catalogs={{ en, ja }}
      cloudscapeMessages={{ en: cloudscapeEn, ja: cloudscapeJa }}
      timeZone="UTC"
    >
      <ClockProvider clock={props.clock}>
        <ApiProvider api={props.api}>
          <RouterProvider history={props.history}>
            <FlashProvider dismissLabel="Dismiss">
              <SessionProvider
                value={{
                  me: props.me ?? props.api.data.me,
                  app: APP_INFO,
                  signOut: props.signOut ?? (() => undefined),
                }}
              >
                {props.children}
              </SessionProvider>
            </FlashProvider>
          </RouterProvider>
        </ApiProvider>
      </ClockProvider>
    </LanguageProvider>
  );
}

/** Renders one page (or the shell) with an in-memory API, a fixed clock and a Flashbar. */
export function renderWithApp(ui: ReactElement, options: ProviderOptions): Harness {
  const history = memoryHistory(options.path ?? '/');
  const clock = fixedClock(options.now ?? NOW);
  render(
    <Providers {...options} history={history} clock={clock}>
      <Flashes />
      {ui}
    </Providers>,
  );
  return { api: options.api, history, clock, page: createWrapper() };
}

/**
 * Waits until `find` returns something, then returns it. Polls between macrotasks instead of
 * using testing-library's waitFor: its MutationObserver re-checks inside act() on every DOM
 * change, and some Cloudscape inputs touch their attributes on each check, which starved the
 * promises under test.
 */
export async function waitForElement<T>(
  find: () => T | null | undefined | false,
  timeout = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const found = find();
      if (found) return found;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
}

/** Lets pending promises and effects settle. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

/** Texts of the flash messages shown. */
export function flashTexts(page: PageWrapper): string[] {
  return (page.findFlashbar()?.findItems() ?? []).map((item) => item.getElement().textContent ?? '');
}

/** The form field whose label is `label` (exactly, ignoring surrounding space), in `scope`. */
export function field(scope: { getElement(): Element }, label: string) {
  const page = createWrapper(scope.getElement() as HTMLElement);
  const found = page
    .findAllFormFields()
    .find((f) => (f.findLabel()?.getElement().textContent ?? '').trim() === label);
  if (!found) {
    const labels = page.findAllFormFields().map((f) => f.findLabel()?.getElement().textContent);
    throw new Error(`No form field labelled "${label}"; there are: ${labels.join(', ')}`);
  }
  return found;
}

/** The button whose text is `text`, in `scope`. */
export function button(scope: { getElement(): Element }, text: string) {
  const page = createWrapper(scope.getElement() as HTMLElement);
  const found = page.findAllButtons().find((b) => (b.getElement().textContent ?? '').trim() === text);
  if (!found) throw new Error(`No button "${text}"`);
  return found;
}

/** The rows of the page's table, as text ([] while loading or empty). */
export function tableRows(page: PageWrapper): string[] {
  return (page.findTable()?.findRows() ?? []).map((r) => r.getElement().textContent ?? '');
}

/** Waits until the page's table has loaded (rows, or its empty state). */
export async function tableLoaded(page: PageWrapper): Promise<void> {
  await waitForElement(() => {
    const table = page.findTable();
    if (!table || table.findLoadingText()) return false;
    return table.findRows().length > 0 || table.findEmptySlot() !== null;
  });
}
