/**
 * Bundling of TEAM's Lambda functions: one esbuild run for every function whose bundle is not
 * cached yet (esbuild builds the entry points side by side on all cores and parses the modules
 * they share once), and a content-addressed cache that hands back unchanged bundles without
 * running esbuild at all.
 *
 * A bundle's cache key is a hash of esbuild's version, the build options, the entry, the content
 * of every file the bundle was built from (the inputs of esbuild's metafile), the names of the
 * source files next to those inputs (a new file can change what an import resolves to), and
 * package.json, package-lock.json and tsconfig.json. For each entry the cache remembers the
 * input lists of its last few bundles, so a lookup hashes the current content of those files and
 * finds the bundle built from exactly that content, or builds a new one.
 *
 * The cache lives in node_modules/.cache/team-lambda-bundles (TEAM_LAMBDA_BUNDLE_CACHE names
 * another folder); removing it only costs one full build.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';

/** The files of every bundle: the handler module and its source map. */
export const BUNDLE_FILES = ['index.mjs', 'index.mjs.map'] as const;

/**
 * How every function is bundled: minified ESM for Node.js 22 with a source map (without the
 * sources' text), every dependency inside the bundle. The AWS SDK versions are locked in
 * package-lock.json and bundled rather than taken from whatever the Lambda runtime ships.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); ESM output has no require.
  banner: {
    js: "import { createRequire as __teamCreateRequire } from 'node:module'; const require = __teamCreateRequire(import.meta.url);",
  },
  outExtension: { '.js': '.mjs' },
} as const satisfies esbuild.BuildOptions;

/** Project files that shape every bundle without being an input of it. */
const PROJECT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
/** Names that an import may resolve to (a new one can shadow an existing input). */
const RESOLVABLE = /\.(?:[cm]?[jt]sx?|json)$/;
/** Bundles remembered per entry (older ones are removed). */
const KEEP_PER_ENTRY = 4;
/** Unreferenced bundles younger than this may still be in use by a synthesis running beside us. */
const PRUNE_AFTER_MS = 60 * 60 * 1000;
/** Bumped when the cache layout or key changes. */
const CACHE_FORMAT = 1;

/** Where a function's bundle is: a folder with BUNDLE_FILES. */
export interface LambdaBundle {
  /** Absolute path of the entry file. */
  readonly entry: string;
  readonly dir: string;
  /** Taken from the cache (true) or built by this run (false). */
  readonly cached: boolean;
}

export interface LambdaBundlerOptions {
  /** Project root: node_modules, package-lock.json and tsconfig.json live here. */
  readonly projectRoot: string;
  /** @default $TEAM_LAMBDA_BUNDLE_CACHE or <projectRoot>/node_modules/.cache/team-lambda-bundles */
  readonly cacheDir?: string;
  /** What esbuild prints. @default 'warning' */
  readonly logLevel?: esbuild.LogLevel;
}

interface IndexRecord {
  readonly key: string;
  /** Inputs of that bundle, relative to the project root. */
  readonly files: readonly string[];
}

interface EntryIndex {
  readonly entry: string;
  readonly records: readonly IndexRecord[];
}

/** The default cache folder of a project. */
export function defaultBundleCacheDir(projectRoot: string): string {
  const configured = process.env.TEAM_LAMBDA_BUNDLE_CACHE;
  return configured
    ? resolve(configured)
    : join(projectRoot, 'node_modules', '.cache', 'team-lambda-bundles');
}

/** Bundles Lambda entry files with LAMBDA_BUILD_OPTIONS through the content-addressed cache. */
export class LambdaBundler {
  readonly projectRoot: string;
  readonly cacheDir: string;
  private readonly logLevel: esbuild.LogLevel;
  private readonly optionsHash: string;
  /** File hashes, valid while the file's size and times stay the same. */
  private readonly fileHashes = new Map<string, { readonly stamp: string; readonly hash: string }>();

  constructor(options: LambdaBundlerOptions) {
    this.projectRoot = resolve(options.projectRoot);
    this.cacheDir = resolve(options.cacheDir ?? defaultBundleCacheDir(this.projectRoot));
    this.logLevel = options.logLevel ?? 'warning';
    this.optionsHash = sha256(
      JSON.stringify({ CACHE_FORMAT, esbuild: esbuild.version, LAMBDA_BUILD_OPTIONS }),
    );
  }

  /** The cached bundle of an entry built from the files as they are now, if there is one. */
  lookup(entry: string): LambdaBundle | undefined {
    const absolute = resolve(this.projectRoot, entry);
    for (const record of this.readIndex(absolute).records) {
      if (this.keyOf(absolute, record.files) !== record.key) continue;
      const dir = this.bundleDir(record.key);
      if (BUNDLE_FILES.every((file) => existsSync(join(dir, file)))) {
        return { entry: absolute, dir, cached: true };
      }
    }
    return undefined;
  }

