/** Reading the settings (everyone signed in) and saving them (admins). */
import { authorize } from '../authorization';
import { ConflictError, ValidationError } from '../errors';
import { withInputFields } from '../input-fields';
import { IDC_ID_SHAPE, parseIds } from '../policies/policy-names';
import { SECRET_NAMES, type CoreDeps, type SecretName } from '../ports';
import type { CallerIdentity, GroupRef, Settings } from '../types';
import { validateSettingsInput, type SettingsInput } from './settings-input';
import { applySettingsInput, effectiveSettings, loadSettings } from './settings';

/**
 * An admin's settings edit as the API receives it. Unlike SettingsInput, a null or missing
 * secret (`slackToken`, `slackSigningSecret`, `teamsWebhookUrl`) keeps the stored one; its
 * `clear…` flag deletes it.
 */
export interface UpdateSettingsInput extends Omit<
  SettingsInput,
  | 'slackToken'
  | 'slackSigningSecret'
  | 'teamsWebhookUrl'
  | 'teamsEnabled'
  | 'escalationGroups'
  | 'reminderMinutes'
  | 'escalationMinutes'
  | 'breakGlassEnabled'
  | 'ouCacheLifetimeHours'
> {
  /** Null or missing keeps the stored value (as for the other approval settings below). */
  reminderMinutes?: number | null;
  escalationMinutes?: number | null;
  breakGlassEnabled?: boolean | null;
  teamsEnabled?: boolean | null;
  /** Null or missing keeps the stored lifetime (clients written before the setting existed). */
  ouCacheLifetimeHours?: number | null;
  /**
   * The escalation groups by id; their names are read from the directory. Null or missing keeps
   * the stored groups; an empty list removes them.
   */
  escalationGroupIds?: string[] | null;
  /** A new Slack bot token, written to the secret store only. */
  slackToken?: string | null;
  clearSlackToken?: boolean | null;
  /** A new Slack signing secret, written to the secret store only. */
  slackSigningSecret?: string | null;
  clearSlackSigningSecret?: boolean | null;
  /** A new Microsoft Teams webhook URL, written to the secret store only. */
  teamsWebhookUrl?: string | null;
  clearTeamsWebhookUrl?: boolean | null;
  /** The settings version the admin read: the save fails (Conflict) if someone saved since. */
  expectedVersion?: number | null;
}

/** The write-only secrets of the settings: the input field, its clear flag, its name in messages. */
const WRITE_ONLY_SECRETS = [
  { name: 'slackToken', clear: 'clearSlackToken', label: 'Slack token' },
  { name: 'slackSigningSecret', clear: 'clearSlackSigningSecret', label: 'Slack signing secret' },
  { name: 'teamsWebhookUrl', clear: 'clearTeamsWebhookUrl', label: 'Teams webhook URL' },
] as const satisfies readonly { name: SecretName; clear: keyof UpdateSettingsInput; label: string }[];

/**
 * The settings as the API may return them: only the fields of Settings, so a secret that ever
 * slipped into a stored record (the original kept the Slack token there) never travels.
 */
function withoutSecrets(settings: Settings): Settings {
  const safe: Record<string, unknown> = { ...settings };
  for (const name of SECRET_NAMES) delete safe[name];
  return safe as unknown as Settings;
}

/** A secret given (non-blank text): to be stored; blank or missing: keep the stored one. */
const given = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

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
 * Saves an admin's settings (admins): validated, the write-only secrets (Slack token and signing
 * secret, Teams webhook URL) written to the secret store only (their `…Configured` flags follow
 * them), Slack or Teams switched on without its token or webhook refused, the
 * escalation groups named from the directory, written conditionally on the version read.
 * Returns the settings in force, without secrets.
 */
export function makeUpdateSettings(
  deps: Pick<CoreDeps, 'settings' | 'secrets' | 'directory' | 'clock' | 'fallback'>,
): (caller: CallerIdentity, input: UpdateSettingsInput) => Promise<Settings> {
  return async (caller, input) => {
    authorize('updateSettings', caller);
    const {
      slackToken: _slackToken,
      clearSlackToken: _clearSlackToken,
      slackSigningSecret: _slackSigningSecret,
      clearSlackSigningSecret: _clearSlackSigningSecret,
      teamsWebhookUrl: _teamsWebhookUrl,
      clearTeamsWebhookUrl: _clearTeamsWebhookUrl,
      expectedVersion,
      escalationGroupIds,
      reminderMinutes,
      escalationMinutes,
      breakGlassEnabled,
      teamsEnabled,
      ouCacheLifetimeHours,
      ...fields
    } = input;
    const edit: SettingsInput = { ...fields };
    for (const { name, clear, label } of WRITE_ONLY_SECRETS) {
      const value = input[name];
      if (input[clear] === true && given(value)) {
        throw new ValidationError(`Enter a new ${label} or remove the stored one, not both.`, name);
      }
      if (input[clear] === true) edit[name] = null;
      else if (given(value)) edit[name] = value;
    }
    if (reminderMinutes !== undefined && reminderMinutes !== null) edit.reminderMinutes = reminderMinutes;
    if (escalationMinutes !== undefined && escalationMinutes !== null)
      edit.escalationMinutes = escalationMinutes;
    if (breakGlassEnabled !== undefined && breakGlassEnabled !== null)
      edit.breakGlassEnabled = breakGlassEnabled;
    if (teamsEnabled !== undefined && teamsEnabled !== null) edit.teamsEnabled = teamsEnabled;
    if (ouCacheLifetimeHours !== undefined && ouCacheLifetimeHours !== null)
      edit.ouCacheLifetimeHours = ouCacheLifetimeHours;
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

    // The secrets first: if the settings write then loses a race, the admin's secrets are still
    // the ones stored, which is what they asked for; the reverse order could advertise a missing one.
    for (const { name } of WRITE_ONLY_SECRETS) {
      const value = valid[name];
      if (typeof value === 'string') await deps.secrets.putSecret(name, value);
      else if (value === null) await deps.secrets.deleteSecret(name);
    }
    await deps.settings.put(withoutSecrets(next), current.version);
    return withoutSecrets(effectiveSettings(next, deps.fallback ?? {}));
  };
}
