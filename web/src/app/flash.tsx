import type { FlashbarProps } from '@cloudscape-design/components/flashbar';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiError } from '../api/errors';

export type FlashType = 'success' | 'error' | 'warning' | 'info';

export interface FlashMessage {
  type: FlashType;
  header?: string;
  content: string;
  /** Replaces an earlier message with the same id instead of stacking. */
  id?: string;
}

interface FlashValue {
  items: FlashbarProps.MessageDefinition[];
  notify: (message: FlashMessage) => void;
  dismiss: (id: string) => void;
  clear: () => void;
}

const FlashContext = createContext<FlashValue | null>(null);

/** At most this many messages stay on screen; older ones go first. */
const MAX_MESSAGES = 5;

/** Page-level notifications shown in the app layout's Flashbar. */
export function FlashProvider({ children, dismissLabel }: { children: ReactNode; dismissLabel: string }) {
  const [messages, setMessages] = useState<(FlashMessage & { id: string })[]>([]);
  const counter = useRef(0);

  const dismiss = useCallback(
    (id: string) => setMessages((current) => current.filter((m) => m.id !== id)),
    [],
  );
  const notify = useCallback((message: FlashMessage) => {
    counter.current += 1;
    const id = message.id ?? `flash-${counter.current}`;
    setMessages((current) =>
      [{ ...message, id }, ...current.filter((m) => m.id !== id)].slice(0, MAX_MESSAGES),
    );
  }, []);
  const clear = useCallback(() => setMessages([]), []);

  const value = useMemo<FlashValue>(
    () => ({
      items: messages.map((m) => ({
        id: m.id,
        type: m.type,
        header: m.header,
        content: m.content,
        dismissible: true,
        dismissLabel,
        onDismiss: () => dismiss(m.id),
      })),
      notify,
      dismiss,
      clear,
    }),
    [messages, notify, dismiss, clear, dismissLabel],
  );
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

/** `notify` and friends of the enclosing FlashProvider. */
export function useFlash(): FlashValue {
  const value = useContext(FlashContext);
  if (!value) throw new Error('useFlash must be used inside a FlashProvider.');
  return value;
}

/** Flash content for an API error: the server's message, which is written for people. */
export function errorFlash(error: ApiError, header: string, id?: string): FlashMessage {
  return { type: 'error', header, content: error.message, id };
}
