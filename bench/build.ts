/**
 * The build: how long `npm run synth` (CloudFormation for the whole stack, cdk-nag checks and the
 * seven Lambda bundles) takes, first with an empty bundle cache, then again with the bundles of
 * that first run, with the machine's load average beside each run (other work on the machine
 * stretches these times more than any other figure).
 *
 * Both runs write their cloud assembly into a temporary directory (the tree's cdk.out is left
 * alone) and use a temporary bundle cache (TEAM_LAMBDA_BUNDLE_CACHE, lib/bundling.ts).
 *
 *   npx tsx bench/run.ts build
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure, RunOptions, Section, Table } from './lib/section';

const root = fileURLToPath(new URL('..', import.meta.url));

interface SynthRun {
  seconds: number;
  /** 1-minute load average when the run started and when it ended. */
  loadBefore: number;
  loadAfter: number;
  /** CDK's own phase times (performance-counters.json), in seconds, when it wrote them. */
  phases: Record<string, number>;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const load = () => round(loadavg()[0] ?? 0, 2);

function synth(outdir: string, cacheDir: string): Promise<SynthRun> {
  const loadBefore = load();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'synth', '--', '--output', outdir], {
      cwd: root,
      env: { ...process.env, TEAM_LAMBDA_BUNDLE_CACHE: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`npm run synth failed (exit ${code}):\n${output}`));
        return;
      }
      resolve({ seconds: round(seconds), loadBefore, loadAfter: load(), phases: phasesOf(outdir) });
    });
  });
}

/** Load, Construction (bundles copied into the assets) and Synthesis (templates, checks). */
function phasesOf(outdir: string): Record<string, number> {
  const file = join(outdir, 'performance-counters.json');
  if (!existsSync(file)) return {};
  const { counters } = JSON.parse(readFileSync(file, 'utf8')) as { counters: Record<string, number> };
  const phases: Record<string, number> = {};
  for (const [name, ms] of Object.entries(counters)) {
    const phase = /^phase:(\w+)$/.exec(name)?.[1];
    if (phase) phases[phase] = round(ms / 1000);
  }
  return phases;
}

export async function run(options?: RunOptions): Promise<Section> {
  const log = options?.log ?? (() => {});
  const scratch = mkdtempSync(join(tmpdir(), 'team-bench-build-'));
  const cacheDir = join(scratch, 'bundles');
  try {
    log('build: npm run synth with an empty bundle cache');
    const cold = await synth(join(scratch, 'cold'), cacheDir);
    log(`build: ${cold.seconds} s; again with the bundles of that run`);
    const warm = await synth(join(scratch, 'warm'), cacheDir);
    log(`build: ${warm.seconds} s`);

    const cores = cpus().length;
    const beside = (r: SynthRun) => `load average ${r.loadBefore} → ${r.loadAfter} on ${cores} cores`;
    const figures: Figure[] = [
      {
        id: 'build.synthSeconds',
        label: `npm run synth, empty bundle cache (${beside(cold)})`,
        unit: 's',
        value: cold.seconds,
        original: null,
        target: { max: 60 },
      },
      {
        id: 'build.synthSeconds.warm',
        label: `npm run synth, bundles cached (${beside(warm)})`,
        unit: 's',
        value: warm.seconds,
        original: null,
      },
    ];
    const phaseNames = ['Load', 'Construction', 'Synthesis'].filter(
      (p) => p in cold.phases || p in warm.phases,
    );
    const table: Table = {
      title: 'npm run synth (seconds)',
      columns: [
        'run',
        'total s',
        'load average before',
        'load average after',
        ...phaseNames.map((p) => `${p} s`),
      ],
      rows: [
        [
          'empty bundle cache',
          cold.seconds,
          cold.loadBefore,
          cold.loadAfter,
          ...phaseNames.map((p) => cold.phases[p] ?? null),
        ],
        [
          'bundles cached',
          warm.seconds,
          warm.loadBefore,
          warm.loadAfter,
          ...phaseNames.map((p) => warm.phases[p] ?? null),
        ],
      ],
      notes: [
        'Total: the whole command as a person runs it (npm, the CDK CLI, tsx, the app, the CLI reading the assembly).',
        'Phases as the CDK app reports them (performance-counters.json): Load ends when the app has loaded the CDK libraries and its bundles are ready (esbuild bundles every function in one run while the libraries load); Construction builds the stack and copies the bundles into the assets; Synthesis writes the templates and runs the checks (cdk-nag, CloudFormation validation).',
      ],
    };
    return {
      id: 'build',
      title: 'Build: npm run synth',
      figures: [
        {
          title: 'Synthesis of the whole stack with its Lambda bundles',
          figures,
          notes: [
            'The original has no comparable figure: it deploys through the Amplify CLI and console (baseline §5 timed only its SPA build, `npm run build`, 64 s): —.',
            'The load averages are the 1-minute figures when each run started and ended; on a shared machine they explain most of the spread between runs.',
          ],
        },
      ],
      tables: [table],
      notes: [
        'Empty bundle cache: a temporary TEAM_LAMBDA_BUNDLE_CACHE, as after a fresh clone; other caches (tsx, the file system) are as they are.',
      ],
      data: { cores, cold, warm },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
