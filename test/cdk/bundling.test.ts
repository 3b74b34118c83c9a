import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LambdaBundler } from '../../lib/bundling';
import { FUNCTION_ENTRIES, type FunctionName } from '../../lib/function';
import { PROJECT_ROOT, logicalIdOf, synthTeam } from './support';

// The one synthesis with real bundling: esbuild runs locally (no Docker) for every handler, all
// of them in one run, into an empty bundle cache of its own.
describe('Lambda bundling', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'team-bundles-'));
  process.env.TEAM_LAMBDA_BUNDLE_CACHE = cacheDir;
  const synth = (() => {
    try {
      return synthTeam({}, { bundling: true });
    } finally {
      delete process.env.TEAM_LAMBDA_BUNDLE_CACHE;
    }
  })();
  afterAll(() => {
    synth.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const resources = synth.template.toJSON().Resources as Record<
    string,
    { Properties: Record<string, unknown> }
  >;

  it.each(Object.keys(FUNCTION_ENTRIES) as FunctionName[])(
    '%s: minified ESM with a source map, Node.js 22 on ARM64, X-Ray',
    (name) => {
      const fn = resources[logicalIdOf(synth.stack.functions[name].function)]!.Properties;
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }) as unknown,
      });
      const key = (fn.Code as { S3Key: string }).S3Key;
      const dir = join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(dir, 'index.mjs')), dir).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
      // ESM output with the require() shim for CommonJS dependencies.
      expect(code).toContain('createRequire');
      expect(code).toMatch(/export\s*\{/);
      expect((fn.Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS).toBe(
        '--enable-source-maps',
      );
      // The asset is the cached bundle, which a later synthesis takes without running esbuild.
      const cached = new LambdaBundler({ projectRoot: PROJECT_ROOT, cacheDir }).lookup(
        FUNCTION_ENTRIES[name],
      );
      expect(cached?.cached).toBe(true);
      for (const file of ['index.mjs', 'index.mjs.map']) {
        expect(readFileSync(join(cached!.dir, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
      }
    },
  );

  it('keeps one bundle per function in the cache', () => {
    expect(readdirSync(join(cacheDir, 'bundles'))).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
  });

  // Cognito gives the trigger 5 s; its cold start is mostly loading this file (docs/performance.md).
  it('preToken: a bundle that stays small, so its cold start stays well within Cognito’s 5 s', () => {
    const fn = resources[logicalIdOf(synth.stack.functions.preToken.function)]!.Properties;
    const key = (fn.Code as { S3Key: string }).S3Key;
    const bundle = join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(statSync(bundle).size).toBeLessThan(1_300_000);
  });
});