  /** Bundles the entries: cached ones are reused, the others are built in one esbuild run. */
  async bundle(entries: readonly string[]): Promise<Map<string, LambdaBundle>> {
    const { found, missing } = this.plan(entries);
    if (missing.length > 0) {
      const started = now();
      const result = await esbuild.build(this.buildOptions(missing));
      this.store(missing, result, started, found);
    }
    return found;
  }

  /** As bundle(), synchronously (for CDK's asset staging, which cannot wait for a promise). */
  bundleSync(entries: readonly string[]): Map<string, LambdaBundle> {
    const { found, missing } = this.plan(entries);
    if (missing.length > 0) {
      const started = now();
      const result = esbuild.buildSync(this.buildOptions(missing));
      this.store(missing, result, started, found);
    }
    return found;
  }

  private plan(entries: readonly string[]): { found: Map<string, LambdaBundle>; missing: string[] } {
    const found = new Map<string, LambdaBundle>();
    const missing: string[] = [];
    for (const entry of new Set(entries.map((e) => resolve(this.projectRoot, e)))) {
      const hit = this.lookup(entry);
      if (hit) found.set(entry, hit);
      else missing.push(entry);
    }
    return { found, missing };
  }

  private buildOptions(entries: readonly string[]) {
    return {
      ...LAMBDA_BUILD_OPTIONS,
      absWorkingDir: this.projectRoot,
      entryPoints: entries.map((entry) => ({
        in: entry,
        out: `${outputNameOf(this.projectRoot, entry)}/index`,
      })),
      // Nothing is written there: the outputs come back in memory. The folder only decides the
      // source map's paths, which are relative to it; a folder two levels below the project
      // root, where CDK stages assets (cdk.out/asset.<hash>), gives every bundle the same map
      // wherever the cloud assembly is written.
      outdir: join(this.projectRoot, 'cdk.out'),
      write: false,
      metafile: true,
      logLevel: this.logLevel,
    } satisfies esbuild.BuildOptions;
  }

  private store(
    entries: readonly string[],
    result: esbuild.BuildResult<{ write: false; metafile: true }>,
    started: number,
    found: Map<string, LambdaBundle>,
  ): void {
    const outdir = join(this.projectRoot, 'cdk.out');
    for (const entry of entries) {
      const name = outputNameOf(this.projectRoot, entry);
      const files = new Map<string, Uint8Array>();
      for (const output of result.outputFiles) {
        if (dirname(output.path) === join(outdir, name))
          files.set(relative(join(outdir, name), output.path), output.contents);
      }
      const meta =
        result.metafile.outputs[toPosix(relative(this.projectRoot, join(outdir, name, 'index.mjs')))];
      if (!meta || BUNDLE_FILES.some((file) => !files.has(file))) {
        throw new Error(`esbuild did not produce ${BUNDLE_FILES.join(' and ')} for ${entry}`);
      }
      const inputs = Object.keys(meta.inputs)
        .filter((input) => !input.includes(':'))
        .map((input) => toPosix(relative(this.projectRoot, resolve(this.projectRoot, input))))
        .sort();
      // A file edited while esbuild ran may be in the bundle in its old form: such a bundle is
      // used by this run but never found again.
      const stable = [...inputs, ...PROJECT_FILES].every(
        (file) => modifiedMs(join(this.projectRoot, file)) < started,
      );
      const key = stable ? this.keyOf(entry, inputs) : `unstable-${randomUUID()}`;
      const dir = this.writeBundle(key, files);
      if (stable) this.remember(entry, { key, files: inputs });
      found.set(entry, { entry, dir, cached: false });
    }
    this.prune();
  }

