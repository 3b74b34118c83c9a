/**
 * The layer rules of `.dependency-cruiser.cjs` (run by `npm run lint`): the tree keeps them, and
 * each rule fails on a violation planted in a scratch copy of the layout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration;

async function violationsIn(cwd: string, paths: string[]): Promise<string[]> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const result = await cruise(paths, {
      ...config.options,
      ruleSet: { forbidden: config.forbidden },
      validate: true,
      tsConfig: undefined,
    });
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(previous);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'team-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a scratch tree of `files` (path → source) and returns its violations. */
async function plant(name: string, files: Record<string, string>): Promise<string[]> {
  const dir = join(scratch, name);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const tops = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
  return violationsIn(dir, tops);
}

describe('layer rules', () => {
  it('hold in the tree', async () => {
    expect(await violationsIn(root, ['bin', 'lib', 'lambdas', 'local', 'web', 'graphql', 'bench'])).toEqual(
      [],
    );
  }, 120_000);

  it.each([
    [
      'core-imports-only-the-contract',
      {
        'lambdas/core/rule.ts': "import { table } from '../adapters/table';\nexport const rule = table;\n",
        'lambdas/adapters/table.ts': 'export const table = 1;\n',
      },
    ],
    [
      'core-is-free-of-aws',
      {
        'lambdas/core/rule.ts':
          "import { SSOAdminClient } from '@aws-sdk/client-sso-admin';\nexport const rule = SSOAdminClient;\n",
      },
    ],
    [
      'contract-imports-nothing-of-ours',
      {
        'lambdas/contract/env.ts': "import { rule } from '../core/rule';\nexport const env = rule;\n",
        'lambdas/core/rule.ts': 'export const rule = 1;\n',
      },
    ],
    [
      'adapters-do-not-import-handlers',
      {
        'lambdas/adapters/table.ts':
          "import { handler } from '../handlers/api';\nexport const table = handler;\n",
        'lambdas/handlers/api.ts': 'export const handler = 1;\n',
      },
    ],
    [
      'lib-imports-the-contract-only',
      {
        'lib/stack.ts': "import { rule } from '../lambdas/core/rule';\nexport const stack = rule;\n",
        'lambdas/core/rule.ts': 'export const rule = 1;\n',
      },
    ],
    [
      'web-imports-the-contract-only',
      {
        'web/src/page.ts': "import { rule } from '../../lambdas/core/rule';\nexport const page = rule;\n",
        'lambdas/core/rule.ts': 'export const rule = 1;\n',
      },
    ],
    [
      'local-imports-the-contract-and-handler-entries',
      {
        'local/backend.ts': "import type { Clock } from '../lambdas/core/ports';\nexport type Now = Clock;\n",
        'lambdas/core/ports.ts': 'export interface Clock {\n  now(): Date;\n}\n',
      },
    ],
    [
      'cli-imports-the-contract-only',
      {
        'bin/cli/main.ts': "import { stack } from '../../lib/stack';\nexport const main = stack;\n",
        'lib/stack.ts': 'export const stack = 1;\n',
      },
    ],
    [
      'cdk-app-does-not-import-the-cli',
      {
        'lib/stack.ts': "import { main } from '../bin/cli/main';\nexport const stack = main;\n",
        'bin/cli/main.ts': 'export const main = 1;\n',
      },
    ],
    [
      'no-cycles',
      {
        'local/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
        'local/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      },
    ],
  ])('%s fails on a planted violation', async (rule, files) => {
    const violations = await plant(rule, files);
    expect(violations.some((v) => v.startsWith(`${rule}:`))).toBe(true);
  });

  it('local reaches a function through its entry file and composition root only', async () => {
    const violations = await plant('local-boundary', {
      'local/backend.ts': [
        "import { ENV } from '../lambdas/contract/env';",
        "import { handler } from '../lambdas/handlers/api';",
        "import { composeApi } from '../lambdas/handlers/api/compose';",
        "import { loadConfig } from '../lambdas/handlers/config';",
        "import { resolvers } from '../lambdas/handlers/api/requests';",
        "import { client } from '../lambdas/adapters/dynamodb/client';",
        'export const backend = [ENV, handler, composeApi, loadConfig, resolvers, client];',
        '',
      ].join('\n'),
      'lambdas/contract/env.ts': 'export const ENV = 1;\n',
      'lambdas/handlers/api.ts': 'export const handler = 1;\n',
      'lambdas/handlers/api/compose.ts': 'export const composeApi = 1;\n',
      'lambdas/handlers/api/requests.ts': 'export const resolvers = 1;\n',
      'lambdas/handlers/config.ts': 'export const loadConfig = 1;\n',
      'lambdas/adapters/dynamodb/client.ts': 'export const client = 1;\n',
    });
    expect(violations.filter((v) => v.startsWith('local-imports-')).sort()).toEqual([
      'local-imports-the-contract-and-handler-entries: local/backend.ts → lambdas/adapters/dynamodb/client.ts',
      'local-imports-the-contract-and-handler-entries: local/backend.ts → lambdas/handlers/api/requests.ts',
      'local-imports-the-contract-and-handler-entries: local/backend.ts → lambdas/handlers/config.ts',
    ]);
  });
});
