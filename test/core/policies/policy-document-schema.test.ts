/**
 * The published JSON Schema of policy documents (docs/policy-document.schema.json) is generated
 * from the zod schema the import reads documents with. This test fails when the file is stale;
 * `npx vitest run test/core/policies/policy-document-schema.test.ts -u` writes it again.
 */
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  POLICY_DOCUMENT_SCHEMA_REF,
  policyDocumentJsonSchema,
} from '../../../lambdas/core/policies/policy-document';

const PUBLISHED = 'docs/policy-document.schema.json';

describe('the published JSON Schema of policy documents', () => {
  it('is what the document schema generates (run with -u after changing it)', async () => {
    const options = (await resolveConfig(PUBLISHED)) ?? {};
    const text = await format(JSON.stringify(policyDocumentJsonSchema(), null, 2), {
      ...options,
      filepath: PUBLISHED,
    });
    await expect(text).toMatchFileSnapshot(`../../../${PUBLISHED}`);
  });

  it('is found beside an exported document, on no host', () => {
    expect(POLICY_DOCUMENT_SCHEMA_REF).toBe(`./${PUBLISHED.split('/').pop() ?? ''}`);
    const schema = policyDocumentJsonSchema();
    expect(schema).toMatchObject({
      title: 'TEAM policy document',
      type: 'object',
      required: ['version'],
      additionalProperties: false,
    });
    expect(JSON.stringify(schema)).not.toMatch(/"\$id"|https?:\/\/(?!json-schema\.org\/)/);
  });
});