  private writeBundle(key: string, files: ReadonlyMap<string, Uint8Array>): string {
    const dir = this.bundleDir(key);
    if (existsSync(dir)) return dir;
    const temporary = `${dir}.${process.pid}.${randomUUID()}.tmp`;
    mkdirSync(temporary, { recursive: true });
    for (const [file, contents] of files) writeFileSync(join(temporary, file), contents);
    try {
      renameSync(temporary, dir);
    } catch (err) {
      // Another synthesis stored the same bundle first.
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(dir)) throw err;
    }
    return dir;
  }

  private remember(entry: string, record: IndexRecord): void {
    const previous = this.readIndex(entry).records.filter((r) => r.key !== record.key);
    const index: EntryIndex = {
      entry: toPosix(relative(this.projectRoot, entry)),
      records: [record, ...previous].slice(0, KEEP_PER_ENTRY),
    };
    writeAtomically(this.indexFile(entry), JSON.stringify(index));
  }

  /** Removes bundles no entry remembers, once they are old enough not to be in use. */
  private prune(): void {
    const bundles = join(this.cacheDir, 'bundles');
    const indexes = join(this.cacheDir, 'index');
    const kept = new Set<string>();
    for (const file of existsSync(indexes) ? readdirSync(indexes) : []) {
      if (!file.endsWith('.json')) continue;
      try {
        for (const r of (JSON.parse(readFileSync(join(indexes, file), 'utf8')) as EntryIndex).records)
          kept.add(r.key);
      } catch {
        // A half-written index of an older format: its bundles go.
      }
    }
    const time = Date.now();
    for (const name of readdirSync(bundles)) {
      const path = join(bundles, name);
      if (kept.has(name) || time - modifiedMs(path) < PRUNE_AFTER_MS) continue;
      rmSync(path, { recursive: true, force: true });
    }
  }

  private readIndex(entry: string): EntryIndex {
    try {
      const index = JSON.parse(readFileSync(this.indexFile(entry), 'utf8')) as EntryIndex;
      return Array.isArray(index.records) ? index : { entry, records: [] };
    } catch {
      return { entry, records: [] };
    }
  }

  private indexFile(entry: string): string {
    return join(this.cacheDir, 'index', `${outputNameOf(this.projectRoot, entry)}.json`);
  }

  private bundleDir(key: string): string {
    return join(this.cacheDir, 'bundles', key);
  }

  /** The cache key of a bundle of `entry` built from `files` (relative paths) as they are now. */
  private keyOf(entry: string, files: readonly string[]): string {
    const hash = createHash('sha256').update(this.optionsHash).update('\0');
    hash.update(toPosix(relative(this.projectRoot, entry))).update('\0');
    for (const file of [...PROJECT_FILES, ...files]) {
      hash
        .update(file)
        .update('\0')
        .update(this.hashOfFile(join(this.projectRoot, file)))
        .update('\0');
    }
    const sourceDirs = new Set(
      files.filter((f) => !f.split('/').includes('node_modules')).map((f) => dirname(f)),
    );
    for (const dir of [...sourceDirs].sort()) {
      hash
        .update(dir)
        .update('\0')
        .update(listingOf(join(this.projectRoot, dir)))
        .update('\0');
    }
    return hash.digest('hex');
  }

  private hashOfFile(path: string): string {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return 'missing';
    }
    const stamp = `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`;
    const known = this.fileHashes.get(path);
    if (known?.stamp === stamp) return known.hash;
    const hash = sha256(readFileSync(path));
    this.fileHashes.set(path, { stamp, hash });
    return hash;
  }
}

/** The folder name of an entry's bundle: its path below the project root, flattened. */
function outputNameOf(projectRoot: string, entry: string): string {
  return toPosix(relative(projectRoot, entry))
    .replace(/\.[^./]+$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** The names in a folder that an import could resolve to, so a new or removed one changes the key. */
function listingOf(dir: string): string {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() || RESOLVABLE.test(d.name))
      .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
      .sort()
      .join('\n');
  } catch {
    return 'missing';
  }
}

/** The time in milliseconds, with the fraction file times have (Date.now() would round down). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

function modifiedMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Every Lambda function of TEAM and its handler entry file (relative to the project root). */
export const FUNCTION_ENTRIES = {
  api: 'lambdas/handlers/api.ts',
  router: 'lambdas/handlers/router.ts',
  preToken: 'lambdas/handlers/pre-token.ts',
  reconciler: 'lambdas/handlers/reconciler.ts',
  sessionLogs: 'lambdas/handlers/session-logs.ts',
  workflowTasks: 'lambdas/handlers/workflow-tasks.ts',
  slackInteractions: 'lambdas/handlers/slack-interactions.ts',
} as const;

/** One bundler per project root and cache folder in a process, so file hashes are computed once. */
const bundlers = new Map<string, LambdaBundler>();

export function bundlerFor(projectRoot: string): LambdaBundler {
  const root = resolve(projectRoot);
  const cacheDir = defaultBundleCacheDir(root);
  const key = `${root}\0${cacheDir}`;
  let bundler = bundlers.get(key);
  if (!bundler) {
    bundler = new LambdaBundler({ projectRoot: root, cacheDir });
    bundlers.set(key, bundler);
  }
  return bundler;
}

/** The entry files of every TEAM function that exists under the project root. */
export function functionEntries(projectRoot: string): string[] {
  return Object.values(FUNCTION_ENTRIES)
    .map((entry) => join(projectRoot, entry))
    .filter((entry) => existsSync(entry));
}

/**
 * Bundles every TEAM function: one esbuild run for those without a cached bundle. The CDK app
 * starts it before it loads the CDK libraries, which takes about as long; the functions' assets
 * then only copy finished bundles.
 */
export function bundleFunctions(projectRoot: string): Promise<Map<string, LambdaBundle>> {
  return bundlerFor(projectRoot).bundle(functionEntries(projectRoot));
}
