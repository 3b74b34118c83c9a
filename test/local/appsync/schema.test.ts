import { readFileSync } from 'node:fs';
import { graphql, GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { awsPrelude, awsScalarNames, buildAppSyncSchema } from '../../../local/appsync';
import { fixtureSchemaPath } from './harness';

const sdl = readFileSync(fixtureSchemaPath, 'utf8');

describe('buildAppSyncSchema', () => {
  it('loads an AppSync-dialect schema unchanged behind the prelude', () => {
    const schema = buildAppSyncSchema(sdl);
    expect(schema.getQueryType()?.name).toBe('Query');
    expect(schema.getSubscriptionType()?.getFields()['onUpdateRequest']).toBeDefined();
    for (const name of awsScalarNames) expect(schema.getType(name)).toBeDefined();
    expect(awsPrelude).toContain('directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION');
  });

  it('reports syntax errors at their place in the schema file, not in the prelude', () => {
    expect.assertions(2);
    try {
      buildAppSyncSchema('type Query {\n  ok: String\n  broken(: String\n}');
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).locations?.[0]?.line).toBe(3);
    }
  });

  it('refuses a schema that declares an AppSync scalar or directive itself', () => {
    expect(() => buildAppSyncSchema('scalar AWSJSON\ntype Query { a: AWSJSON }')).toThrow(
      /provided by AppSync/,
    );
    expect(() => buildAppSyncSchema('directive @aws_iam on OBJECT\ntype Query { a: String }')).toThrow(
      /provided by AppSync/,
    );
  });

  it('refuses unknown directives and wrong directive locations', () => {
    expect(() => buildAppSyncSchema('type Query { a: String @aws_nope }')).toThrow(/Unknown directive/);
    expect(() => buildAppSyncSchema('type Query { a: String }\ninput I @aws_iam { x: String }')).toThrow(
      /may not be used on INPUT_OBJECT/,
    );
  });

  it.each([
    ['AWSDateTime', '"2026-01-02T03:04:05.123Z"', true],
    ['AWSDateTime', '"2026-01-02T03:04:05+09:00"', true],
    ['AWSDateTime', '"2026-01-02T03:04:05"', false],
    ['AWSDateTime', '"2026-13-45T03:04:05Z"', false],
    ['AWSDate', '"2026-01-02"', true],
    ['AWSDate', '"02/01/2026"', false],
    ['AWSTime', '"03:04:05.123"', true],
    ['AWSEmail', '"jane@example.com"', true],
    ['AWSEmail', '"jane"', false],
    ['AWSURL', '"https://example.com/x"', true],
    ['AWSURL', '"not a url"', false],
    ['AWSTimestamp', '1767322800', true],
    ['AWSTimestamp', '"soon"', false],
    ['AWSJSON', '"{\\"a\\":[1,2]}"', true],
    ['AWSJSON', '"{not json"', false],
    ['AWSPhone', '"+1 206 555 0100"', true],
    ['AWSIPAddress', '"10.0.0.1"', true],
  ])('%s literal %s is accepted: %s', async (scalar, literal, valid) => {
    const schema = buildAppSyncSchema(`type Query { echo(v: ${scalar}): Boolean }`);
    const result = await graphql({
      schema,
      source: `{ echo(v: ${literal}) }`,
      rootValue: { echo: () => true },
    });
    expect(result.errors === undefined).toBe(valid);
  });

  it('parses AWSJSON arguments into values and serializes AWSJSON results to strings', async () => {
    const schema = buildAppSyncSchema('type Query { echo(v: AWSJSON): AWSJSON }');
    let received: unknown;
    const result = await graphql({
      schema,
      source: 'query ($v: AWSJSON) { echo(v: $v) }',
      variableValues: { v: '{"hours":2,"tags":["a"]}' },
      rootValue: {
        echo: (args: { v: unknown }) => {
          received = args.v;
          return { ok: true };
        },
      },
    });
    expect(received).toEqual({ hours: 2, tags: ['a'] });
    expect(result.data).toEqual({ echo: '{"ok":true}' });
  });
});
