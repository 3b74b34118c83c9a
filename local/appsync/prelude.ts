import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  GraphQLError,
  GraphQLScalarType,
  Kind,
  parse,
  print,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';

/**
 * What AppSync declares implicitly for every API (`graphql/aws-prelude.graphql`): the project's
 * schema is written in the AppSync dialect and never declares these, so the local server parses it
 * behind this prelude, unchanged.
 */
export const awsPrelude = readFileSync(
  fileURLToPath(new URL('../../graphql/aws-prelude.graphql', import.meta.url)),
  'utf8',
);

const preludeDocument: DocumentNode = parse(awsPrelude);
const preludeNames = new Set(
  preludeDocument.definitions.flatMap((d) =>
    d.kind === Kind.SCALAR_TYPE_DEFINITION || d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [],
  ),
);

// AppSync's formats: ISO 8601 extended; a time zone offset is mandatory for date-times and
// optional for dates and times.
const OFFSET = '(Z|[+-]\\d{2}:\\d{2}(:\\d{2})?)';
const DATE = '\\d{4}-\\d{2}-\\d{2}';
const TIME = '\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?';
const patterns = {
  AWSDate: new RegExp(`^${DATE}${OFFSET}?$`),
  AWSTime: new RegExp(`^${TIME}${OFFSET}?$`),
  AWSDateTime: new RegExp(`^${DATE}T${TIME}${OFFSET}$`),
  AWSEmail: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  AWSPhone: /^\+?[\d\s().-]{3,}$/,
  AWSIPAddress: /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:.]*)(\/\d{1,3})?$/,
} as const;

type StringScalar = keyof typeof patterns;

function checkedString(name: StringScalar, value: unknown): string {
  if (typeof value !== 'string' || !patterns[name].test(value)) {
    throw new GraphQLError(`Unable to serialize \`${String(value)}\` as a valid ${name}.`);
  }
  if (name === 'AWSDate' || name === 'AWSDateTime') {
    const datePart = value.slice(0, 10);
    if (Number.isNaN(Date.parse(`${datePart}T00:00:00Z`))) {
      throw new GraphQLError(`Unable to serialize \`${value}\` as a valid ${name}.`);
    }
  }
  return value;
}

function checkedUrl(value: unknown): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol) return value;
    } catch {
      // reported below
    }
  }
  throw new GraphQLError(`Unable to serialize \`${String(value)}\` as a valid AWSURL.`);
}

function checkedTimestamp(value: unknown): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new GraphQLError(`Unable to serialize \`${String(value)}\` as a valid AWSTimestamp.`);
  }
  return n;
}

// AppSync hands AWSJSON arguments to resolvers already parsed ("loaded as maps, lists or
// scalar values"), and serializes whatever a resolver returns into a JSON string.
function parseJsonInput(value: unknown): unknown {
  if (typeof value !== 'string') throw new GraphQLError('AWSJSON input must be a JSON string.');
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new GraphQLError(`Unable to parse \`${value}\` as valid JSON.`);
  }
}

function serializeJson(value: unknown): string {
  if (typeof value === 'string') {
    parseJsonInput(value);
    return value;
  }
  return JSON.stringify(value);
}

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
      return Number.parseInt(node.value, 10);
    case Kind.FLOAT:
      return Number.parseFloat(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError(`Unexpected literal ${print(node)}.`);
  }
}

interface ScalarBehaviour {
  serialize: (value: unknown) => unknown;
  parseValue: (value: unknown) => unknown;
  parseLiteral: (node: ValueNode) => unknown;
}

function stringScalar(check: (value: unknown) => unknown): ScalarBehaviour {
  return { serialize: check, parseValue: check, parseLiteral: (node) => check(literalValue(node)) };
}

const behaviours: Record<string, ScalarBehaviour> = {
  AWSDate: stringScalar((v) => checkedString('AWSDate', v)),
  AWSTime: stringScalar((v) => checkedString('AWSTime', v)),
  AWSDateTime: stringScalar((v) => checkedString('AWSDateTime', v)),
  AWSEmail: stringScalar((v) => checkedString('AWSEmail', v)),
  AWSPhone: stringScalar((v) => checkedString('AWSPhone', v)),
  AWSIPAddress: stringScalar((v) => checkedString('AWSIPAddress', v)),
  AWSURL: stringScalar(checkedUrl),
  AWSTimestamp: {
    serialize: checkedTimestamp,
    parseValue: checkedTimestamp,
    parseLiteral: (node) => {
      if (node.kind !== Kind.INT) throw new GraphQLError('AWSTimestamp literal must be an integer.');
      return checkedTimestamp(Number(node.value));
    },
  },
  AWSJSON: {
    serialize: serializeJson,
    parseValue: parseJsonInput,
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING) throw new GraphQLError('AWSJSON literal must be a JSON string.');
      return parseJsonInput(node.value);
    },
  },
};

/** The names AppSync reserves; a schema may not declare them itself. */
export const awsScalarNames: readonly string[] = Object.keys(behaviours);

/**
 * Builds an executable schema from AppSync-dialect SDL (the file content, unchanged): the
 * prelude is prepended as separate definitions so error locations still point into `sdl`,
 * and the AWS scalars get AppSync's validation and AWSJSON parsing.
 */
export function buildAppSyncSchema(sdl: string): GraphQLSchema {
  const userDocument = parse(sdl);
  for (const definition of userDocument.definitions) {
    if (
      (definition.kind === Kind.SCALAR_TYPE_DEFINITION || definition.kind === Kind.DIRECTIVE_DEFINITION) &&
      preludeNames.has(definition.name.value)
    ) {
      throw new GraphQLError(`${definition.name.value} is provided by AppSync and must not be declared.`, {
        nodes: [definition],
      });
    }
  }
  const schema = buildASTSchema({
    kind: Kind.DOCUMENT,
    definitions: [...preludeDocument.definitions, ...userDocument.definitions],
  });
  for (const [name, behaviour] of Object.entries(behaviours)) {
    const type = schema.getType(name);
    // buildASTSchema only knows identity scalars; graphql-js reads these three functions at
    // execution time, so installing AppSync's behaviour on the built type is enough.
    if (type instanceof GraphQLScalarType) Object.assign(type, behaviour);
  }
  return schema;
}
