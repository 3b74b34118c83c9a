/** Reading the settings (everyone signed in) and saving them (admins). */
import { authorize } from '../authorization';
import { ConflictError, ValidationError } from '../errors';
import type { CoreDeps } from '../ports';
import type { CallerIdentity, Settings } from '../types';
import { validateSettingsInput, type SettingsInput } from './settings-input';
import { applySettingsInput, effectiveSettings, loadSettings } from './settings';

/**
 * An admin's settings edit as the API receives it. Unlike SettingsInput, a null or missing
 * `slackToken` keeps the stored token; `clearSlackToken` deletes it.
 */
export interface UpdateSettingsInput extends Omit<SettingsInput, 'slackToken'> {
  /** A new Slack bot token, written to the secret store only. */
  slackToken?: string | null;
  clearSlackToken?: boolean | null;
  /** The settings version the admin read: the save fails (Conflict) if someone saved since. */
  expectedVersion?: number | null;
}

/**
 * The settings as the API may return them: only the fields of Settings, so a token that ever
 * slipped into a stored record (the original kept it there) never travels.
 */
function withoutSecrets(settings: Settings): Settings {
  const { slackToken: _secret, ...safe } = settings as Settings & { slackToken?: unknown };
  return safe;
}

/** The settings in force, without secrets (everyone signed in). */
export function makeGetSettings(
  deps: Pick<CoreDeps, 'settings' | 'fallback'>,
): (caller: CallerIdentity) => Promise<Settings> {
  return async (caller) => {
    authorize('getSettings', caller);
    return withoutSecrets(await loadSettings(deps));
  };
}

/**
 * Saves an admin's settings (admins): validated, the Slack token written to the secret store
 * only (`slackTokenConfigured` follows it), Slack switched on without a token refused, written
 * conditionally on the version read. Returns the settings in force, without secrets.
 */
export function makeUpdateSettings(
  deps: Pick<CoreDeps, 'settings' | 'secrets' | 'clock' | 'fallback'>,
): (caller: CallerIdentity, input: UpdateSettingsInput) => Promise<Settings> {
  return async (caller, input) => {
    authorize('updateSettings', caller);
    const { slackToken, clearSlackToken, expectedVersion, ...fields } = input;
    if (clearSlackToken === true && typeof slackToken === 'string' && slackToken.trim() !== '') {
      throw new ValidationError('Enter a new Slack token or remove the stored one, not both.', 'slackToken');
    }
    const edit: SettingsInput = { ...fields };
    if (clearSlackToken === true) edit.slackToken = null;
    else if (typeof slackToken === 'string' && slackToken.trim() !== '') edit.slackToken = slackToken;
    const valid = validateSettingsInput(edit);

    // Without the deployment fallback: group names left unset must keep following deployment config.
    const stored = await deps.settings.get();
    const current = effectiveSettings(stored, {});
    if (expectedVersion !== undefined && expectedVersion !== null && expectedVersion !== current.version) {
      throw new ConflictError('The settings were changed by someone else; reload them and try again.');
    }
    const next = applySettingsInput(current, valid, { now: deps.clock.now(), updatedBy: caller.userName });

    // The secret first: if the settings write then loses a race, the admin's token is still the
    // one stored, which is what they asked for; the reverse order could advertise a missing token.
    if (typeof valid.slackToken === 'string') await deps.secrets.putSlackToken(valid.slackToken);
    else if (valid.slackToken === null) await deps.secrets.deleteSlackToken();
    await deps.settings.put(withoutSecrets(next), current.version);
    return withoutSecrets(effectiveSettings(next, deps.fallback ?? {}));
  };
}
