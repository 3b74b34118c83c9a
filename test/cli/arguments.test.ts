/**
 * The command line's arguments and the values in them: what is a usage error (exit 1, with a
 * hint), help and version, and the parsing of hours, start times, lengths of time; and how times
 * and durations look.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../bin/cli/errors';
import {
  formatDuration,
  formatIsoDuration,
  formatShortTime,
  formatTime,
  listInWords,
  statusLabel,
  table,
} from '../../bin/cli/format';
import { parseHours, parseSpan, parseStart, parseTimeout } from '../../bin/cli/inputs';
import { cliUser } from './support';

describe('usage errors', () => {
  const user = cliUser();

  it.each([
    [['frobnicate'], /"frobnicate" is not a team command/],
    [['ls', '--bogus'], /Unknown option '--bogus'.*team ls --help/],
    [['ls', 'everything'], /team ls lists one of: mine, approvals, active, ended, decided/],
    [['show'], /team show needs ID/],
    [['show', 'a', 'b'], /does not take "b"/],
    [['approve', 'x', '--comment'], /--comment/],
    [['policies'], /team policies needs one of: export, import/],
    [['configure'], /--url is required/],
    [['configure', '--url', 'not a url'], /--url takes the web app's URL/],
    [['configure', '--url', 'http://team.example.com'], /must be an https URL/],
    [['request', '--account', 'A', '--role', 'R', '--hours', '2'], /--reason is required/],
    [['request', '--account', 'A', '--role', 'R', '--hours', '1.5', '--reason', 'x'], /whole hours/],
    [
      ['request', '--account', 'A', '--role', 'R', '--hours', '2', '--reason', 'x', '--start', 'soon'],
      /--start takes/,
    ],
    [['login', '--port', '99999'], /TCP port/],
    [['ls', '--limit', '0'], /--limit takes a number/],
    [['ls', '--profile', '../etc'], /is not a profile name/],
  ])('team %j is a usage error', async (argv, message) => {
    const result = await user.run(...argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('prints the error as one JSON document too with --json', async () => {
    const result = await user.run('ls', 'everything', '--json');
    expect(result.code).toBe(1);
    expect(result.json()).toEqual({
      error: { type: 'UsageError', message: expect.stringMatching(/team ls lists one of/), exitCode: 1 },
    });
  });

  it('says to configure first, with exit 2, before anything needs the network', async () => {
    const result = await user.run('whoami', '--profile', 'staging');
    expect(result.code).toBe(EXIT.notSignedIn);
    expect(result.stderr).toContain('run `team configure --url <web app URL> --profile staging`');
  });

  it('shows help on stdout for --help and `help <command>`, on stderr (exit 1) for no command', async () => {
    const general = await user.run('--help');
    expect(general.code).toBe(0);
    expect(general.stdout).toMatch(/Commands:[\s\S]*policies import/);
    const command = await user.run('request', '--help');
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(/Usage: team request[\s\S]*--hours N[\s\S]*--wait/);
    expect((await user.run('help', 'policies', 'export')).stdout).toMatch(/Usage: team policies export/);
    const none = await user.run();
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/Usage: team <command>/);
    expect((await user.run('--version')).stdout).toMatch(/^team \d+\.\d+\.\d+/);
  });

  it('accepts the common options before the command', async () => {
    const result = await user.run('--profile', 'other', '--json', 'whoami');
    expect(result.code).toBe(EXIT.notSignedIn);
    expect(result.json<{ error: { type: string } }>().error.type).toBe('NotConfigured');
  });
});

describe('values', () => {
  const now = Date.parse('2025-03-04T12:00:00Z');

  it('reads lengths of time', () => {
    expect(parseSpan('90s')).toBe(90_000);
    expect(parseSpan('10m')).toBe(600_000);
    expect(parseSpan('1h30m')).toBe(5_400_000);
    expect(parseSpan('2d')).toBe(172_800_000);
    expect(parseSpan('45')).toBe(45_000);
    expect(parseSpan('soon')).toBeUndefined();
    expect(() => parseTimeout('0s', '--timeout')).toThrow(/--timeout takes a length of time/);
  });

  it('reads whole hours only', () => {
    expect(parseHours('8')).toBe(8);
    for (const bad of ['0', '-1', '1.5', 'two', '8001'])
      expect(() => parseHours(bad), bad).toThrow(/whole hours/);
    expect(() => parseHours(undefined)).toThrow(/--hours is required/);
  });

  it('reads start times: now, from now, ISO (local time without an offset)', () => {
    expect(parseStart(undefined, now)).toBeUndefined();
    expect(parseStart('now', now)).toBeUndefined();
    expect(parseStart('+30m', now)).toBe('2025-03-04T12:30:00.000Z');
    expect(parseStart('+1h30m', now)).toBe('2025-03-04T13:30:00.000Z');
    expect(parseStart('2025-03-04T15:00:00+01:00', now)).toBe('2025-03-04T14:00:00.000Z');
    expect(parseStart('2025-03-04T15:00Z', now)).toBe('2025-03-04T15:00:00.000Z');
    expect(parseStart('2025-03-05T09:00', now)).toBe(new Date(2025, 2, 5, 9, 0).toISOString());
    expect(() => parseStart('2025-03-01T09:00Z', now)).toThrow(/in the past/);
    expect(() => parseStart('+soon', now)).toThrow(/\+30m/);
    expect(() => parseStart('tomorrow', now)).toThrow(/ISO date-time/);
  });
});

describe('how things look', () => {
  it('says durations in words, never ISO 8601', () => {
    expect(formatDuration(45 * 60_000)).toBe('45 minutes');
    expect(formatDuration(60 * 60_000)).toBe('1 hour');
    expect(formatDuration(90 * 60_000)).toBe('1 hour 30 minutes');
    expect(formatDuration(26 * 3_600_000)).toBe('1 day 2 hours');
    expect(formatDuration(1000)).toBe('1 second');
    expect(formatIsoDuration('PT1H')).toBe('1 hour');
    expect(formatIsoDuration('PT12H30M')).toBe('12 hours 30 minutes');
    expect(formatIsoDuration('nonsense')).toBeUndefined();
  });

  it('shows times in the given time zone', () => {
    expect(formatShortTime('2025-03-04T12:05:00Z', 'Asia/Tokyo')).toBe('2025-03-04 21:05');
    expect(formatTime('2025-03-04T12:05:00Z', 'UTC')).toBe('2025-03-04 12:05 UTC');
    expect(formatTime('2025-07-04T12:05:00Z', 'America/New_York')).toBe('2025-07-04 08:05 EDT');
    expect(formatTime(null, 'UTC')).toBe('—');
  });

  it('says statuses and lists as people do', () => {
    expect(statusLabel('IN_PROGRESS')).toBe('in progress');
    expect(listInWords(['Bob'])).toBe('Bob');
    expect(listInWords(['Bob', 'Carol', 'Ivan'])).toBe('Bob, Carol or Ivan');
    expect(listInWords(['a', 'b'], 'and')).toBe('a and b');
  });

  it('aligns table columns, wide characters counted twice', () => {
    const text = table(
      ['ID', 'NAME', 'STATUS'],
      [
        ['1', '田中 由紀', 'pending'],
        ['22', 'Bob', 'in progress'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'ID  NAME       STATUS',
      '1   田中 由紀  pending',
      '22  Bob        in progress',
    ]);
  });
});
