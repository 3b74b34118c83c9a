/**
 * Looking at requests: `team ls [mine|approvals|active|ended|decided]` and `team show ID`.
 */
import {
  ActiveAccessDocument,
  EndedAccessDocument,
  GetRequestDocument,
  MyApprovalsDocument,
  MyRequestsDocument,
  PendingApprovalsDocument,
  RequestEventsDocument,
  type MyRequestsQuery,
  type MyRequestsQueryVariables,
} from '../../../graphql/generated/operations';
import { stringOf, type CommandSpec } from '../args';
import { required } from '../context';
import { usageError } from '../errors';
import type { GraphqlDocument } from '../graphql';
import { parseLimit } from '../inputs';
import { historyLines, requestDetails, requestTable, type AuditEvent, type Request } from '../render';

type RequestPage = MyRequestsQuery['myRequests'];

/** A list: the root field it reads, its document (a page of requests under that field), what it shows. */
interface RequestList {
  field: string;
  document: GraphqlDocument<Record<string, RequestPage>, MyRequestsQueryVariables>;
  title: string;
  /** Others' requests are in it: show who asked. */
  othersToo: boolean;
}

/** A list whose document is checked to return a page of requests under `field`. */
function list<K extends string>(
  field: K,
  document: GraphqlDocument<Record<K, RequestPage>, MyRequestsQueryVariables>,
  title: string,
  othersToo: boolean,
): RequestList {
  // The parameter type checked the document against its own field; `ls` reads it through `field`.
  return { field, document: document as RequestList['document'], title, othersToo };
}

export const REQUEST_LISTS: Record<string, RequestList> = {
  mine: list('myRequests', MyRequestsDocument, 'My requests', false),
  approvals: list('pendingApprovals', PendingApprovalsDocument, 'Waiting for my approval', true),
  active: list('activeAccess', ActiveAccessDocument, 'Active and scheduled access', true),
  ended: list('endedAccess', EndedAccessDocument, 'Ended access', true),
  decided: list('myApprovals', MyApprovalsDocument, 'Requests I approved or rejected', true),
};

/** The API's page size limit. */
const PAGE_SIZE = 100;

export const ls: CommandSpec = {
  name: 'ls',
  summary: 'List requests: mine (default), approvals waiting for me, active or ended access, decided.',
  positionals: '[mine|approvals|active|ended|decided]',
  maxPositionals: 1,
  options: {
    limit: { type: 'string', value: 'N', description: 'At most this many (default 20).' },
  },
  examples: ['team ls', 'team ls approvals', 'team ls active --json | jq -r ".items[].id"'],
  async run(ctx, values, positionals) {
    const name = positionals[0] ?? 'mine';
    const chosen = REQUEST_LISTS[name];
    if (!chosen) {
      throw usageError(`team ls lists one of: ${Object.keys(REQUEST_LISTS).join(', ')} (got "${name}").`);
    }
    const limit = parseLimit(stringOf(values, 'limit'), 20);
    const api = ctx.api();
    const items: Request[] = [];
    let nextToken: string | null = null;
    do {
      const data: Record<string, RequestPage> = await api.run(chosen.document, {
        limit: Math.min(PAGE_SIZE, limit - items.length),
        nextToken,
      });
      const page = required(data[chosen.field], chosen.title);
      items.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken && items.length < limit);
    ctx.result({ list: name, items, nextToken }, () =>
      items.length === 0
        ? `${chosen.title}: none.`
        : `${requestTable(items, ctx.timeZone, chosen.othersToo)}\n` +
          `${items.length} request${items.length === 1 ? '' : 's'}${nextToken ? ' (more with --limit)' : ''}; times in ${ctx.timeZone}.`,
    );
  },
};

/** At most this many events of one request are read for `show`. */
const MAX_EVENTS = 1000;

export const show: CommandSpec = {
  name: 'show',
  summary: 'Show one request: its details and its history.',
  positionals: 'ID',
  minPositionals: 1,
  maxPositionals: 1,
  options: {},
  examples: ['team show 5b0c2f4e-…'],
  async run(ctx, _values, positionals) {
    const id = positionals[0] ?? '';
    const api = ctx.api();
    const request = required((await api.run(GetRequestDocument, { id })).getRequest, `Request ${id}`);
    const events: AuditEvent[] = [];
    let nextToken: string | null = null;
    do {
      const { requestEvents }: { requestEvents: { items: AuditEvent[]; nextToken: string | null } } =
        await api.run(RequestEventsDocument, { requestId: id, limit: PAGE_SIZE, nextToken });
      events.push(...requestEvents.items);
      nextToken = requestEvents.nextToken;
    } while (nextToken && events.length < MAX_EVENTS);
    ctx.result(
      { request, history: events },
      () => `${requestDetails(request, ctx.timeZone)}\n\nHistory\n${historyLines(events, ctx.timeZone)}`,
    );
  },
};
