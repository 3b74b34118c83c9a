import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  OperationTypeNode,
  type SelectionNode,
} from 'graphql';
import type { AppSyncResolverEvent } from 'aws-lambda';
import { z } from 'zod';
import { filterInputOf, type SubscriptionFilters } from '../../graphql/subscription-filters';
import { resolverFailureOf } from '../../lambdas/contract/api-errors';
import { API_LIMITS, type ApiLimits } from '../../lambdas/contract/api-limits';
import { nestedDeeperThan } from '../common/http-body';
import { compileAuthRules, isAllowed, type AuthRule, type Caller } from './auth-rules';
import {
  AppSyncError,
  asReturnedLambdaError,
  formatError,
  fromResolverError,
  notAuthorized,
  type AppSyncErrorEntry,
} from './errors';
import { FilterError, matchesFilter, toSubscriptionFilter, type SubscriptionFilter } from './filters';
import { identityOf, type IamIdentityOptions } from './identity';
import { limitBreachOf, limitError } from './limits';
import { responseByFieldName, selectionSetGraphQL, selectionSetList } from './selection';

/** The event every root field's resolver receives: AppSync's direct Lambda resolver event. */
export type ResolverEvent = AppSyncResolverEvent<Record<string, unknown>, null>;

/** The backend: called once per root field (Query, Mutation, and Subscription at subscribe time). */
export type Resolve = (event: ResolverEvent) => unknown;

/** A GraphQL response as AppSync sends it. */
export interface AppSyncResponse {
  data?: Record<string, unknown> | null;
  errors?: AppSyncErrorEntry[];
}

/** Live counters, for tests and benchmarks. */
export interface AppSyncStats {
  httpRequests: number;
  unauthorizedRequests: number;
  resolverInvocations: number;
  /** Resolver invocations per `Type.field`. */
  byField: Record<string, number>;
  subscriptionsStarted: number;
  messagesPushed: number;
}

/** What `onRequest` is told about each operation. */
export interface RequestRecord {
  transport: 'http' | 'realtime';
  operation: OperationTypeNode | 'unknown';
  fields: string[];
  authMode: Caller['mode'] | 'none';
  outcome: 'ok' | 'errors' | 'unauthorized' | 'invalid';
}

/** Request-scoped facts the resolver event is built from. */
export interface CallContext {
  caller: Caller;
  headers: Record<string, string | undefined>;
  sourceIp: string;
}

interface Publication {
  fieldName: string;
  /** The field's key in the response (its alias, if any), to match errors to it. */
  responseKey: string | number;
  selections: readonly SelectionNode[];
  fragments: Record<string, FragmentDefinitionNode>;
}

type ExecMode =
  | { kind: 'request' }
  | { kind: 'subscribe'; args?: Record<string, unknown> }
  | { kind: 'push'; payload: unknown };

interface ExecContext extends CallContext {
  variables: Record<string, unknown>;
  mode: ExecMode;
  publications: Publication[];
}

/** One live subscription. `deliver` sends a `data` message on its connection. */
export interface Subscriber {
  readonly id: string;
  readonly fieldName: string;
  readonly call: CallContext;
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown>;
  readonly args: Record<string, unknown>;
  /**
   * The enhanced filter its subscription resolver set, if any. AppSync then filters on it
   * alone, no longer on the arguments by name.
   */
  readonly filter?: SubscriptionFilter;
  readonly deliver: (payload: AppSyncResponse) => void;
}

const requestBody = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** A GraphQL request body (`query`, `variables`, `operationName`). */
export type GraphQLRequest = z.infer<typeof requestBody>;

/**
 * How deep the values of `variables` may nest. The API's deepest input is a few levels deep; the
 * bound keeps every later walk over the variables (the resolver event is a JSON copy of them,
 * used or not) from running out of stack.
 */
export const MAX_VARIABLES_DEPTH = 32;

/** Parses a request body, or says why it cannot be run (`what` names the body in the message). */
export function readRequestBody(
  body: unknown,
  what = 'The request body',
): { request: GraphQLRequest } | { problem: string } {
  const parsed = requestBody.safeParse(body);
  if (!parsed.success) return { problem: `${what} is not a GraphQL request.` };
  if (nestedDeeperThan(parsed.data.variables, MAX_VARIABLES_DEPTH)) {
    return { problem: `The variables are nested more than ${MAX_VARIABLES_DEPTH} levels deep.` };
  }
  return { request: parsed.data };
}

