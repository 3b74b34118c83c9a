import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The time source of the app: the real clock, or a fixed one in tests. */
export interface Clock {
  now(): number;
  /** Calls the listener every second while subscribed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** One shared one-second timer, running only while a countdown is on screen. */
export function systemClock(): Clock {
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    now: () => Date.now(),
    subscribe(listener) {
      listeners.add(listener);
      timer ??= setInterval(() => listeners.forEach((l) => l()), 1000);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}

/** A clock that never moves unless told (tests). */
export function fixedClock(at: number | string): Clock & { set(to: number | string): void } {
  let now = typeof at === 'string' ? Date.parse(at) : at;
  const listeners = new Set<() => void>();
  return {
    now: () => now,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(to) {
      now = typeof to === 'string' ? Date.parse(to) : to;
      listeners.forEach((l) => l());
    },
  };
}

const defaultClock = systemClock();
const ClockContext = createContext<Clock>(defaultClock);

export function ClockProvider({ clock, children }: { clock: Clock; children: ReactNode }) {
  return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}

export function useClock(): Clock {
  return useContext(ClockContext);
}

/** The current time, re-rendering every second while mounted (for countdowns). */
export function useNow(): number {
  const clock = useClock();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    setNow(clock.now());
    return clock.subscribe(() => setNow(clock.now()));
  }, [clock]);
  return now;
}
