/** Reading the settings (everyone signed in) and saving them (admins). */
import { authorize } from '../authorization';
import { ConflictError, ValidationError } from '../errors';
import { withInputFields } from '../input-fields';
import { IDC_ID_SHAPE, parseIds } from '../policies/policy-names';
import type { CoreDeps } from '../ports';
import type { CallerIdentity, GroupRef, Settings } from '../types';
import { validateSettingsInput, type SettingsInput } from './settings-input';
import { applySettingsInput, effectiveSettings, loadSettings } from './settings';

/**
 * An admin's settings edit as the API receives it. Unlike SettingsInput, a null or missing
 * `slackToken` keeps the stored token; `clearSlackToken` deletes it.
 */
export interface UpdateSettingsInput extends Omit<
  SettingsInput,
  'slackToken' | 'escalationGroups' | 'reminderMinutes' | 'escalationMinutes' | 'breakGlassEnabled'
> {
  /** Null or missing keeps the stored value (as for the other approval settings below). */
  reminderMinutes?: number | null;
  escalationMinutes?: number | null;
  breakGlassEnabled?: boolean | null;
  /**
   * The escalation groups by id; their names are read from the directory. Null or missing keeps
   * the stored groups; an empty list removes them.
   */
  escalationGroupIds?: string[] | null;
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

const ESCALATION_GROUP_ID_SHAPE = { ...IDC_ID_SHAPE, label: 'Escalation group id' };

/**
 * The escalation groups an admin picked, with their names from the directory: an id that is not
 * a group there is refused, naming it (the names are never taken from the client).
 */
async function escalationGroupsOf(directory: CoreDeps['directory'], value: unknown): Promise<GroupRef[]> {
  const ids = parseIds(value, 'escalationGroupIds', ESCALATION_GROUP_ID_SHAPE);
  if (ids.length === 0) return [];
  const known = new Map((await directory.listGroups()).map((g) => [g.id, g.name]));
  return ids.map((id) => {
    const name = known.get(id);
    if (name === undefined) {
      throw new ValidationError(`Escalation group ${id} does not exist.`, 'escalationGroupIds');
    }
    return { id, name };
  });
}

/** Fields of SettingsInput that the API receives under another name. */
const INPUT_FIELDS = { escalationGroups: 'escalationGroupIds' };

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
 * only (`slackTokenConfigured` follows it), Slack switched on without a token refused, the
 * escalation groups named from the directory, written conditionally on the version read.
 * Returns the settings in force, without secrets.
 */
export function makeUpdateSettings(
  deps: Pick<CoreDeps, 'settings' | 'secrets' | 'directory' | 'clock' | 'fallback'>,
): (caller: CallerIdentity, input: UpdateSettingsInput) => Promise<Settings> {
  return async (caller, input) => {
    authorize('updateSettings', caller);
    const {
      slackToken,
      clearSlackToken,
      expectedVersion,
      escalationGroupIds,
      reminderMinutes,
      escalationMinutes,
      breakGlassEnabled,
      ...fields
    } = input;
    if (clearSlackToken === true && typeof slackToken === 'string' && slackToken.trim() !== '') {
      throw new ValidationError('Enter a new Slack token or remove the stored one, not both.', 'slackToken');
    }
    const edit: SettingsInput = { ...fields };
    if (reminderMinutes !== undefined && reminderMinutes !== null) edit.reminderMinutes = reminderMinutes;
    if (escalationMinutes !== undefined && escalationMinutes !== null)
      edit.escalationMinutes = escalationMinutes;
    if (breakGlassEnabled !== undefined && breakGlassEnabled !== null)
      edit.breakGlassEnabled = breakGlassEnabled;
    if (clearSlackToken === true) edit.slackToken = null;
    else if (typeof slackToken === 'string' && slackToken.trim() !== '') edit.slackToken = slackToken;
    if (escalationGroupIds !== undefined && escalationGroupIds !== null) {
      edit.escalationGroups = await escalationGroupsOf(deps.directory, escalationGroupIds);
    }
    const valid = withInputFields(() => validateSettingsInput(edit), INPUT_FIELDS);

    // Without the deployment fallback: group names left unset must keep following deployment config.
    const stored = await deps.settings.get();
    const current = effectiveSettings(stored, {});
    if (expectedVersion !== undefined && expectedVersion !== null && expectedVersion !== current.version) {
      throw new ConflictError('The settings were changed by someone else; reload them and try again.');
    }
    const next = withInputFields(
      () => applySettingsInput(current, valid, { now: deps.clock.now(), updatedBy: caller.userName }),
      INPUT_FIELDS,
    );

    // The secret first: if the settings write then loses a race, the admin's token is still the
    // one stored, which is what they asked for; the reverse order could advertise a missing token.
    if (typeof valid.slackToken === 'string') await deps.secrets.putSlackToken(valid.slackToken);
    else if (valid.slackToken === null) await deps.secrets.deleteSlackToken();
    await deps.settings.put(withoutSecrets(next), current.version);
    return withoutSecrets(effectiveSettings(next, deps.fallback ?? {}));
  };
}
