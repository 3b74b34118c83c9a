import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkSubscriptionFilters, SUBSCRIPTION_FILTERS } from '../../graphql/subscription-filters';
import { awsPrelude, buildAppSyncSchema } from '../../local/appsync/prelude';
import { REQUEST_STATUSES } from '../../lambdas/core/types';
import type { AuditAction, Persona } from '../../lambdas/core/types';

const sdl = readFileSync(fileURLToPath(new URL('../../graphql/schema.graphql', import.meta.url)), 'utf8');
const schema: GraphQLSchema = buildSchema(`${awsPrelude}\n${sdl}`);

type AnyField = GraphQLField<unknown, unknown>;

const APPSYNC_DIRECTIVES = new Set([
  'aws_subscribe',
  'aws_cognito_user_pools',
  'aws_iam',
  'aws_api_key',
  'aws_oidc',
  'aws_lambda',
  'aws_auth',
]);

function rootType(kind: 'Query' | 'Mutation' | 'Subscription'): GraphQLObjectType {
  const type =
    kind === 'Query'
      ? schema.getQueryType()
      : kind === 'Mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!type) throw new Error(`schema has no ${kind} type`);
  return type;
}

function fieldsOf(type: GraphQLObjectType): AnyField[] {
  return Object.values(type.getFields()) as AnyField[];
}

const rootFields: Array<{ root: string; field: AnyField }> = (
  ['Query', 'Mutation', 'Subscription'] as const
).flatMap((root) => fieldsOf(rootType(root)).map((field) => ({ root, field })));

function directives(
  node: { directives?: readonly ConstDirectiveNode[] } | null | undefined,
): ConstDirectiveNode[] {
  return [...(node?.directives ?? [])];
}

function directive(field: AnyField, name: string): ConstDirectiveNode | undefined {
  return directives(field.astNode).find((d) => d.name.value === name);
}

/** The cognito_groups of a directive, or undefined when the argument is absent. */
function cognitoGroups(d: ConstDirectiveNode): string[] | undefined {
  const arg = d.arguments?.find((a) => a.name.value === 'cognito_groups');
  if (!arg) return undefined;
  if (arg.value.kind !== Kind.LIST) throw new Error('cognito_groups must be a list');
  return arg.value.values.map((v) => (v.kind === Kind.STRING ? v.value : '?'));
}

function stringListArg(d: ConstDirectiveNode, name: string): string[] {
  const arg = d.arguments?.find((a) => a.name.value === name);
  if (arg?.value.kind !== Kind.LIST) return [];
  return arg.value.values.map((v) => (v.kind === Kind.STRING ? v.value : '?'));
}

function typeDirectiveNames(type: GraphQLObjectType): string[] {
  return directives(type.astNode).map((d) => d.name.value);
}

const isIamOnly = (field: AnyField): boolean =>
  directive(field, 'aws_iam') !== undefined && directive(field, 'aws_cognito_user_pools') === undefined;

/** Object types reachable through the results of these fields (including nested fields). */
function reachableObjectTypes(fields: readonly AnyField[]): Set<GraphQLObjectType> {
  const seen = new Set<GraphQLObjectType>();
  const visit = (type: GraphQLNamedType): void => {
    if (!isObjectType(type) || seen.has(type)) return;
    seen.add(type);
    for (const f of fieldsOf(type)) visit(getNamedType(f.type));
  };
  for (const f of fields) visit(getNamedType(f.type));
  return seen;
}

/** Input object types reachable through the arguments of these fields. */
function reachableInputTypes(fields: readonly AnyField[]): Set<GraphQLInputObjectType> {
  const seen = new Set<GraphQLInputObjectType>();
  const visit = (type: GraphQLNamedType): void => {
    if (!isInputObjectType(type) || seen.has(type)) return;
    seen.add(type);
    for (const f of Object.values(type.getFields())) visit(getNamedType(f.type));
  };
  for (const f of fields) for (const a of f.args) visit(getNamedType(a.type));
  return seen;
}

function inputNamesOf(fields: readonly AnyField[]): Array<{ where: string; name: string }> {
  const names = fields.flatMap((f) =>
    f.args.map((a: GraphQLArgument) => ({ where: `${f.name}(${a.name})`, name: a.name })),
  );
  for (const input of reachableInputTypes(fields)) {
    for (const f of Object.values(input.getFields()))
      names.push({ where: `${input.name}.${f.name}`, name: f.name });
  }
  return names;
}

