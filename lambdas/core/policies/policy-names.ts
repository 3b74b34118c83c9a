/**
 * Turning the ids an admin picked into the names stored on policies. Names always come from
 * Organizations and Identity Center, never from the client.
 */
import {
  ACCOUNT_ID,
  IDC_ID,
  MAX_LIST_ITEMS,
  OU_OR_ROOT_ID,
  PERMISSION_SET_ARN,
} from '../../contract/patterns';
import { ValidationError } from '../errors';
import type { CoreDeps } from '../ports';
import type { AccountRef, GroupRef, OuNode, PermissionSetRef, UserRef } from '../types';

/** A pattern an id must match, with the words that describe it in messages. */
export interface IdShape {
  label: string;
  /** A RegExp, or any test of a whole id. */
  pattern: { test(id: string): boolean };
  description: string;
}

export const ACCOUNT_ID_SHAPE: IdShape = {
  label: 'Account id',
  pattern: ACCOUNT_ID,
  description: '12 digits',
};
export const OU_ID_SHAPE: IdShape = {
  label: 'OU id',
  pattern: OU_OR_ROOT_ID,
  description: 'an OU id (ou-…) or the root id (r-…)',
};
export const PERMISSION_SET_ARN_SHAPE: IdShape = {
  label: 'Permission set ARN',
  pattern: PERMISSION_SET_ARN,
  description: 'a permission set ARN (arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
};
export const IDC_ID_SHAPE: IdShape = {
  label: 'User or group id',
  pattern: IDC_ID,
  description: 'an IAM Identity Center id',
};
export const APPROVER_GROUP_ID_SHAPE: IdShape = { ...IDC_ID_SHAPE, label: 'Approver group id' };
export const APPROVER_USER_ID_SHAPE: IdShape = { ...IDC_ID_SHAPE, label: 'Approver user id' };
export const ESCALATION_GROUP_ID_SHAPE: IdShape = { ...IDC_ID_SHAPE, label: 'Escalation group id' };
export const TARGET_ID_SHAPE: IdShape = {
  label: 'Account or OU id',
  pattern: { test: (id) => ACCOUNT_ID.test(id) || OU_OR_ROOT_ID.test(id) },
  description: 'an account id (12 digits), an OU id (ou-…) or the root id (r-…)',
};

/**
 * A list of ids from the client: each trimmed and of the right shape (the message names the
 * field and the item), de-duplicated, at most 1,000. Missing or null means empty.
 */