function jsonClone<T>(value: T): T {
  // The event crosses a process boundary in AppSync; cloning also drops graphql-js's
  // null-prototype argument objects and detaches the event from the caller's data.
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function rootFieldNames(document: DocumentNode, operationName: string | undefined): string[] {
  const op = getOperationAST(document, operationName);
  return (
    op?.selectionSet.selections.flatMap((s) =>
      s.kind === Kind.FIELD && !s.name.value.startsWith('__') ? [s.name.value] : [],
    ) ?? []
  );
}

/**
 * The transport-free core of the emulator: parses and validates operations, enforces the
 * auth directives on every field, calls the backend for root fields, and fans mutation
 * results out to matching subscribers.
 */
export class AppSyncEngine {
  readonly stats: AppSyncStats = {
    httpRequests: 0,
    unauthorizedRequests: 0,
    resolverInvocations: 0,
    byField: {},
    subscriptionsStarted: 0,
    messagesPushed: 0,
  };
  private readonly rules: Map<string, AuthRule[]>;
  /** mutation field → subscription fields whose `@aws_subscribe` lists it */
  private readonly triggers = new Map<string, string[]>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly rootTypes: Set<string>;

  /**
   * `subscriptionFilters`: the enhanced filters the subscription resolvers set in the cloud
   * (checked against the schema by the caller, see `checkSubscriptionFilters`). `limits`: the
   * API's query depth and resolver count limits (`limits.ts`), default the deployed API's.
   */
  constructor(
    readonly schema: GraphQLSchema,
    private readonly resolve: Resolve,
    private readonly iam: IamIdentityOptions = {},
    private readonly onRequest?: (record: RequestRecord) => void,
    private readonly subscriptionFilters: SubscriptionFilters = {},
    private readonly limits: ApiLimits = API_LIMITS,
  ) {
    this.rules = compileAuthRules(schema);
    this.rootTypes = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
        t ? [t.name] : [],
      ),
    );
    const subscriptionType = schema.getSubscriptionType();
    for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
      const arg = directive?.arguments?.find((a) => a.name.value === 'mutations');
      const names = arg?.value.kind === Kind.LIST ? arg.value.values : arg ? [arg.value] : [];
      for (const v of names) {
        if (v.kind !== Kind.STRING) continue;
        this.triggers.set(v.value, [...(this.triggers.get(v.value) ?? []), field.name]);
      }
    }
  }

  /** Reports a request refused before execution (401). */
  recordUnauthorized(transport: RequestRecord['transport']): void {
    if (transport === 'http') this.stats.httpRequests += 1;
    this.stats.unauthorizedRequests += 1;
    this.onRequest?.({
      transport,
      operation: 'unknown',
      fields: [],
      authMode: 'none',
      outcome: 'unauthorized',
    });
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = async (
    source,
    args,
    ctx,
    info,
  ) => {
    const typeName = info.parentType.name;
    const rules = this.rules.get(`${typeName}.${info.fieldName}`) ?? [];
    if (!isAllowed(rules, ctx.caller)) throw notAuthorized(info.fieldName, typeName);

    if (!this.rootTypes.has(typeName)) {
      if (typeof source !== 'object' || source === null) return undefined;
      const value: unknown = (source as Record<string, unknown>)[info.fieldName];
      return typeof value === 'function' ? undefined : value;
    }
    if (ctx.mode.kind === 'push') return ctx.mode.payload;

    const event: ResolverEvent = jsonClone({
      arguments: args as Record<string, unknown>,
      identity: identityOf(ctx.caller, ctx.sourceIp, this.iam),
      source: null,
      request: { headers: ctx.headers, domainName: null },
      info: {
        fieldName: info.fieldName,
        parentTypeName: typeName,
        variables: ctx.variables,
        selectionSetList: selectionSetList(info.fieldNodes, info.fragments),
        selectionSetGraphQL: selectionSetGraphQL(info.fieldNodes),
      },
      prev: null,
      stash: {},
    });
    this.stats.resolverInvocations += 1;
    const key = `${typeName}.${info.fieldName}`;
    this.stats.byField[key] = (this.stats.byField[key] ?? 0) + 1;

    let result: unknown;
    try {
      result = await this.resolve(event);
    } catch (error) {
      throw fromResolverError(error);
    }
    const returnedError = asReturnedLambdaError(result);
    if (returnedError) throw returnedError;
    // What each deployed field's response handler does (lib/api.ts, resolverCode).
    const failure = resolverFailureOf(result);
    if (failure) throw new AppSyncError(failure.errorType, failure.message, failure.errorInfo);

    if (ctx.mode.kind === 'subscribe') {
      // Subscribe-time resolvers only authorize (AppSync's None data source pattern); what
      // subscribers receive later comes from the mutations.
      ctx.mode.args = event.arguments;
      return null;
    }
    if (info.operation.operation === OperationTypeNode.MUTATION) {
      const fieldNodes: readonly FieldNode[] = info.fieldNodes;
      ctx.publications.push({
        fieldName: info.fieldName,
        responseKey: info.path.key,
        selections: fieldNodes.flatMap((n) => n.selectionSet?.selections ?? []),
        fragments: info.fragments,
      });
    }
    return result;
  };

  private run(document: DocumentNode, request: GraphQLRequest, ctx: ExecContext): Promise<ExecutionResult> {
    return Promise.resolve(
      execute({
        schema: this.schema,
        document,
        variableValues: request.variables ?? {},
        operationName: request.operationName ?? undefined,
        contextValue: ctx,
        fieldResolver: this.fieldResolver,
      }),
    );
  }

  private static toResponse(result: ExecutionResult): AppSyncResponse {
    const response: AppSyncResponse = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) response.errors = result.errors.map(formatError);
    return response;
  }

  private prepare(
    request: GraphQLRequest,
  ): { document: DocumentNode; operation: OperationTypeNode } | { errors: AppSyncErrorEntry[] } {
    try {
      return this.prepareChecked(request);
    } catch (error) {
      // graphql-js parses and validates recursively: a document nested thousands of levels deep
      // runs out of stack before any limit is looked at.
      if (!(error instanceof RangeError)) throw error;
      const tooDeep = new GraphQLError('The query is nested too deeply to be read.');
      return { errors: [{ ...formatError(tooDeep), errorType: 'MalformedHttpRequestException' }] };
    }
  }

  private prepareChecked(
    request: GraphQLRequest,
  ): { document: DocumentNode; operation: OperationTypeNode } | { errors: AppSyncErrorEntry[] } {
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      if (error instanceof RangeError) throw error;
      const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      return { errors: [{ ...formatError(e), errorType: 'MalformedHttpRequestException' }] };
    }
    const errors = validate(this.schema, document);
    if (errors.length > 0) return { errors: errors.map((e) => ({ ...formatError(e), path: null })) };
    const op = getOperationAST(document, request.operationName ?? undefined);
    if (!op) {
      return {
        errors: [
          {
            ...formatError(new GraphQLError('Unknown or ambiguous operation.')),
            errorType: 'ValidationError',
          },
        ],
      };
    }
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    }
    const breach = limitBreachOf(op, fragments, this.limits);
    if (breach) return { errors: [{ ...formatError(limitError(breach)), errorType: breach.errorType }] };
    return { document, operation: op.operation };
  }

  /** Runs a query or mutation sent over HTTP, then pushes mutation results to subscribers. */
  async execute(request: GraphQLRequest, call: CallContext): Promise<AppSyncResponse> {
    this.stats.httpRequests += 1;
    const prepared = this.prepare(request);
    const authMode = call.caller.mode;
    if ('errors' in prepared) {
      this.onRequest?.({ transport: 'http', operation: 'unknown', fields: [], authMode, outcome: 'invalid' });
      return { data: null, errors: prepared.errors };
    }
    const fields = rootFieldNames(prepared.document, request.operationName ?? undefined);
    if (prepared.operation === OperationTypeNode.SUBSCRIPTION) {
      this.onRequest?.({
        transport: 'http',
        operation: OperationTypeNode.SUBSCRIPTION,
        fields,
        authMode,
        outcome: 'invalid',
      });
      const error = new GraphQLError('Subscriptions are served over the realtime endpoint only.');
      return { data: null, errors: [{ ...formatError(error), errorType: 'UnsupportedOperation' }] };
    }
    const ctx: ExecContext = {
      ...call,
      variables: request.variables ?? {},
      mode: { kind: 'request' },
      publications: [],
    };
    const result = await this.run(prepared.document, request, ctx);
    const response = AppSyncEngine.toResponse(result);
    this.onRequest?.({
      transport: 'http',
      operation: prepared.operation,
      fields,
      authMode,
      outcome: response.errors ? 'errors' : 'ok',
    });
    for (const p of ctx.publications) {
      // A mutation whose field came back null (refused, failed, or null propagated from a
      // non-null child) publishes nothing, like AppSync.
      const delivered = result.data?.[String(p.responseKey)];
      if (delivered === null || delivered === undefined) continue;
      await this.publish(p.fieldName, responseByFieldName(delivered, p.selections, p.fragments));
    }
    return response;
  }

  /**
   * Registers a subscription: validates it, checks the caller may use the subscription field,
   * runs its resolver (which may refuse), and records its arguments as the filter.
   */
  async subscribe(
    request: GraphQLRequest,
    call: CallContext,
    id: string,
    deliver: (payload: AppSyncResponse) => void,
  ): Promise<{ subscriber: Subscriber } | { errors: AppSyncErrorEntry[] }> {
    const prepared = this.prepare(request);
    const authMode = call.caller.mode;
    if ('errors' in prepared) {
      this.onRequest?.({
        transport: 'realtime',
        operation: 'unknown',
        fields: [],
        authMode,
        outcome: 'invalid',
      });
      return prepared;
    }
    const fields = rootFieldNames(prepared.document, request.operationName ?? undefined);
    if (prepared.operation !== OperationTypeNode.SUBSCRIPTION) {
      this.onRequest?.({
        transport: 'realtime',
        operation: prepared.operation,
        fields,
        authMode,
        outcome: 'invalid',
      });
      const error = new GraphQLError('Only subscription operations can be started on the realtime endpoint.');
      return { errors: [{ ...formatError(error), errorType: 'UnsupportedOperation' }] };
    }
    const mode: ExecMode = { kind: 'subscribe' };
    const ctx: ExecContext = { ...call, variables: request.variables ?? {}, mode, publications: [] };
    const result = await this.run(prepared.document, request, ctx);
    if (result.errors && result.errors.length > 0) {
      this.onRequest?.({
        transport: 'realtime',
        operation: OperationTypeNode.SUBSCRIPTION,
        fields,
        authMode,
        outcome: 'errors',
      });
      return { errors: result.errors.map(formatError) };
    }
    const fieldName = fields[0] ?? '';
    const args = mode.args ?? {};
    const filter = this.enhancedFilter(fieldName, args);
    if (filter instanceof AppSyncError) {
      this.onRequest?.({
        transport: 'realtime',
        operation: OperationTypeNode.SUBSCRIPTION,
        fields,
        authMode,
        outcome: 'errors',
      });
      return {
        errors: [formatError(new GraphQLError(filter.message, { path: [fieldName], originalError: filter }))],
      };
    }
    this.onRequest?.({
      transport: 'realtime',
      operation: OperationTypeNode.SUBSCRIPTION,
      fields,
      authMode,
      outcome: 'ok',
    });
    const subscriber: Subscriber = {
      id,
      fieldName,
      call,
      document: prepared.document,
      operationName: request.operationName ?? undefined,
      variables: request.variables ?? {},
      args,
      ...(filter ? { filter } : {}),
      deliver,
    };
    this.subscribers.add(subscriber);
    this.stats.subscriptionsStarted += 1;
    return { subscriber };
  }

  /**
   * What the subscription resolver's response handler sets in the cloud, after the data source
   * accepted the subscription: the field's enhanced filter with the values of its arguments.
   * A missing value is refused like the handler's `util.unauthorized()`.
   */
  private enhancedFilter(
    fieldName: string,
    args: Record<string, unknown>,
  ): SubscriptionFilter | AppSyncError | undefined {
    const rules = this.subscriptionFilters[fieldName];
    if (!rules) return undefined;
    if (rules.some((r) => args[r.argument] === null || args[r.argument] === undefined)) {
      return notAuthorized(fieldName, this.schema.getSubscriptionType()?.name ?? 'Subscription');
    }
    try {
      return toSubscriptionFilter(filterInputOf(rules, args));
    } catch (error) {
      if (error instanceof FilterError) return new AppSyncError('FilterError', error.message);
      throw error;
    }
  }

  /** Drops a subscription (stop message or closed connection). */
  unsubscribe(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
  }

  /** Number of live subscriptions. */
  get subscriptionCount(): number {
    return this.subscribers.size;
  }

  /**
   * Pushes `payload` as the result of mutation `mutationField` to every subscriber of the
   * subscription fields that `@aws_subscribe` to it: those whose enhanced filter holds for the
   * payload or, without one, whose non-null arguments equal the same-named payload fields.
   * Returns how many messages were sent.
   */
  async publish(mutationField: string, payload: unknown): Promise<number> {
    const targets = this.triggers.get(mutationField) ?? [];
    if (targets.length === 0 || payload === null || payload === undefined) return 0;
    const record = typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
    let sent = 0;
    for (const subscriber of [...this.subscribers]) {
      if (!targets.includes(subscriber.fieldName)) continue;
      const matches = subscriber.filter
        ? matchesFilter(subscriber.filter, record)
        : Object.entries(subscriber.args).every(
            ([name, value]) =>
              value === null || value === undefined || (name in record && jsonEqual(record[name], value)),
          );
      if (!matches) continue;
      const ctx: ExecContext = {
        ...subscriber.call,
        variables: subscriber.variables,
        mode: { kind: 'push', payload },
        publications: [],
      };
      const result = await this.run(
        subscriber.document,
        { query: '', variables: subscriber.variables, operationName: subscriber.operationName },
        ctx,
      );
      if (!this.subscribers.has(subscriber)) continue;
      subscriber.deliver(AppSyncEngine.toResponse(result));
      this.stats.messagesPushed += 1;
      sent += 1;
    }
    return sent;
  }
}