/**
 * Fields AppSync itself keeps to the Admin group. The other admin and audit fields are open to
 * every user-pool token at the AppSync level so that machine clients (client-credentials tokens,
 * which carry scopes and no groups) reach the api handler, which decides per operation from the
 * caller's groups or scopes (see lambdas/core/authorization.ts).
 */
const ADMIN_FIELDS = [
  'Mutation.invalidateOuCache',
  'Mutation.reconcileNow',
  'Mutation.rebuildDashboard',
  'Mutation.checkPoliciesNow',
  'Query.previewRequestHistoryImport',
  'Mutation.importRequestHistory',
];
const IAM_ONLY_FIELDS = ['Mutation.publishRequestChange', 'Mutation.publishSessionLogQuery'];

const PAGED_QUERIES = [
  'reviewsPending',
  'requestEvents',
  'myRequests',
  'pendingApprovals',
  'myApprovals',
  'activeAccess',
  'endedAccess',
  'auditRequests',
  'auditSessions',
  'eligibilityPolicies',
  'approverPolicies',
  'accounts',
  'ouTree',
  'users',
  'groups',
  'permissionSets',
  'sessionLogs',
  'sessionsToReview',
];

describe('graphql/schema.graphql', () => {
  it('parses behind the AppSync prelude, with graphql-js and with the local AppSync builder', () => {
    expect(schema.getQueryType()?.name).toBe('Query');
    const appSync = buildAppSyncSchema(sdl);
    expect(Object.keys(appSync.getTypeMap()).sort()).toEqual(Object.keys(schema.getTypeMap()).sort());
  });

  it('declares no AWS scalar or directive itself and uses only AppSync directives (no @model)', () => {
    const own = parse(sdl).definitions;
    expect(
      own.filter((d) => d.kind === Kind.DIRECTIVE_DEFINITION || d.kind === Kind.SCALAR_TYPE_DEFINITION),
    ).toEqual([]);
    const used = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const d of directives(type.astNode)) used.add(d.name.value);
      for (const f of fieldsOf(type)) for (const d of directives(f.astNode)) used.add(d.name.value);
    }
    expect([...used].filter((name) => !APPSYNC_DIRECTIVES.has(name))).toEqual([]);
    expect(sdl).not.toMatch(/@model\b/);
  });

  it('keeps the operation names the SPA and the handlers use', () => {
    expect(Object.keys(rootType('Query').getFields()).sort()).toEqual(
      [
        'me',
        'requestFormOptions',
        'requestApprovers',
        'policyCheck',
        'getRequest',
        'requestEvents',
        'myRequests',
        'pendingApprovals',
        'myApprovals',
        'activeAccess',
        'endedAccess',
        'auditRequests',
        'auditSessions',
        'dashboard',
        'reviewsPending',
        'settings',
        'eligibilityPolicies',
        'approverPolicies',
        'exportPolicies',
        'previewPolicyImport',
        'previewRequestHistoryImport',
        'accounts',
        'ouTree',
        'users',
        'groups',
        'permissionSets',
        'sessionLogQuery',
        'sessionLogs',
        'sessionsToReview',
        'sessionSummary',
      ].sort(),
    );
    expect(Object.keys(rootType('Mutation').getFields()).sort()).toEqual(
      [
        'createRequest',
        'approveRequest',
        'rejectRequest',
        'cancelRequest',
        'revokeRequest',
        'createBreakGlassRequest',
        'extendRequest',
        'approveExtension',
        'rejectExtension',
        'reviewRequest',
        'createEligibilityPolicies',
        'updateEligibilityPolicy',
        'deleteEligibilityPolicies',
        'createApproverPolicies',
        'updateApproverPolicy',
        'deleteApproverPolicies',
        'importPolicies',
        'checkPoliciesNow',
        'importRequestHistory',
        'updateSettings',
        'invalidateOuCache',
        'rebuildDashboard',
        'reconcileNow',
        'startSessionLogQuery',
        'markSessionReviewed',
        'publishRequestChange',
        'publishSessionLogQuery',
      ].sort(),
    );
    expect(Object.keys(rootType('Subscription').getFields()).sort()).toEqual([
      'onRequestChange',
      'onSessionLogQuery',
    ]);
  });

  it('gives every root field an explicit auth directive, user pools or IAM only', () => {
    for (const { root, field } of rootFields) {
      const auth = directives(field.astNode)
        .map((d) => d.name.value)
        .filter((n) => n !== 'aws_subscribe');
      expect(auth.length, `${root}.${field.name} has no auth directive`).toBeGreaterThan(0);
      expect(
        auth.every((n) => n === 'aws_cognito_user_pools' || n === 'aws_iam'),
        `${root}.${field.name}`,
      ).toBe(true);
    }
  });

  it('keeps only the operations machines never call to the Admin group in AppSync, nothing else to a group', () => {
    for (const { root, field } of rootFields) {
      const key = `${root}.${field.name}`;
      const pools = directive(field, 'aws_cognito_user_pools');
      const groups = pools ? cognitoGroups(pools) : undefined;
      if (ADMIN_FIELDS.includes(key)) expect(groups, key).toEqual(['Admin']);
      else expect(groups, key).toBeUndefined();
    }
  });

  it('lets only the backend (IAM alone) call the publish mutations, and users nothing through IAM alone', () => {
    const iamOnly = rootFields
      .filter(({ field }) => isIamOnly(field))
      .map(({ root, field }) => `${root}.${field.name}`);
    expect(iamOnly.sort()).toEqual([...IAM_ONLY_FIELDS].sort());
    for (const { root, field } of rootFields) {
      if (IAM_ONLY_FIELDS.includes(`${root}.${field.name}`)) continue;
      expect(directive(field, 'aws_cognito_user_pools'), `${root}.${field.name}`).toBeDefined();
    }
  });

  it('marks every type returned through IAM with @aws_iam and, for the subscribers, user pools', () => {
    const iamFields = rootFields.filter(({ field }) => directive(field, 'aws_iam')).map(({ field }) => field);
    const userFields = rootFields
      .filter(({ field }) => directive(field, 'aws_cognito_user_pools'))
      .map(({ field }) => field);
    const iamTypes = reachableObjectTypes(iamFields);
    expect(iamTypes.size).toBeGreaterThan(0);
    for (const type of iamTypes) {
      expect(typeDirectiveNames(type), type.name).toContain('aws_iam');
    }
    // A type-level directive replaces the default mode: such a type must name user pools too
    // when users can reach it, or its fields would be refused to them.
    for (const type of reachableObjectTypes(userFields)) {
      const onType = typeDirectiveNames(type);
      if (onType.length > 0) expect(onType, type.name).toContain('aws_cognito_user_pools');
      for (const f of fieldsOf(type)) {
        const onField = directives(f.astNode).map((d) => d.name.value);
        if (onField.length > 0) expect(onField, `${type.name}.${f.name}`).toContain('aws_cognito_user_pools');
      }
    }
  });

  it('gives every mutation exactly one argument, `input`, of a non-null input type', () => {
    for (const field of fieldsOf(rootType('Mutation'))) {
      expect(
        field.args.map((a) => a.name),
        field.name,
      ).toEqual(['input']);
      const arg = field.args[0];
      if (!arg) throw new Error('unreachable');
      expect(isNonNullType(arg.type), field.name).toBe(true);
      expect(isInputObjectType(getNamedType(arg.type)), field.name).toBe(true);
    }
  });

  it('accepts no identity or status from clients', () => {
    const forbidden = new Set([
      'userid',
      'groupids',
      'email',
      'status',
      'username',
      'approverids',
      'approverid',
      'requesterid',
      'revokerid',
      'claims',
    ]);
    const clientFields = rootFields.filter(({ field }) => !isIamOnly(field)).map(({ field }) => field);
    const offending = inputNamesOf(clientFields).filter(({ name }) => forbidden.has(name.toLowerCase()));
    expect(offending).toEqual([]);

    // The backend's publish inputs do carry a status; no client operation may reach them.
    const backendInputs = reachableInputTypes(
      rootFields.filter(({ field }) => isIamOnly(field)).map(({ field }) => field),
    );
    const clientInputs = reachableInputTypes(clientFields);
    for (const input of backendInputs) expect(clientInputs.has(input), input.name).toBe(false);
  });

  it('has no field that could carry a token or secret, except the write-only settings inputs', () => {
    const secretish = /token|secret|password|credential|accesskey|privatekey|webhook/i;
    const offending: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type)) {
        for (const f of fieldsOf(type)) {
          if (secretish.test(f.name)) {
            const harmless =
              (f.name === 'nextToken' && type.name.endsWith('Page')) ||
              getNamedType(f.type).name === 'Boolean';
            if (!harmless) offending.push(`${type.name}.${f.name}`);
          }
          for (const a of f.args) {
            if (secretish.test(a.name) && a.name !== 'nextToken')
              offending.push(`${type.name}.${f.name}(${a.name})`);
          }
        }
      }
      if (isInputObjectType(type)) {
        for (const f of Object.values(type.getFields())) {
          if (!secretish.test(f.name)) continue;
          const writeOnly = ['slackToken', 'slackSigningSecret', 'teamsWebhookUrl'];
          const clears = ['clearSlackToken', 'clearSlackSigningSecret', 'clearTeamsWebhookUrl'];
          const allowed =
            type.name === 'UpdateSettingsInput' &&
            ((writeOnly.includes(f.name) && getNamedType(f.type).name === 'String') ||
              (clears.includes(f.name) && getNamedType(f.type).name === 'Boolean'));
          if (!allowed) offending.push(`${type.name}.${f.name}`);
        }
      }
    }
    expect(offending).toEqual([]);
    const settings = schema.getType('Settings');
    if (!isObjectType(settings)) throw new Error('Settings must be an object type');
    for (const flag of ['slackTokenConfigured', 'slackSigningSecretConfigured', 'teamsWebhookConfigured']) {
      expect(String(settings.getFields()[flag]?.type), flag).toBe('Boolean!');
    }
  });

  it('pages every list query with limit and nextToken', () => {
    for (const field of fieldsOf(rootType('Query'))) {
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      expect(isListType(unwrapped), `Query.${field.name} returns a bare list`).toBe(false);
      const returned = getNamedType(field.type);
      const paged = returned.name.endsWith('Page');
      expect(paged, `Query.${field.name}`).toBe(PAGED_QUERIES.includes(field.name));
      const argNames = field.args.map((a) => a.name);
      expect(argNames.includes('limit') || argNames.includes('nextToken'), `Query.${field.name}`).toBe(paged);
      if (!paged) continue;
      const limit = field.args.find((a) => a.name === 'limit');
      const nextToken = field.args.find((a) => a.name === 'nextToken');
      expect(String(limit?.type), `Query.${field.name}(limit)`).toBe('Int');
      expect(String(nextToken?.type), `Query.${field.name}(nextToken)`).toBe('String');
    }
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || !type.name.endsWith('Page')) continue;
      const fields = type.getFields();
      expect(Object.keys(fields).sort(), type.name).toEqual(['items', 'nextToken']);
      expect(String(fields['items']?.type), type.name).toMatch(/^\[\w+!\]!$/);
      expect(String(fields['nextToken']?.type), type.name).toBe('String');
    }
  });

  it('wires each subscription to IAM-only publish mutations of the same type, filtered by required arguments', () => {
    const mutations = rootType('Mutation').getFields();
    for (const field of fieldsOf(rootType('Subscription'))) {
      const subscribe = directive(field, 'aws_subscribe');
      expect(subscribe, field.name).toBeDefined();
      if (!subscribe) continue;
      const sources = stringListArg(subscribe, 'mutations');
      expect(sources.length, field.name).toBeGreaterThan(0);
      for (const name of sources) {
        const mutation = mutations[name] as AnyField | undefined;
        expect(mutation, `${field.name} → ${name}`).toBeDefined();
        if (!mutation) continue;
        expect(isIamOnly(mutation), name).toBe(true);
        expect(getNamedType(mutation.type).name, name).toBe(getNamedType(field.type).name);
      }
      // Without an enhanced filter AppSync filters on result fields named like the arguments;
      // an omitted argument would mean "everything", so each one is required. With one, the
      // filter alone decides, so every argument must feed one of its rules.
      const returned = getNamedType(field.type);
      if (!isObjectType(returned)) throw new Error(`${field.name} must return an object type`);
      expect(field.args.length, field.name).toBeGreaterThan(0);
      const rules = SUBSCRIPTION_FILTERS[field.name];
      for (const arg of field.args) {
        expect(isNonNullType(arg.type), `${field.name}(${arg.name})`).toBe(true);
        if (rules)
          expect(
            rules.map((r) => r.argument),
            `${field.name}(${arg.name})`,
          ).toContain(arg.name);
        else expect(Object.keys(returned.getFields()), `${field.name}(${arg.name})`).toContain(arg.name);
      }
    }
  });

  it('declares enhanced subscription filters that fit the schema', () => {
    expect(checkSubscriptionFilters(sdl, SUBSCRIPTION_FILTERS).sort()).toEqual(
      Object.keys(SUBSCRIPTION_FILTERS).sort(),
    );
    expect(SUBSCRIPTION_FILTERS['onRequestChange']).toEqual([
      { fieldName: 'channels', operator: 'contains', argument: 'channel' },
    ]);
    const change = schema.getType('RequestChange');
    if (!isObjectType(change)) throw new Error('RequestChange must be an object type');
    expect(String(change.getFields()['channels']?.type)).toBe('[String!]!');
    // One event has no single channel.
    expect(change.getFields()['channel']).toBeUndefined();
  });

  it('refuses filters that do not fit the schema, naming each problem', () => {
    const check = (filters: Parameters<typeof checkSubscriptionFilters>[1]) => () =>
      checkSubscriptionFilters(sdl, filters);
    expect(check({ onNothing: [{ fieldName: 'x', operator: 'eq', argument: 'y' }] })).toThrow(
      /onNothing: no such field on Subscription/,
    );
    expect(
      check({ onRequestChange: [{ fieldName: 'nope', operator: 'contains', argument: 'channel' }] }),
    ).toThrow(/type RequestChange has no field "nope"/);
    expect(
      check({ onRequestChange: [{ fieldName: 'channels', operator: 'contains', argument: 'who' }] }),
    ).toThrow(/has no argument "who"/);
    expect(
      check({ onRequestChange: [{ fieldName: 'channels', operator: 'eq', argument: 'channel' }] }),
    ).toThrow(/eq compares single values/);
    const unknownOperator = JSON.parse(
      '{"onRequestChange":[{"fieldName":"channels","operator":"containsAny","argument":"channel"}]}',
    ) as Parameters<typeof checkSubscriptionFilters>[1];
    expect(check(unknownOperator)).toThrow(/unknown operator/);
    expect(checkSubscriptionFilters(sdl, { onNothing: [] }, { allowMissing: true })).toEqual([]);
  });

  it('spells the enums like the domain', () => {
    const values = (name: string): string[] => {
      const type = schema.getType(name);
      if (!isEnumType(type)) throw new Error(`${name} must be an enum`);
      return (type as GraphQLEnumType).getValues().map((v) => v.name);
    };
    const toEnum = (value: string): string => value.toUpperCase().replace(/[ -]/g, '_');

    expect(values('RequestStatus')).toEqual(REQUEST_STATUSES.map(toEnum));

    // Records keyed by the domain unions: the compiler fails here when the domain grows.
    const auditActions: Record<AuditAction, true> = {
      created: true,
      approved: true,
      rejected: true,
      cancelled: true,
      expired: true,
      scheduled: true,
      started: true,
      ended: true,
      revoked: true,
      failed: true,
      notified: true,
      'notification-failed': true,
      repaired: true,
      'approval-recorded': true,
      reminded: true,
      escalated: true,
      'extension-requested': true,
      extended: true,
      'extension-rejected': true,
      'extension-cancelled': true,
      'break-glass': true,
      reviewed: true,
      'session-reviewed': true,
    };
    expect(values('AuditAction').sort()).toEqual(Object.keys(auditActions).map(toEnum).sort());
    const personas: Record<Persona, true> = { requester: true, approver: true, auditor: true, admin: true };
    expect(values('Persona').sort()).toEqual(Object.keys(personas).map(toEnum).sort());
    expect(values('PrincipalType').sort()).toEqual(['GROUP', 'USER']);
    expect(values('ApproverTargetType').sort()).toEqual(['ACCOUNT', 'OU']);
    expect(values('OuNodeType').sort()).toEqual(['ORGANIZATIONAL_UNIT', 'ROOT']);
    expect(values('SessionLogQueryStatus')).toEqual(['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'DISABLED']);
  });

  it('uses AWSDateTime for every time and describes every root field', () => {
    const timeLike = /(At|Time|Start|End)$/;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const fields = isObjectType(type)
        ? Object.values(type.getFields())
        : isInputObjectType(type)
          ? Object.values(type.getFields())
          : [];
      for (const f of fields) {
        if (!timeLike.test(f.name)) continue;
        const named = getNamedType(f.type);
        expect(isScalarType(named) && named.name, `${type.name}.${f.name}`).toBe('AWSDateTime');
      }
    }
    const undocumented = rootFields
      .filter(({ field }) => !field.description)
      .map(({ root, field }) => `${root}.${field.name}`);
    expect(undocumented).toEqual([]);
  });
});
