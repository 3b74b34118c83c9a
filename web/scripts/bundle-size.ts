/**
 * Prints what the browser downloads for the initial route (`/`): the entry chunk, its static
 * imports, the home page chunk and Cloudscape's English strings, raw and gzip, from the Vite
 * manifest of `web/dist`. That is also the signed-in first screen: its queries go over HTTP from
 * the entry (`src/api/graphql-http.ts`); aws-amplify's GraphQL client, printed last, loads with a
 * page's first subscription. Run after `npx vite build --config web/vite.config.ts`:
 *
 *   npx tsx web/scripts/bundle-size.ts [--max-gzip-kb 300]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    src: z.string().optional(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    dynamicImports: z.array(z.string()).optional(),
  }),
);

type Manifest = z.infer<typeof manifestSchema>;

/** The chunk files a manifest entry needs at once: itself and its static imports, transitively. */
export function staticClosure(manifest: Manifest, keys: readonly string[]): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    files.add(chunk.file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  keys.forEach(visit);
  return [...files];
}

function measure(files: readonly string[]): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dist, file));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += zipped;
    console.log(
      `${file.padEnd(48)} ${(bytes.length / 1024).toFixed(1).padStart(8)} kB ${(zipped / 1024).toFixed(1).padStart(8)} kB gzip`,
    );
  }
  return { raw, gzip };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function main(): void {
  const manifest = manifestSchema.parse(
    JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')),
  );
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
  if (!entry) throw new Error('No entry chunk in the manifest.');
  const byName = (pattern: RegExp) => Object.keys(manifest).filter((k) => pattern.test(k));
  const keys = [entry, ...byName(/pages\/home\/home-page\.tsx$/), ...byName(/all\.en\.js$/)];
  const files = staticClosure(manifest, keys).filter((f) => f.endsWith('.js'));
  const { raw, gzip } = measure(files);
  console.log(
    `initial route (and signed-in first screen) JS: ${kb(raw)} kB raw, ${kb(gzip)} kB gzip (${files.length} files)`,
  );

  const apiKeys = byName(/aws-amplify\/dist\/esm\/api\/index\.mjs$/);
  const apiFiles = staticClosure(manifest, apiKeys).filter((f) => f.endsWith('.js') && !files.includes(f));
  const api = measure(apiFiles);
  console.log(
    `aws-amplify GraphQL client, with the first subscription: ${kb(api.raw)} kB raw, ${kb(api.gzip)} kB gzip`,
  );

  const flag = process.argv.indexOf('--max-gzip-kb');
  const limit = flag >= 0 ? Number(process.argv[flag + 1]) : undefined;
  if (limit !== undefined && gzip / 1024 > limit) {
    console.error(`over the budget of ${limit} kB gzip`);
    process.exitCode = 1;
  }
}

main();
