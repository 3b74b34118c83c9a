import { useCallback, useEffect, useRef, useState } from 'react';
import { useTeamApi } from './context';
import { toApiError, type ApiError } from './errors';
import type {
  Page,
  Request,
  RequestApprovers,
  RequestChange,
  RequestFormOptions,
  RequestListName,
  Settings,
} from './model';

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` on mount and whenever `key` changes; `reload` runs it again. Late answers of
 * superseded runs are dropped.
 */
export function useAsync<T>(load: () => Promise<T>, key: string): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setState((current) => ({ ...current, loading: true }));
    loadRef.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: toApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface PagedList<T> {
  items: T[];
  /** First load (or a refresh) in progress. */
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | undefined;
  /** More items exist on the server. */
  hasMore: boolean;
  loadMore: () => void;
  /** Reloads from the first page, as many items as were shown (live updates, refresh button). */
  refresh: () => void;
}

/** Most pages a refresh reads to get back to what was shown. */
const MAX_REFRESH_PAGES = 20;

/**
 * A server-paginated list (`nextToken`): the first page on mount, more on `loadMore`, and
 * `refresh` re-reads what was shown. Tables filter, sort and page over the loaded items.
 */
export function usePagedList<T>(
  fetchPage: (nextToken: string | null) => Promise<Page<T>>,
  key: string,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const generation = useRef(0);
  const shown = useRef(0);

  const readFromStart = useCallback(async (wanted: number) => {
    const run = ++generation.current;
    setLoading(true);
    setError(undefined);
    try {
      const collected: T[] = [];
      let token: string | null = null;
      for (let page = 0; page < MAX_REFRESH_PAGES; page += 1) {
        const result: Page<T> = await fetchRef.current(token);
        collected.push(...result.items);
        token = result.nextToken;
        // A page may be short (even empty) while more exist: keep reading until enough.
        if (!token || (collected.length >= wanted && collected.length > 0)) break;
      }
      if (run !== generation.current) return;
      shown.current = collected.length;
      setItems(collected);
      setNextToken(token);
    } catch (caught) {
      if (run === generation.current) setError(toApiError(caught));
    } finally {
      if (run === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    shown.current = 0;
    setItems([]);
    void readFromStart(1);
  }, [key, readFromStart]);

  const refresh = useCallback(() => void readFromStart(Math.max(1, shown.current)), [readFromStart]);

  const loadMore = useCallback(() => {
    if (!nextToken || loadingMore) return;
    const run = generation.current;
    setLoadingMore(true);
    fetchRef
      .current(nextToken)
      .then(
        (page) => {
          if (run !== generation.current) return;
          setItems((current) => {
            const merged = [...current, ...page.items];
            shown.current = merged.length;
            return merged;
          });
          setNextToken(page.nextToken);
        },
        (caught: unknown) => run === generation.current && setError(toApiError(caught)),
      )
      .finally(() => setLoadingMore(false));
  }, [nextToken, loadingMore]);

  return { items, loading, loadingMore, error, hasMore: nextToken !== null, loadMore, refresh };
}

/** Page size the request tables ask for. */
export const REQUEST_PAGE_SIZE = 50;

/** One of the request lists (my requests, approvals, access, audit), paginated. */
export function useRequestList(list: RequestListName): PagedList<Request> {
  const api = useTeamApi();
  return usePagedList((nextToken) => api.listRequests(list, { limit: REQUEST_PAGE_SIZE, nextToken }), list);
}

/** The caller's own requests, newest first. */
export function useMyRequests(): PagedList<Request> {
  return useRequestList('myRequests');
}

/** The settings without secrets (everyone may read them). */
export function useSettings(): AsyncState<Settings> {
  const api = useTeamApi();
  return useAsync(() => api.settings(), 'settings');
}

/** What the create-request form may offer the caller: one query, no waterfall. */
export function useRequestFormOptions(): AsyncState<RequestFormOptions> {
  const api = useTeamApi();
  return useAsync(() => api.requestFormOptions(), 'requestFormOptions');
}

/**
 * Who would approve the caller's request for an account and permission set, loaded whenever
 * both are chosen (no data while either is missing).
 */
export function useRequestApprovers(
  accountId: string | undefined,
  permissionSetArn: string | undefined,
): AsyncState<RequestApprovers | undefined> {
  const api = useTeamApi();
  return useAsync(
    () =>
      accountId && permissionSetArn
        ? api.requestApprovers(accountId, permissionSetArn)
        : Promise.resolve(undefined),
    `requestApprovers:${accountId ?? ''}:${permissionSetArn ?? ''}`,
  );
}

/** Debounce of live refetches: one status change can publish several events in a row. */
export const LIVE_REFRESH_DELAY_MS = 300;

/**
 * Subscribes to request changes on a channel (the caller's user id, or `AUDIT`) while mounted.
 * `onChange` runs once per burst of events, and after a reconnect (events may have been missed).
 * No channel: no subscription.
 */
export function useRequestChanges(
  channel: string | undefined,
  onChange: (change: RequestChange | undefined) => void,
  options: { delayMs?: number; onError?: (error: ApiError) => void } = {},
): void {
  const api = useTeamApi();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onErrorRef = useRef(options.onError);
  onErrorRef.current = options.onError;
  const delay = options.delayMs ?? LIVE_REFRESH_DELAY_MS;

  useEffect(() => {
    if (!channel) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: RequestChange | undefined;
    const fire = (change: RequestChange | undefined) => {
      last = change;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        onChangeRef.current(last);
      }, delay);
    };
    const unsubscribe = api.onRequestChange(channel, {
      next: (change) => fire(change),
      reconnected: () => fire(undefined),
      error: (error) => onErrorRef.current?.(error),
    });
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
    };
  }, [api, channel, delay]);
}
