import type { Context } from 'aws-lambda';
import { StatesError, toStatesError } from './errors';
import { toJson, type Json } from './json';

/**
 * An in-process Lambda handler. Declared bivariantly so handlers typed for their own event
 * (`(event: DynamoDBStreamEvent) => …`) can be registered.
 */
export type LambdaHandler = {
  bivarianceHack(event: unknown, context: Context): unknown;
}['bivarianceHack'];

/** The function name inside a name, partial ARN or ARN, without version or alias. */
export function functionNameOf(nameOrArn: string): string {
  const arn = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:([^:]+)/.exec(nameOrArn);
  if (arn?.[1]) return arn[1];
  const partial = /^\d{12}:function:([^:]+)/.exec(nameOrArn);
  if (partial?.[1]) return partial[1];
  return nameOrArn.split(':')[0] ?? nameOrArn;
}

/** Lambda functions of the local cloud, called in-process by Task states. */
export class LambdaRegistry {
  private readonly handlers = new Map<string, LambdaHandler>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Registers `handler` under the function name found in `nameOrArn`. */
  register(nameOrArn: string, handler: LambdaHandler): void {
    this.handlers.set(functionNameOf(nameOrArn), handler);
  }

  has(nameOrArn: string): boolean {
    return this.handlers.has(functionNameOf(nameOrArn));
  }

  /**
   * Invokes a function with a JSON event and returns its JSON result. A thrown error becomes a
   * StatesError named like the error (`error.name`) with its message as cause, as the Lambda
   * integration reports function errors; an unknown function is `Lambda.ResourceNotFoundException`.
   */
  async invoke(nameOrArn: string, event: Json): Promise<Json> {
    const name = functionNameOf(nameOrArn);
    const handler = this.handlers.get(name);
    const arn = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
    if (!handler) {
      throw new StatesError(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${arn} (Service: Lambda, Status Code: 404)`,
      );
    }
    const requestId = crypto.randomUUID();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: '1024',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${requestId}`,
      getRemainingTimeInMillis: () => 900_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      // A copy, so the handler cannot mutate the workflow's state.
      const copy: Json = event === null ? null : (JSON.parse(JSON.stringify(event)) as Json);
      return toJson(await handler(copy, context));
    } catch (err) {
      throw toStatesError(err);
    }
  }
}
