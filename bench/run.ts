/**
 * `npm run bench`: runs the benchmarks, prints every figure next to the original TEAM's, and
 * writes bench/results.json (merged with the sections of earlier runs that were not run now).
 *
 *   npx tsx bench/run.ts                      every section whose module exists
 *   npx tsx bench/run.ts lists eligibility    only these
 *   npx tsx bench/run.ts --quick              small sizes (checks the harness; figures not comparable,
 *                                             results.json is not written)
 *   npx tsx bench/run.ts --markdown FILE      also write the tables as Markdown
 *
 * Sections whose module is not there yet (bench/lifecycle.ts, latency, throughput) are skipped
 * with a note. A section that fails is reported and the others still run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figureTable, renderMarkdown, renderSection, renderSectionMarkdown } from './lib/format';
import { lifecycleReport } from './lib/lifecycle-report';
import { machineInfo, type MachineInfo } from './lib/machine';
import type { BenchModule, Figure, RunOptions, Section } from './lib/section';

/** Every section, in the order they run; `module` is relative to bench/. */
export const SECTIONS = [
  { id: 'lifecycle', module: 'lifecycle.ts', what: 'lifecycle cost per request and path, with the bill' },
  { id: 'latency', module: 'latency.ts', what: 'approve-to-access latency' },
  { id: 'throughput', module: 'throughput.ts', what: 'throughput and peak memory' },
  { id: 'eligibility', module: 'eligibility.ts', what: 'request form at 2,000 accounts / 200 OUs' },
  { id: 'lists', module: 'lists.ts', what: 'list pages at 100,000 requests' },
  {
    id: 'dashboard',
    module: 'dashboard.ts',
    what: 'dashboard reads at 1,000 to 1,000,000 requests, counter writes',
  },
  { id: 'spa', module: 'spa.ts', what: 'SPA initial-route bundle' },
  { id: 'build', module: 'build.ts', what: 'npm run synth, empty and warm bundle cache' },
] as const;

interface SectionResult {
  ranAt: string;
  durationMs: number;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  section?: Section;
}

interface Results {
  generatedAt: string;
  machine: MachineInfo;
  quick: boolean;
  sections: Record<string, SectionResult>;
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const resultsPath = `${benchDir}results.json`;

function parseArgs(argv: string[]) {
  const ids: string[] = [];
  let quick = false;
  let markdown: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--markdown') markdown = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      console.log(
        `usage: npx tsx bench/run.ts [--quick] [--markdown FILE] [${SECTIONS.map((s) => s.id).join('|')} ...]`,
      );
      process.exit(0);
    } else ids.push(arg);
  }
  const unknown = ids.filter((id) => !SECTIONS.some((s) => s.id === id));
  if (unknown.length) {
    console.error(
      `unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.id).join(', ')}`,
    );
    process.exit(2);
  }
  return { ids, quick, markdown };
}

function readPrevious(): Results | undefined {
  if (!existsSync(resultsPath)) return undefined;
  try {
    return JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
  } catch {
    return undefined;
  }
}

/** Loads a benchmark module and checks it has the `run()` the contract asks for. */
async function loadModule(file: string): Promise<BenchModule> {
  const mod: unknown = await import(`./${file}`);
  const runFn = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'run') : undefined;
  if (typeof runFn !== 'function') throw new Error(`bench/${file} does not export run(): Promise<Section>`);
  return { run: (options?: RunOptions) => Promise.resolve(runFn(options)) as Promise<Section> };
}

/** The lifecycle section with run.ts's comparison and bill added. */
function withLifecycleReport(section: Section): Section {
  if (!section.lifecycle?.length) return section;
  const report = lifecycleReport(section.lifecycle);
  return {
    ...section,
    figures: [...report.figures, ...section.figures],
    tables: [...section.tables, ...report.tables],
  };
}

async function main(): Promise<void> {
  const { ids, quick, markdown } = parseArgs(process.argv.slice(2));
  const wanted = SECTIONS.filter((s) => ids.length === 0 || ids.includes(s.id));
  const machine = machineInfo();
  const log = (line: string) =>
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  console.log(
    `TEAM benchmarks — ${new Date().toISOString()} — ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}${quick ? ' — QUICK MODE: sizes reduced, figures not comparable' : ''}\n`,
  );

  const previous = readPrevious();
  const results: Results = {
    generatedAt: new Date().toISOString(),
    machine,
    quick,
    sections: !quick && previous && !previous.quick ? { ...previous.sections } : {},
  };
  const markdownParts: string[] = [];
  const started = Date.now();

  for (const spec of wanted) {
    const ranAt = new Date().toISOString();
    const t0 = Date.now();
    if (!existsSync(`${benchDir}${spec.module}`)) {
      const why = `bench/${spec.module} is not there yet (${spec.what})`;
      console.log(`# ${spec.id}: skipped — ${why}\n`);
      results.sections[spec.id] = { ranAt, durationMs: 0, status: 'skipped', error: why };
      continue;
    }
    try {
      log(`${spec.id}: running`);
      const mod = await loadModule(spec.module);
      const section = withLifecycleReport(await mod.run({ log, quick }));
      const durationMs = Date.now() - t0;
      console.log(`${renderSection(section)}\n\n(${spec.id}: ${(durationMs / 1000).toFixed(1)} s)\n`);
      markdownParts.push(renderSectionMarkdown(section));
      results.sections[spec.id] = { ranAt, durationMs, status: 'ok', section };
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.log(`# ${spec.id}: FAILED\n${message}\n`);
      results.sections[spec.id] = { ranAt, durationMs: Date.now() - t0, status: 'failed', error: message };
      process.exitCode = 1;
    }
  }

  const targets: Figure[] = Object.values(results.sections).flatMap((r) =>
    (r.section?.figures ?? []).flatMap((g) =>
      g.figures.filter((f) => f.target).map((f) => ({ ...f, label: `${r.section?.id}: ${f.label}` })),
    ),
  );
  if (targets.length) {
    const table = figureTable({ title: 'Targets (every section in results.json)', figures: targets });
    console.log(
      renderSection({
        id: 'targets',
        title: 'Summary',
        figures: [{ title: table.title, figures: targets }],
        tables: [],
        notes: [],
      }),
    );
    markdownParts.push(renderMarkdown(table, '##'));
  }

  // Quick figures are not comparable: they never replace the results of a full run.
  if (!quick) writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  if (markdown) writeFileSync(markdown, `${markdownParts.join('\n\n')}\n`);
  const written = [...(quick ? [] : [resultsPath]), ...(markdown ? [markdown] : [])];
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `\n${written.length ? `wrote ${written.join(' and ')}` : 'quick mode: bench/results.json left as it was'} in ${seconds} s`,
  );
}

await main();
// Every benchmark stops what it started; this only guards the CLI against a stray keep-alive socket.
process.exit(process.exitCode ?? 0);
