/**
 * Everything the command line touches outside its own code, passed in so that tests run `main`
 * in-process with captured output, their own environment and config directory.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';

export interface Output {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** HTTP client (default: the global fetch). */
  fetch: typeof fetch;
  /** Opens a URL in the user's browser; failures are ignored (the URL is printed anyway). */
  openUrl(url: string): void;
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Home directory, for `~/.config/team`. */
  homeDir: string;
  /** IANA time zone for times shown to people (default: the system's). */
  timeZone: string | undefined;
}

/** Opens `url` with the platform's opener, detached; a missing opener is not an error. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The URL is printed; the user opens it.
  }
}

/** The process's own streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    fetch: (input, init) => fetch(input, init),
    openUrl: openInBrowser,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    homeDir: homedir(),
    timeZone: undefined,
  };
}
