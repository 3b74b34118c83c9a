import {
  AwsServiceError,
  startAwsJsonService,
  type RunningService,
} from '../../../local/common/aws-json-server';

/**
 * Tiny stand-ins for AWS services, built on the shared AWS JSON server, so the runner's real
 * SDK clients have something to talk to without the full simulators.
 */

export interface FakeSsoAdmin {
  service: RunningService;
  url: string;
  /** Operation names in call order. */
  calls: string[];
  /** How many of the next CreateAccountAssignment calls answer ThrottlingException. */
  throttleNext: number;
  /** Target ids for which CreateAccountAssignment answers ConflictException. */
  conflictTargets: Set<string>;
  stop(): Promise<void>;
}

/** An sso-admin stand-in (JSON 1.1, target prefix SWBExternalService). */
export async function startFakeSsoAdmin(throttleNext = 0): Promise<FakeSsoAdmin> {
  const fake = { calls: [] as string[], throttleNext, conflictTargets: new Set<string>() };
  let requests = 0;
  const service = await startAwsJsonService({
    targetPrefix: 'SWBExternalService',
    jsonVersion: '1.1',
    onCall: (operation) => fake.calls.push(operation),
    operations: {
      CreateAccountAssignment: (input) => {
        if (fake.throttleNext > 0) {
          fake.throttleNext--;
          throw new AwsServiceError('ThrottlingException', 'Rate exceeded');
        }
        if (fake.conflictTargets.has(String(input['TargetId']))) {
          throw new AwsServiceError('ConflictException', 'An operation is in progress for this assignment');
        }
        requests++;
        return {
          AccountAssignmentCreationStatus: {
            Status: 'IN_PROGRESS',
            RequestId: `req-${requests}`,
            TargetId: input['TargetId'],
            TargetType: input['TargetType'],
            PermissionSetArn: input['PermissionSetArn'],
            PrincipalType: input['PrincipalType'],
            PrincipalId: input['PrincipalId'],
            CreatedDate: 1_900_000_000,
          },
        };
      },
      DescribeAccountAssignmentCreationStatus: (input) => ({
        AccountAssignmentCreationStatus: {
          Status: 'SUCCEEDED',
          RequestId: input['AccountAssignmentCreationRequestId'],
        },
      }),
    },
  });
  return Object.assign(fake, { service, url: service.url, stop: () => service.stop() });
}

type AttributeMap = Record<string, Record<string, unknown>>;

export interface FakeDynamoDb {
  url: string;
  tables: Map<string, Map<string, AttributeMap>>;
  stop(): Promise<void>;
}

function keyOf(key: unknown): string {
  return JSON.stringify(
    Object.entries((key ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * A DynamoDB stand-in (JSON 1.0, DynamoDB_20120810; every table keyed by `id`) with GetItem, PutItem, UpdateItem and
 * DeleteItem. Conditions understood: `attribute_not_exists(x)`, `attribute_exists(x)` and
 * `#name = :value`; updates: `SET a = :v, #b = :w`.
 */
export async function startFakeDynamoDb(): Promise<FakeDynamoDb> {
  const tables = new Map<string, Map<string, AttributeMap>>();
  const table = (input: Record<string, unknown>) => {
    const name = String(input['TableName']);
    let t = tables.get(name);
    if (!t) {
      t = new Map();
      tables.set(name, t);
    }
    return t;
  };
  const resolveName = (token: string, input: Record<string, unknown>) =>
    token.startsWith('#')
      ? String((input['ExpressionAttributeNames'] as Record<string, string>)[token])
      : token;
  const value = (token: string, input: Record<string, unknown>) =>
    (input['ExpressionAttributeValues'] as AttributeMap)[token];
  const check = (item: AttributeMap | undefined, input: Record<string, unknown>) => {
    const condition = input['ConditionExpression'];
    if (typeof condition !== 'string') return;
    let ok: boolean;
    let m = /^attribute_not_exists\((\S+)\)$/.exec(condition);
    if (m?.[1]) ok = !item || !(resolveName(m[1], input) in item);
    else if ((m = /^attribute_exists\((\S+)\)$/.exec(condition)) && m[1])
      ok = !!item && resolveName(m[1], input) in item;
    else if ((m = /^(\S+) = (:\S+)$/.exec(condition)) && m[1] && m[2]) {
      ok = !!item && JSON.stringify(item[resolveName(m[1], input)]) === JSON.stringify(value(m[2], input));
    } else throw new AwsServiceError('ValidationException', `unsupported condition ${condition}`);
    if (!ok) throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
  };
  const service = await startAwsJsonService({
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    operations: {
      GetItem: (input) => {
        const item = table(input).get(keyOf(input['Key']));
        return item ? { Item: item } : {};
      },
      PutItem: (input) => {
        const item = input['Item'] as AttributeMap;
        const t = table(input);
        const key = keyOf({ id: item['id'] });
        check(t.get(key), input);
        t.set(key, item);
        return {};
      },
      UpdateItem: (input) => {
        const t = table(input);
        const key = keyOf(input['Key']);
        const item = t.get(key);
        check(item, input);
        const next: AttributeMap = { ...(input['Key'] as AttributeMap), ...item };
        const expression = String(input['UpdateExpression'] ?? '').replace(/^SET\s+/i, '');
        for (const part of expression.split(',')) {
          const [name, token] = part.split('=').map((s) => s.trim());
          if (name && token) next[resolveName(name, input)] = value(token, input) ?? {};
        }
        t.set(key, next);
        return input['ReturnValues'] === 'ALL_NEW' ? { Attributes: next } : {};
      },
      DeleteItem: (input) => {
        const t = table(input);
        const key = keyOf(input['Key']);
        check(t.get(key), input);
        t.delete(key);
        return {};
      },
    },
  });
  return { url: service.url, tables, stop: () => service.stop() };
}
