import Button from '@cloudscape-design/components/button';
import { useMemo, type ReactNode } from 'react';
import { useRequestChanges, useRequestList } from '../../api/hooks';
import type { Request, RequestListName } from '../../api/model';
import { useT } from '../../i18n';
import { DataTable } from '../../components/data-table';
import { useFlash } from '../../app/flash';
import { useRequestActions, type RequestAction } from './request-actions';
import { accountLabel, requestCsvColumns, useRequestColumns, type RequestColumnId } from './request-columns';
import { useRouter } from '../../app/router';
import { matchRoute, requestDetailsPath } from '../../app/routes';
import { useMe } from '../../app/session';

export interface RequestListPageProps {
  /** Key of the table preferences. */
  id: string;
  list: RequestListName;
  title: string;
  description: string;
  columns: readonly RequestColumnId[];
  /**
   * Columns hidden until the user shows them (preferences): what does not fit beside the
   * navigation at 1400 px and is seen on the request's page anyway.
   */
  hidden?: readonly RequestColumnId[];
  /** Realtime channel to refetch on: the caller's own, or AUDIT (auditors). */
  channel: 'self' | 'audit';
  /** Header action buttons for the selected request. */
  actions?: (
    selected: Request | undefined,
    open: (action: RequestAction, request: Request) => void,
  ) => ReactNode;
  csvFilename?: string;
  emptyTitle: string;
  emptyDescription?: string;
  emptyAction?: ReactNode;
  /** Drops items the page must never show (e.g. one's own request in the approval queue). */
  keep?: (request: Request) => boolean;
  defaultSorting?: { columnId: RequestColumnId; descending?: boolean };
  /** Initial column widths in pixels, where this page wants them other than the defaults. */
  widths?: Partial<Record<RequestColumnId, number>>;
  /** Wrap long cells by default (until the user's preferences say otherwise). */
  wrapLines?: boolean;
}

/**
 * A request list page: the table over a paginated list, a "View details" action, the
 * approve/reject/cancel/revoke modals, and live refetch on request changes.
 */
export function RequestListPage(props: RequestListPageProps) {
  const t = useT();
  const me = useMe();
  const { navigate, path } = useRouter();
  const { notify } = useFlash();
  const list = useRequestList(props.list);
  const specs = useRequestColumns(props.columns);
  const { widths, hidden } = props;
  const columns = useMemo(
    () =>
      specs.map((c) => {
        const id = c.id as RequestColumnId;
        const width = widths?.[id];
        return {
          ...c,
          ...(width === undefined ? {} : { width }),
          ...(hidden?.includes(id) ? { visible: false } : {}),
        };
      }),
    [specs, widths, hidden],
  );
  const actions = useRequestActions(list.refresh);
  const csvColumns = useMemo(() => requestCsvColumns(t), [t]);

  useRequestChanges(props.channel === 'audit' ? 'AUDIT' : me.userId, () => list.refresh(), {
    onError: (error) =>
      notify({ id: 'live-updates', type: 'warning', header: t('live.paused'), content: error.message }),
  });

  const keep = props.keep;
  const items = useMemo(() => (keep ? list.items.filter(keep) : list.items), [list.items, keep]);

  return (
    <>
      <DataTable<Request>
        id={props.id}
        title={props.title}
        description={props.description}
        ariaLabel={props.title}
        items={items}
        trackBy={(r) => r.id}
        itemLabel={(r) => `${accountLabel(r.account)} ${r.permissionSet.name}`}
        columns={columns}
        loading={list.loading}
        loadingMore={list.loadingMore}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        onRefresh={list.refresh}
        error={list.error}
        selectionType="single"
        csvFilename={props.csvFilename}
        csvColumns={csvColumns}
        emptyTitle={props.emptyTitle}
        emptyDescription={props.emptyDescription}
        emptyAction={props.emptyAction}
        defaultSorting={props.defaultSorting}
        wrapLines={props.wrapLines}
        actions={(selected) => {
          const request = selected[0];
          return (
            <>
              <Button
                disabled={!request}
                onClick={() =>
                  request && navigate(requestDetailsPath(request.id, matchRoute(path)?.route.name))
                }
              >
                {t('actions.viewDetails')}
              </Button>
              {props.actions?.(request, actions.open)}
            </>
          );
        }}
      />
      {actions.modal}
    </>
  );
}
