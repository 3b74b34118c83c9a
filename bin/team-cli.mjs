#!/usr/bin/env node
// The `team` command line (package.json "bin"): runs bin/cli/main.ts with this process's streams,
// environment and exit code.
//
// The command line is TypeScript that shares the API contract's sources with the rest of TEAM, so
// there is no build step to forget: esbuild (a dependency of the project's tooling, installed by
// `npm ci`) bundles bin/cli into node_modules/.cache/team-cli the first time and again whenever
// one of its source files changes (checked by content hash), and later runs import the bundle
// directly: about 0.4 s to start instead of the 1.5 s compiling every file on the fly costs. When
// the cache cannot be written or esbuild is missing, tsx (what `npm start` runs on) compiles the
// sources in this process instead.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'bin', 'cli', 'main.ts');
const cacheDir = join(root, 'node_modules', '.cache', 'team-cli');
const bundle = join(cacheDir, 'main.mjs');
const manifest = join(cacheDir, 'inputs.json');

/** A hash of the bundle's source files (their paths relative to the project and contents). */
function hashOf(inputs) {
  const hash = createHash('sha256');
  for (const input of inputs)
    hash
      .update(`${input}\0`)
      .update(readFileSync(join(root, input)))
      .update('\0');
  return hash.digest('hex');
}

/** The cached bundle if every source it was built from is unchanged. */
function freshBundle() {
  try {
    const { inputs, hash } = JSON.parse(readFileSync(manifest, 'utf8'));
    return hashOf(inputs) === hash ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/** Bundles the command line (packages stay imports from node_modules) into the cache. */
async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  renameSync(temporary, bundle);
  writeFileSync(`${manifest}.${process.pid}.tmp`, JSON.stringify({ inputs, hash: hashOf(inputs) }));
  renameSync(`${manifest}.${process.pid}.tmp`, manifest);
  return bundle;
}

async function loadCli() {
  try {
    const file = freshBundle() ?? (await buildBundle());
    return await import(pathToFileURL(file).href);
  } catch {
    try {
      rmSync(`${bundle}.${process.pid}.tmp`, { force: true });
    } catch {
      // Nothing was written.
    }
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(pathToFileURL(entry).href, import.meta.url);
  }
}

const { main, processIo } = await loadCli();
const code = await main(process.argv.slice(2), processIo());
// Idle keep-alive connections of fetch would hold the process for a second or so after the
// command is done: leave as soon as everything written has been flushed.
await new Promise((done) => process.stdout.write('', done));
await new Promise((done) => process.stderr.write('', done));
process.exit(code);
