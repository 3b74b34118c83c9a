/**
 * What every command gets: the profile and its stored config, the session and an API client
 * over it, the output mode (`--json` or people), and the time zone times are shown in.
 */
import { CliError, EXIT, notConfigured, sessionExpired } from './errors';
import { ConfigStore, type Profile } from './config-store';
import { resolveTimeZone } from './format';
import { GraphqlClient } from './graphql';
import type { CliIo } from './io';
import { Session } from './session';

export class Context {
  readonly store: ConfigStore;
  readonly timeZone: string;
  private session?: Session;

  constructor(
    readonly io: CliIo,
    readonly profileName: string,
    readonly json: boolean,
    configDir: string,
  ) {
    this.store = new ConfigStore(configDir);
    this.timeZone = resolveTimeZone(io.timeZone ?? (io.env['TZ'] || undefined));
  }

  /** A line for people on stderr (progress, hints): stdout stays the result. */
  info(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The result: `value` as one JSON document with `--json`, else `human()` for people. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else {
      const text = human();
      if (text !== '') this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** The profile's stored config, or the error that says to run `team configure`. */
  profile(): Profile {
    const profile = this.store.readProfile(this.profileName);
    if (!profile) throw notConfigured(this.profileName);
    return profile;
  }

  /** The signed-in session of the profile. */
  userSession(): Session {
    this.session ??= new Session(this.store, this.profile(), this.io.fetch, () => this.io.now());
    return this.session;
  }

  /** The API as the signed-in person. */
  api(): GraphqlClient {
    const session = this.userSession();
    return new GraphqlClient({
      url: session.profile.config.graphqlUrl,
      fetch: this.io.fetch,
      token: (force) => session.accessToken(force),
      refused: () => sessionExpired(this.profileName),
    });
  }

  now(): number {
    return this.io.now();
  }
}

/** The one value a query must return, or a NotFound error naming `what`. */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new CliError(EXIT.notFound, `${what} was not found.`, 'NotFound');
  return value;
}
