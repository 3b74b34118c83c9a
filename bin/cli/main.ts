/**
 * The `team` command line: `main(argv, io)` parses the arguments, runs one command and returns
 * its exit code. It never exits the process, and its streams, environment, clock, HTTP client and
 * browser come from `io`, so tests call it in-process; the launcher (bin/team-cli.mjs) passes the
 * real process in.
 */
import { parseCommandLine, stringOf, type CommandSpec } from './args';
import { configure, login, logout, whoami } from './commands/account';
import { approve, cancel, extend, reject, revoke } from './commands/decisions';
import { ls, show } from './commands/lists';
import { policiesExport, policiesImport } from './commands/policies';
import { breakGlass, request } from './commands/requests';
import { checkProfileName, configDirOf, DEFAULT_PROFILE } from './config-store';
import { Context } from './context';
import { CliError, EXIT } from './errors';
import type { CliIo } from './io';
import packageJson from '../../package.json' with { type: 'json' };

export { EXIT } from './errors';
export { processIo, type CliIo } from './io';

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  configure,
  login,
  logout,
  whoami,
  request,
  ls,
  show,
  approve,
  reject,
  cancel,
  revoke,
  extend,
  breakGlass,
  policiesExport,
  policiesImport,
];

/** Prints a failure (stderr; with --json also one JSON document on stdout) and returns its code. */
function report(io: CliIo, json: boolean, error: unknown): number {
  const failure =
    error instanceof CliError
      ? error
      : new CliError(EXIT.other, error instanceof Error ? error.message : String(error), 'InternalError');
  io.stderr.write(`team: ${failure.message}\n`);
  if (json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          error: {
            type: failure.type,
            message: failure.message,
            exitCode: failure.exitCode,
            ...failure.details,
          },
        },
        null,
        2,
      )}\n`,
    );
  }
  return failure.exitCode;
}

/** Runs the command line `argv` (without `node` and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const parsed = parseCommandLine(COMMANDS, argv);
    if (parsed.kind === 'help') {
      // `team` alone is a usage error that shows the help; asking for help is not.
      (argv.length === 0 ? io.stderr : io.stdout).write(parsed.text);
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`team ${packageJson.version}\n`);
      return EXIT.ok;
    }
    const profile = checkProfileName(
      stringOf(parsed.values, 'profile') ?? (io.env['TEAM_PROFILE'] || DEFAULT_PROFILE),
    );
    const ctx = new Context(io, profile, parsed.values['json'] === true, configDirOf(io.env, io.homeDir));
    await parsed.spec.run(ctx, parsed.values, parsed.positionals);
    return EXIT.ok;
  } catch (error) {
    return report(io, json, error);
  }
}