export function parseIds(value: unknown, field: string, shape: IdShape): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError(`${shape.label}s must be a list.`, field);
  if (value.length > MAX_LIST_ITEMS) {
    throw new ValidationError(`${shape.label}s: at most ${MAX_LIST_ITEMS} items.`, field);
  }
  const ids: string[] = [];
  value.forEach((raw: unknown, index) => {
    const id = typeof raw === 'string' ? raw.trim() : '';
    if (!shape.pattern.test(id)) {
      throw new ValidationError(
        `${shape.label} must be ${shape.description} (item ${index + 1}).`,
        `${field}.${index}`,
      );
    }
    if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}

/** One id from the client, trimmed and of the right shape. */
export function parseId(value: unknown, field: string, shape: IdShape): string {
  const id = typeof value === 'string' ? value.trim() : '';
  if (!shape.pattern.test(id))
    throw new ValidationError(`${shape.label} must be ${shape.description}.`, field);
  return id;
}

function flatten(node: OuNode): OuNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

/** The known items for the ids; the message names the unknown id (the field is the whole list). */
function lookup<T>(ids: readonly string[], known: ReadonlyMap<string, T>, field: string, what: string): T[] {
  return ids.map((id) => {
    const found = known.get(id);
    if (found === undefined) throw new ValidationError(`${what} ${id} does not exist.`, field);
    return found;
  });
}

type NameDeps = Pick<CoreDeps, 'directory' | 'organization'>;

/** Names of accounts (the management account refused when `allowManagement` is false). */
export async function accountRefs(
  deps: NameDeps,
  ids: readonly string[],
  field: string,
  allowManagement: boolean,
): Promise<AccountRef[]> {
  if (ids.length === 0) return [];
  const [accounts, managementId] = await Promise.all([
    deps.organization.listAccounts(),
    allowManagement ? undefined : deps.organization.managementAccountId(),
  ]);
  if (managementId !== undefined && ids.includes(managementId)) {
    throw new ValidationError('The management account cannot be part of an eligibility policy.', field);
  }
  const known = new Map(accounts.map((a) => [a.id, { id: a.id, name: a.name }]));
  return lookup(ids, known, field, 'Account');
}

/** Names of OUs and the root. */
export async function ouRefs(deps: NameDeps, ids: readonly string[], field: string): Promise<AccountRef[]> {
  if (ids.length === 0) return [];
  const known = new Map(
    flatten(await deps.organization.ouTree()).map((n) => [n.id, { id: n.id, name: n.name }]),
  );
  return lookup(ids, known, field, 'OU');
}

/**
 * Names of permission sets; those provisioned to the management account are refused (unless
 * `allowManagement`: scoping an approver policy to one grants nothing).
 */
export async function permissionSetRefs(
  deps: NameDeps,
  arns: readonly string[],
  field: string,
  options: { allowManagement?: boolean } = {},
): Promise<PermissionSetRef[]> {
  if (arns.length === 0) return [];
  const excludedArns = async (): Promise<readonly string[]> =>
    options.allowManagement
      ? []
      : deps.directory.permissionSetsProvisionedTo(await deps.organization.managementAccountId());
  const [all, excluded] = await Promise.all([deps.directory.listPermissionSets(), excludedArns()]);
  const refused = arns.find((arn) => excluded.includes(arn));
  if (refused !== undefined) {
    throw new ValidationError(
      `Permission set ${refused} is provisioned to the management account and cannot be part of an eligibility policy.`,
      field,
    );
  }
  const known = new Map(all.map((p) => [p.arn, { arn: p.arn, name: p.name }]));
  return lookup(arns, known, field, 'Permission set');
}

/** User names of users. */
export async function userRefs(deps: NameDeps, ids: readonly string[], field: string): Promise<UserRef[]> {
  if (ids.length === 0) return [];
  const users = await Promise.all(ids.map((id) => deps.directory.getUser(id)));
  return ids.map((id, index) => {
    const user = users[index];
    if (user === undefined) throw new ValidationError(`User ${id} does not exist.`, field);
    return { id, name: user.userName };
  });
}

/** Names of groups. */
export async function groupRefs(deps: NameDeps, ids: readonly string[], field: string): Promise<GroupRef[]> {
  if (ids.length === 0) return [];
  const known = new Map((await deps.directory.listGroups()).map((g) => [g.id, { id: g.id, name: g.name }]));
  return lookup(ids, known, field, 'Group');
}

/** The next `updatedAt` of a policy: now, but always later than the previous one (writes are conditional on it). */
export function nextUpdatedAt(now: Date, previous?: string): string {
  const previousMs = previous === undefined ? Number.NaN : Date.parse(previous);
  const at = Number.isNaN(previousMs) ? now.getTime() : Math.max(now.getTime(), previousMs + 1);
  return new Date(at).toISOString();
}

/**
 * Writes every item or none: on a failure, removes what this call already created, then
 * rethrows. The check for existing items before writing makes a failure here a rare race.
 */
export async function writeAll<T>(
  items: readonly T[],
  put: (item: T) => Promise<void>,
  undo: (item: T) => Promise<void>,
): Promise<void> {
  const written: T[] = [];
  try {
    for (const item of items) {
      await put(item);
      written.push(item);
    }
  } catch (error) {
    await Promise.allSettled(written.map((item) => undo(item)));
    throw error;
  }
}
