import { I18nProvider } from '@cloudscape-design/components/i18n';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as z from 'zod/mini';
import { en, type MessageKey, type Messages } from './en';

export type { MessageKey, Messages } from './en';

export const LANGUAGES = ['en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

const languageSchema = z.enum(LANGUAGES);
const STORAGE_KEY = 'team.language';

/** Our catalog for a language: English is built in, Japanese is a separate chunk. */
export async function loadCatalog(language: Language): Promise<Messages> {
  if (language === 'en') return en;
  return (await import('./ja')).ja;
}

/** Cloudscape's own strings (aria labels, pagination, date pickers...) for one language. */
export type CloudscapeMessages = Parameters<typeof I18nProvider>[0]['messages'][number];

/** Loads Cloudscape's message bundle for a language (a separate chunk each). */
export async function loadCloudscapeMessages(language: Language): Promise<CloudscapeMessages> {
  const module =
    language === 'ja'
      ? await import('@cloudscape-design/components/i18n/messages/all.ja')
      : await import('@cloudscape-design/components/i18n/messages/all.en');
  return module.default;
}

/** The language stored by the language switch, if it is one we speak. */
export function readStoredLanguage(
  storage: Storage | undefined = globalThis.localStorage,
): Language | undefined {
  try {
    const parsed = languageSchema.safeParse(storage?.getItem(STORAGE_KEY));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function storeLanguage(
  language: Language,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled: the choice then lasts until the page is reloaded.
  }
}

/** The stored language, else the browser's preference, else English. */
export function initialLanguage(
  storage: Storage | undefined = globalThis.localStorage,
  preferred: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages,
): Language {
  const stored = readStoredLanguage(storage);
  if (stored) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** Replaces `{name}` placeholders with the given values. */
export function interpolate(template: string, values?: Readonly<Record<string, string | number>>): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export interface I18nValue {
  language: Language;
  /** BCP 47 locale for Intl formatting. */
  locale: string;
  /** The user's IANA time zone. */
  timeZone: string;
  t: Translate;
  setLanguage: (language: Language) => void;
}

const I18nContext = createContext<I18nValue | null>(null);

function localeFor(language: Language): string {
  if (language === 'ja') return 'ja-JP';
  const browser = typeof navigator === 'undefined' ? undefined : navigator.language;
  return browser && browser.toLowerCase().startsWith('en') ? browser : 'en-US';
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export interface LanguageProviderProps {
  initial: Language;
  /** Catalogs already loaded (main.tsx awaits the initial language's); English is always there. */
  catalogs?: Partial<Record<Language, Messages>>;
  /** Cloudscape bundles already loaded (main.tsx awaits the first before rendering). */
  cloudscapeMessages?: Partial<Record<Language, CloudscapeMessages>>;
  /** Time zone override (tests); default: the browser's. */
  timeZone?: string;
  /** Where the choice is kept; default localStorage. */
  storage?: Storage;
  children: ReactNode;
}

/** Our catalog, Cloudscape's strings and the language switch, for everything below. */
export function LanguageProvider({
  initial,
  catalogs: preloaded,
  cloudscapeMessages,
  timeZone,
  storage,
  children,
}: LanguageProviderProps) {
  const [language, setLanguageState] = useState<Language>(initial);
  const [bundles, setBundles] = useState<Partial<Record<Language, CloudscapeMessages>>>(
    () => cloudscapeMessages ?? {},
  );
  const [catalogs, setCatalogs] = useState<Partial<Record<Language, Messages>>>(() => ({ en, ...preloaded }));

  useEffect(() => {
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback(
    (next: Language) => {
      storeLanguage(next, storage ?? globalThis.localStorage);
      setLanguageState(next);
      if (!bundles[next]) {
        loadCloudscapeMessages(next)
          .then((messages) => setBundles((current) => ({ ...current, [next]: messages })))
          .catch(() => undefined);
      }
      if (!catalogs[next]) {
        loadCatalog(next)
          .then((catalog) => setCatalogs((current) => ({ ...current, [next]: catalog })))
          .catch(() => undefined);
      }
    },
    [bundles, catalogs, storage],
  );

  const value = useMemo<I18nValue>(() => {
    // Until a catalog has loaded, English stands in.
    const catalog = catalogs[language] ?? en;
    return {
      language,
      locale: localeFor(language),
      timeZone: timeZone ?? browserTimeZone(),
      t: (key, values) => interpolate(catalog[key], values),
      setLanguage,
    };
  }, [language, catalogs, setLanguage, timeZone]);

  const messages = bundles[language];
  return (
    <I18nContext.Provider value={value}>
      <I18nProvider locale={language} messages={messages ? [messages] : []}>
        {children}
      </I18nProvider>
    </I18nContext.Provider>
  );
}

/** The current language, `t` and the switch. */
export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside a LanguageProvider.');
  return value;
}

/** Shorthand for `useI18n().t`. */
export function useT(): Translate {
  return useI18n().t;
}
