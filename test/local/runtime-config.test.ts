import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../lambdas/contract/runtime-config';
import { teamVersion } from '../../lib/app';
import { DEFAULT_SUPPORT_LINKS, supportLinksOf } from '../../lib/config';
import { localRuntimeConfig } from '../../local/cloud';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

/** The parts of a running backend the runtime config reads. */
const backend = {
  auth: { userPoolId: 'us-east-1_LocalPool1' },
  urls: { auth: 'http://127.0.0.1:4001', graphql: 'http://127.0.0.1:4002/graphql' },
} as unknown as Parameters<typeof localRuntimeConfig>[0];

describe('the local web app runtime config', () => {
  it('is one the web app accepts, with the user menu links of a deployment of this version', () => {
    const version = teamVersion(PROJECT_ROOT);
    const links = supportLinksOf(DEFAULT_SUPPORT_LINKS, version);
    const config = localRuntimeConfig(backend, 'http://127.0.0.1:5173', {
      version: 'local',
      sessionLogs: 'athena',
    });
    const parsed = runtimeConfigSchema.safeParse(config);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.version).toBe('local');
    expect(parsed.data?.links).toEqual(links);
    expect(links.releaseNotes).toBe(DEFAULT_SUPPORT_LINKS.releaseNotesUrl.replace('{version}', version));
  });
});
