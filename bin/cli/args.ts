/**
 * The command table's shape and the parsing of one command line: `team <command> [sub] …` with
 * node:util's parseArgs (strict: an unknown option is a usage error), the options every command
 * takes (`--json`, `--profile`, `--help`), and help texts.
 */
import { parseArgs } from 'node:util';
import { usageError } from './errors';
import type { Context } from './context';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help (string options). */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandSpec {
  /** `login`, `policies export`. */
  name: string;
  summary: string;
  /** Positional arguments as help shows them, e.g. `ID` or `[mine|approvals|active|ended]`. */
  positionals?: string;
  minPositionals?: number;
  maxPositionals?: number;
  options: Record<string, OptionSpec>;
  /** Examples for help. */
  examples?: string[];
  run(ctx: Context, values: OptionValues, positionals: string[]): Promise<void>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of text.' },
  profile: {
    type: 'string',
    value: 'NAME',
    description: 'Which configured deployment to use (default: $TEAM_PROFILE or "default").',
  },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

export type Parsed =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'command'; spec: CommandSpec; values: OptionValues; positionals: string[] };

/**
 * The command named at the start of `argv` (two words for `policies export`); the options every
 * command takes may come before it.
 */
function findCommand(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): { spec: CommandSpec; rest: string[] } | undefined {
  let at = 0;
  while (at < argv.length && argv[at]?.startsWith('-')) at += argv[at] === '--profile' ? 2 : 1;
  const first = argv[at];
  if (first === undefined) return undefined;
  const second = argv[at + 1];
  const two = commands.find((c) => second !== undefined && c.name === `${first} ${second}`);
  const spec = two ?? commands.find((c) => c.name === first);
  if (!spec) return undefined;
  const words = spec.name.split(' ').length;
  return { spec, rest: [...argv.slice(0, at), ...argv.slice(at + words)] };
}

/** Help for one command. */
export function commandHelp(spec: CommandSpec): string {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const lines = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.description}`;
  });
  return [
    `Usage: team ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ''} [options]`,
    '',
    spec.summary,
    '',
    'Options:',
    ...lines,
    ...(spec.examples?.length ? ['', 'Examples:', ...spec.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

/** Help for the whole command line. */
export function generalHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'team: temporary elevated access to AWS accounts with TEAM, from the terminal.',
    '',
    'Usage: team <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json (one JSON document on stdout), --profile NAME and --help.',
    'Start with: team configure --url <web app URL>, then team login. More: docs/cli.md.',
    '',
  ].join('\n');
}

/** Parses a command line against the command table. */
export function parseCommandLine(commands: readonly CommandSpec[], argv: readonly string[]): Parsed {
  if (argv.length === 0 || argv[0] === 'help') {
    const topic = argv[1] ? findCommand(commands, argv.slice(1)) : undefined;
    return { kind: 'help', text: topic ? commandHelp(topic.spec) : generalHelp(commands) };
  }
  if (argv[0] === '--version' || argv[0] === '-v') return { kind: 'version' };
  const found = findCommand(commands, argv);
  if (!found) {
    const word = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '--profile');
    const group = commands.filter((c) => c.name.startsWith(`${word} `)).map((c) => c.name.split(' ')[1]);
    if (group.length > 0) {
      throw usageError(
        `team ${word} needs one of: ${group.join(', ')}. Run \`team help ${word} ${group[0]}\`.`,
      );
    }
    if (argv[0] === '--help' || argv[0] === '-h') return { kind: 'help', text: generalHelp(commands) };
    throw usageError(`"${word ?? argv[0] ?? ''}" is not a team command. Run \`team help\` for the list.`);
  }
  const { spec, rest } = found;
  const options = { ...spec.options, ...COMMON_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs explains itself in its first sentence.
    const message = (error as Error).message.split('. ')[0]?.replace(/\.$/, '') ?? 'Bad arguments';
    throw usageError(`${message}. Run \`team ${spec.name} --help\` for usage.`);
  }
  const values = parsed.values as OptionValues;
  if (values['help']) return { kind: 'help', text: commandHelp(spec) };
  const positionals = parsed.positionals;
  const min = spec.minPositionals ?? 0;
  const max = spec.maxPositionals ?? 0;
  if (positionals.length < min) {
    throw usageError(
      `team ${spec.name} needs ${spec.positionals ?? 'an argument'}. Run \`team ${spec.name} --help\`.`,
    );
  }
  if (positionals.length > max) {
    throw usageError(
      `team ${spec.name} does not take "${positionals[max]}". Run \`team ${spec.name} --help\` for usage.`,
    );
  }
  return { kind: 'command', spec, values, positionals };
}

/** A string option's value (undefined when absent). */
export function stringOf(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string option that must be given. */
export function requiredString(values: OptionValues, name: string, what: string): string {
  const value = stringOf(values, name);
  if (value === undefined || value.trim() === '') throw usageError(`--${name} is required: ${what}.`);
  return value;
}
