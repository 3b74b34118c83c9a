import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, LambdaBundler } from '../../lib/bundling';
import { TeamFunction } from '../../lib/function';

// A project of its own (no packages: esbuild resolves relative imports only), so sources can change.
let project: string;
let cacheDir: string;
const scratch: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

function write(file: string, text: string): void {
  mkdirSync(join(project, file, '..'), { recursive: true });
  writeFileSync(join(project, file), text);
}

function bundleText(dir: string): string {
  return readFileSync(join(dir, 'index.mjs'), 'utf8');
}

beforeEach(() => {
  project = tempDir('team-bundle-project-');
  cacheDir = tempDir('team-bundle-cache-');
  write('package.json', '{ "type": "module" }');
  write('src/message.ts', 'export const message = (name: string): string => `hello ${name}`;\n');
  write(
    'src/a.ts',
    "import { message } from './message';\nexport const handler = async () => ({ body: message('a') });\n",
  );
  write(
    'src/b.ts',
    "import { message } from './message';\nexport const handler = async () => ({ body: message('b') });\n",
  );
});

afterEach(() => {
  delete process.env.TEAM_LAMBDA_BUNDLE_CACHE;
});

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('LambdaBundler', () => {
  it('builds several entries in one run, then hands the same bundles back from the cache', async () => {
    const first = await new LambdaBundler({ projectRoot: project, cacheDir }).bundle([
      'src/a.ts',
      'src/b.ts',
    ]);
    expect([...first.values()].map((b) => b.cached)).toEqual([false, false]);
    const a = first.get(join(project, 'src/a.ts'))!;
    for (const file of BUNDLE_FILES) expect(readdirSync(a.dir)).toContain(file);
    expect(bundleText(a.dir)).toContain('hello');
    expect(bundleText(a.dir)).toMatch(/sourceMappingURL=index\.mjs\.map/);

    // A new process (a new bundler) finds them by content, without esbuild.
    const again = new LambdaBundler({ projectRoot: project, cacheDir }).bundleSync(['src/a.ts', 'src/b.ts']);
    expect([...again.values()].map((b) => [b.cached, b.dir])).toEqual(
      [...first.values()].map((b) => [true, b.dir]),
    );
  });

  it('builds a new bundle when a source file changes, and finds the old one when the change is undone', async () => {
    const bundler = new LambdaBundler({ projectRoot: project, cacheDir });
    const before = (await bundler.bundle(['src/a.ts'])).get(join(project, 'src/a.ts'))!;

    write('src/message.ts', 'export const message = (name: string): string => `goodbye ${name}`;\n');
    const changed = (await bundler.bundle(['src/a.ts'])).get(join(project, 'src/a.ts'))!;
    expect(changed.cached).toBe(false);
    expect(changed.dir).not.toBe(before.dir);
    expect(bundleText(changed.dir)).toContain('goodbye');
    expect(bundleText(changed.dir)).not.toContain('hello');

    write('src/message.ts', 'export const message = (name: string): string => `hello ${name}`;\n');
    const undone = bundler.lookup('src/a.ts');
    expect(undone).toMatchObject({ cached: true, dir: before.dir });
  });

  it('does not reuse a bundle when a new file changes what an import resolves to', async () => {
    const bundler = new LambdaBundler({ projectRoot: project, cacheDir });
    const before = (await bundler.bundle(['src/a.ts'])).get(join(project, 'src/a.ts'))!;
    // esbuild tries .tsx before .ts: the new file shadows message.ts.
    write('src/message.tsx', 'export const message = (name: string): string => `shadowed ${name}`;\n');
    expect(bundler.lookup('src/a.ts')).toBeUndefined();
    const after = (await bundler.bundle(['src/a.ts'])).get(join(project, 'src/a.ts'))!;
    expect(after.dir).not.toBe(before.dir);
    expect(bundleText(after.dir)).toContain('shadowed');
  });

  it('produces the same bytes whether an entry is built alone or with others, synchronously or not', async () => {
    const together = await new LambdaBundler({ projectRoot: project, cacheDir }).bundle([
      'src/a.ts',
      'src/b.ts',
    ]);
    const alone = new LambdaBundler({
      projectRoot: project,
      cacheDir: tempDir('team-bundle-cache-'),
    }).bundleSync(['src/a.ts']);
    const dirTogether = together.get(join(project, 'src/a.ts'))!.dir;
    const dirAlone = alone.get(join(project, 'src/a.ts'))!.dir;
    for (const file of BUNDLE_FILES) {
      expect(readFileSync(join(dirAlone, file)).equals(readFileSync(join(dirTogether, file))), file).toBe(
        true,
      );
    }
  });

  it('fails on a compile error and caches nothing', async () => {
    write('src/message.ts', 'export const message = (name: string): string => `hello ${name`;\n');
    const bundler = new LambdaBundler({ projectRoot: project, cacheDir, logLevel: 'silent' });
    await expect(bundler.bundle(['src/a.ts'])).rejects.toThrow(/Build failed/);
    expect(() => bundler.bundleSync(['src/a.ts'])).toThrow(/Build failed/);
    expect(bundler.lookup('src/a.ts')).toBeUndefined();
  });
});

describe('TeamFunction assets', () => {
  /** Synthesizes one TeamFunction of the scratch project; its asset's S3 key and folder. */
  function synthFunction(context: Record<string, unknown> = {}): { key: string; dir: string } {
    const outdir = tempDir('team-bundle-cdk-');
    // The built-in CloudFormation validation has nothing to say about one function and costs seconds.
    const app = new App({ outdir, context, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Bundled');
    const fn = new TeamFunction(stack, 'A', {
      entry: join(project, 'src/a.ts'),
      projectRoot: project,
      serviceName: 'team-a',
      description: 'a',
    });
    const template = app.synth().getStackByName('Bundled').template as {
      Resources: Record<string, { Properties: { Code?: { S3Key: string } } }>;
    };
    const id = stack.getLogicalId(fn.function.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
    const key = template.Resources[id]!.Properties.Code!.S3Key;
    return { key, dir: join(outdir, `asset.${key.replace(/\.zip$/, '')}`) };
  }

  it('names the asset by the bundle’s content: changed code is a new asset, unchanged code the same', () => {
    process.env.TEAM_LAMBDA_BUNDLE_CACHE = cacheDir;
    const first = synthFunction();
    expect(bundleText(first.dir)).toContain('hello');
    expect(synthFunction().key).toBe(first.key);

    write('src/message.ts', 'export const message = (name: string): string => `goodbye ${name}`;\n');
    const changed = synthFunction();
    expect(changed.key).not.toBe(first.key);
    expect(bundleText(changed.dir)).toContain('goodbye');

    write('src/message.ts', 'export const message = (name: string): string => `hello ${name}`;\n');
    expect(synthFunction().key).toBe(first.key);
  });

  it('bundles nothing when the synthesis skips bundling (tests, `cdk ls`)', () => {
    process.env.TEAM_LAMBDA_BUNDLE_CACHE = cacheDir;
    synthFunction({ 'aws:cdk:bundling-stacks': [] });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
