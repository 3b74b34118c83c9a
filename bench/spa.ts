/**
 * The SPA: what the browser downloads for the initial route, raw, gzip and brotli, next to the
 * original's single CRA bundle (baseline §5). Builds `web/` with its own Vite config into a
 * temporary directory (web/dist is left alone) and reads the Vite manifest.
 *
 *   npx tsx bench/run.ts spa
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { ORIGINAL_SPA } from './lib/baseline';
import type { Figure, RunOptions, Section, Table } from './lib/section';

const root = fileURLToPath(new URL('..', import.meta.url));

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

interface Sizes {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

/** The files a set of manifest entries loads at once: themselves, their static imports and CSS. */
function closure(manifest: Manifest, keys: readonly string[]): { js: string[]; css: string[] } {
  const js = new Set<string>();
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    if (chunk.file.endsWith('.js')) js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const next of chunk.imports ?? []) visit(next);
  };
  keys.forEach(visit);
  return { js: [...js], css: [...css] };
}

function measure(dir: string, files: readonly string[]): Sizes {
  const out: Sizes = { files: files.length, raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    out.raw += bytes.length;
    out.gzip += gzipSync(bytes, { level: 9 }).length;
    out.brotli += brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length;
  }
  return out;
}

function build(outDir: string): Promise<void> {
  const vite = join(root, 'node_modules', '.bin', 'vite');
  return new Promise((resolve, reject) => {
    const child = spawn(
      vite,
      ['build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (exit ${code}):\n${output}`));
    });
  });
}

const kB = (bytes: number) => Math.round(bytes / 100) / 10;

/** Runs the SPA benchmark. */
export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  const outDir = mkdtempSync(join(tmpdir(), 'team-bench-web-'));
  try {
    options.log('spa: building web/ with Vite');
    const t0 = Date.now();
    await build(outDir);
    const buildSeconds = Math.round((Date.now() - t0) / 100) / 10;
    const manifestPath = join(outDir, '.vite', 'manifest.json');
    if (!existsSync(manifestPath))
      throw new Error('The Vite build wrote no manifest (build.manifest must be on).');
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
    if (!entry) throw new Error('No entry chunk in the Vite manifest.');
    const keysMatching = (pattern: RegExp) => Object.keys(manifest).filter((k) => pattern.test(k));

    // The initial route: the entry, the home page (a lazy route) and Cloudscape's English strings.
    const initialKeys = [
      entry,
      ...keysMatching(/pages\/home\/[^/]*Page\.tsx$/),
      ...keysMatching(/all\.en\.js$/),
    ];
    const initial = closure(manifest, initialKeys);
    const js = measure(outDir, initial.js);
    const css = measure(outDir, initial.css);
    // After sign-in the first screen also loads aws-amplify's GraphQL client.
    const api = closure(manifest, keysMatching(/aws-amplify\/dist\/esm\/api\/index\.mjs$/));
    const apiJs = measure(
      outDir,
      api.js.filter((f) => !initial.js.includes(f)),
    );
    const assets = join(outDir, 'assets');
    const allFiles = readdirSync(assets).map((f) => `assets/${f}`);
    const allJs = measure(
      outDir,
      allFiles.filter((f) => f.endsWith('.js')),
    );
    const allCss = measure(
      outDir,
      allFiles.filter((f) => f.endsWith('.css')),
    );

    const src = 'baseline §5: CRA build, one JS chunk main.js + main.css (everything)';
    const originalTotalGzip = ORIGINAL_SPA.jsGzip + ORIGINAL_SPA.cssGzip;
    const fig = (
      label: string,
      value: number,
      original: number | null,
      target?: Figure['target'],
    ): Figure => ({
      label,
      unit: 'kB',
      value: kB(value),
      original: original === null ? null : kB(original),
      originalSource: src,
      ...(target ? { target } : {}),
    });
    const figures: Figure[] = [
      fig('initial route JS, gzip', js.gzip, ORIGINAL_SPA.jsGzip),
      fig('initial route CSS, gzip', css.gzip, ORIGINAL_SPA.cssGzip),
      fig('initial route JS + CSS, gzip', js.gzip + css.gzip, originalTotalGzip),
      fig('initial route JS, raw', js.raw, ORIGINAL_SPA.jsRaw),
      fig('initial route CSS, raw', css.raw, ORIGINAL_SPA.cssRaw),
      fig('signed-in first screen JS (+ GraphQL client), gzip', js.gzip + apiJs.gzip, ORIGINAL_SPA.jsGzip),
      fig('whole app JS + CSS, gzip (every route)', allJs.gzip + allCss.gzip, originalTotalGzip),
    ];
    const row = (what: string, s: Sizes): Table['rows'][number] => [
      what,
      s.files,
      kB(s.raw),
      kB(s.gzip),
      kB(s.brotli),
    ];
    const table: Table = {
      title: 'What is downloaded (kB = 1,000 bytes; gzip -9, brotli 11)',
      columns: ['part', 'files', 'raw kB', 'gzip kB', 'brotli kB'],
      rows: [
        row('initial route JS', js),
        row('initial route CSS', css),
        row('+ GraphQL client after sign-in (JS)', apiJs),
        row('every JS chunk', allJs),
        row('every CSS file', allCss),
        ['original main.js', 1, kB(ORIGINAL_SPA.jsRaw), kB(ORIGINAL_SPA.jsGzip), 340.7],
        ['original main.css', 1, kB(ORIGINAL_SPA.cssRaw), kB(ORIGINAL_SPA.cssGzip), null],
      ],
      notes: [
        `Initial route = the entry chunk with its static imports and CSS, the home page chunk and Cloudscape's English strings (from the Vite manifest). Vite build took ${buildSeconds} s.`,
      ],
    };
    return {
      id: 'spa',
      title: 'SPA bundle: initial route vs the original',
      figures: [{ title: 'Initial route size vs the original (lower is better)', figures }],
      tables: [table],
      notes: [
        'Time to first table rendered in headless Chromium needs the local cloud serving the SPA with a signed-in user; not measured yet.',
      ],
      data: {
        buildSeconds,
        initial: { js, css, files: initial },
        apiAfterSignIn: apiJs,
        all: { js: allJs, css: allCss },
      },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
