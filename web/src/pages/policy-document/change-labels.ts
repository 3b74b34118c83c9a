import type { MessageKey, Translate } from '../../i18n';
import { formatHours, formatIsoDuration } from '../../i18n/format';

/** Which list of a preview a change belongs to. */
export type ChangePart = 'eligibility' | 'approvers' | 'settings';

/** How a field's value reads: the server writes every value as document text (`true`, `9`, names joined by commas). */
type ValueKind = 'yesNo' | 'required' | 'onOff' | 'hours' | 'group' | 'list' | 'text';

interface FieldSpec {
  label: MessageKey;
  kind: ValueKind;
}

const POLICY_FIELDS: Readonly<Record<string, FieldSpec>> = {
  name: { label: 'document.field.name', kind: 'text' },
  accounts: { label: 'document.field.accounts', kind: 'list' },
  ous: { label: 'document.field.ous', kind: 'list' },
  includeNestedOus: { label: 'document.field.includeNestedOus', kind: 'yesNo' },
  permissionSets: { label: 'document.field.permissionSets', kind: 'list' },
  pairs: { label: 'document.field.pairs', kind: 'list' },
  maxDurationHours: { label: 'document.field.maxDurationHours', kind: 'hours' },
  approvalRequired: { label: 'document.field.approvalRequired', kind: 'required' },
  ticketNo: { label: 'document.field.ticketNo', kind: 'text' },
  groups: { label: 'document.field.groups', kind: 'list' },
  users: { label: 'document.field.users', kind: 'list' },
  also: { label: 'document.field.also', kind: 'yesNo' },
};

const SETTINGS_FIELDS: Readonly<Record<string, FieldSpec>> = {
  maxDurationHours: { label: 'document.field.settings.maxDurationHours', kind: 'hours' },
  expiryHours: { label: 'document.field.settings.expiryHours', kind: 'hours' },
  commentsRequired: { label: 'document.field.settings.commentsRequired', kind: 'required' },
  ticketRequired: { label: 'document.field.settings.ticketRequired', kind: 'required' },
  approvalWorkflow: { label: 'document.field.settings.approvalWorkflow', kind: 'onOff' },
  sesEnabled: { label: 'document.field.settings.sesEnabled', kind: 'onOff' },
  sesSourceEmail: { label: 'document.field.settings.sesSourceEmail', kind: 'text' },
  sesSourceArn: { label: 'document.field.settings.sesSourceArn', kind: 'text' },
  snsEnabled: { label: 'document.field.settings.snsEnabled', kind: 'onOff' },
  slackEnabled: { label: 'document.field.settings.slackEnabled', kind: 'onOff' },
  slackAuditChannel: { label: 'document.field.settings.slackAuditChannel', kind: 'text' },
  teamsEnabled: { label: 'document.field.settings.teamsEnabled', kind: 'onOff' },
  adminGroupName: { label: 'document.field.settings.adminGroupName', kind: 'group' },
  auditorGroupName: { label: 'document.field.settings.auditorGroupName', kind: 'group' },
  ouCacheEnabled: { label: 'document.field.settings.ouCacheEnabled', kind: 'onOff' },
  sensitiveActions: { label: 'document.field.settings.sensitiveActions', kind: 'list' },
};

function specOf(part: ChangePart, field: string): FieldSpec | undefined {
  const fields = part === 'settings' ? SETTINGS_FIELDS : POLICY_FIELDS;
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** A field of a change as people read it ("Max duration"); a field this app does not know keeps its name. */
export function fieldLabel(part: ChangePart, field: string, t: Translate): string {
  const spec = specOf(part, field);
  return spec ? t(spec.label) : field;
}

/** Whether the field holds a list of names (written joined by commas). */
export function isListField(part: ChangePart, field: string): boolean {
  return specOf(part, field)?.kind === 'list';
}

/** The names of a list field's value (JSON lists too); none when not set. */
export function listItems(value: string | null): string[] {
  if (value === null || value === '') return [];
  const fromJson = jsonList(value);
  return (fromJson ?? value).split(', ').filter((item) => item !== '');
}

/** A JSON list of plain values (an older server, or a field this app does not know) as a list of names. */
function jsonList(value: string): string | undefined {
  if (!value.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return undefined;
    if (!parsed.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return undefined;
    return parsed.map(String).join(', ');
  } catch {
    return undefined;
  }
}

/**
 * A field's value as people read it: yes/no, required, enabled, hours in words, durations in
 * words, lists as names; null (not set) as "Not set", or the deployment's group.
 */
export function fieldValue(
  part: ChangePart,
  field: string,
  value: string | null,
  t: Translate,
  locale: string,
): string {
  const kind = specOf(part, field)?.kind ?? 'text';
  if (value === null || value === '') {
    return kind === 'group' ? t('settings.deploymentDefault') : t('document.notSet');
  }
  const flag = value === 'true' ? true : value === 'false' ? false : undefined;
  if (flag !== undefined) {
    if (kind === 'required') return flag ? t('common.required') : t('common.notRequired');
    if (kind === 'onOff') return flag ? t('common.enabled') : t('common.disabled');
    return flag ? t('common.yes') : t('common.no');
  }
  if (kind === 'hours' && /^\d+$/.test(value)) return formatHours(Number(value), t, locale);
  if (/^PT(\d+H)?(\d+M)?$/.test(value)) return formatIsoDuration(value, t, locale);
  return jsonList(value) ?? value;
}

/**
 * Who or what a changed policy is about, in the reader's language. The server describes it in
 * the document's words (`group TEAM-Users, policy "default"`, `OU Production, for ReadOnlyAccess`);
 * a description of another shape is shown as it is.
 */
export function describeChange(part: ChangePart, description: string, t: Translate): string {
  if (part === 'eligibility') {
    const match = /^(group|user) ([\s\S]+), policy "([\s\S]*)"$/.exec(description);
    if (!match) return description;
    const [, type, name = '', policy = ''] = match;
    return t('document.describe.eligibility', {
      type: type === 'group' ? t('policy.group') : t('policy.user'),
      name,
      policy,
    });
  }
  const match = /^(account|OU) ([\s\S]+)$/.exec(description);
  if (!match) return description;
  const [, type, rest = ''] = match;
  const typeLabel = type === 'account' ? t('approvers.account') : t('approvers.ou');
  // Permission set names hold no spaces, so the scope starts after the last ", for ".
  const at = rest.lastIndexOf(', for ');
  if (at <= 0) return t('document.describe.approvers', { type: typeLabel, name: rest });
  return t('document.describe.approversScoped', {
    type: typeLabel,
    name: rest.slice(0, at),
    permissionSets: rest.slice(at + ', for '.length),
  });
}
