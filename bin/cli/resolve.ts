/**
 * Finds the account and permission set a person named among what the request form offers them
 * (`requestFormOptions`, the web form's own query), or says what they may request instead.
 */
import type { RequestFormOptionsQuery } from '../../graphql/generated/operations';
import { CliError, EXIT, usageError } from './errors';
import { accountLabel, formatHours, listInWords } from './format';

export type FormOptions = RequestFormOptionsQuery['requestFormOptions'];
export type EligibleAccount = FormOptions['accounts'][number];
export type EligiblePermissionSet = EligibleAccount['permissionSets'][number];

/** What the caller may take: every eligible pair, or only those allowing break-glass. */
export type Purpose = 'request' | 'break-glass';

function offered(options: FormOptions, purpose: Purpose): EligibleAccount[] {
  if (purpose === 'request') return options.accounts;
  if (!options.breakGlassEnabled) return [];
  return options.accounts
    .map((a) => ({ ...a, permissionSets: a.permissionSets.filter((p) => p.breakGlass) }))
    .filter((a) => a.permissionSets.length > 0);
}

function maxHours(set: EligiblePermissionSet, purpose: Purpose): number {
  return purpose === 'break-glass' ? (set.breakGlassMaxHours ?? 1) : set.maxDurationHours;
}

/** One line per account: the permission sets offered there, with their limits. */
export function describeOffer(accounts: readonly EligibleAccount[], purpose: Purpose): string {
  if (accounts.length === 0) return '  (nothing)';
  return accounts
    .map((account) => {
      const sets = account.permissionSets
        .map((set) => {
          const notes = [`up to ${formatHours(maxHours(set, purpose))}`];
          if (purpose === 'request' && set.approvalRequired) notes.push('approval');
          return `${set.name} (${notes.join(', ')})`;
        })
        .join(', ');
      return `  ${accountLabel(account)}: ${sets}`;
    })
    .join('\n');
}

/** The offer in `--json` error details. */
function offerDetails(accounts: readonly EligibleAccount[], purpose: Purpose) {
  return {
    eligible: accounts.map((a) => ({
      accountId: a.id,
      accountName: a.name,
      permissionSets: a.permissionSets.map((p) => ({ name: p.name, maxHours: maxHours(p, purpose) })),
    })),
  };
}

function notEligible(message: string, accounts: readonly EligibleAccount[], purpose: Purpose): CliError {
  const intro = purpose === 'break-glass' ? 'You may take break-glass access to:' : 'You may request:';
  return new CliError(
    EXIT.forbidden,
    `${message}\n${intro}\n${describeOffer(accounts, purpose)}`,
    'NotEligible',
    offerDetails(accounts, purpose),
  );
}

/** The account named by id (12 digits) or name (exact, else a unique part of it, any case). */
export function resolveAccount(options: FormOptions, input: string, purpose: Purpose): EligibleAccount {
  const accounts = offered(options, purpose);
  const wanted = input.trim();
  const lower = wanted.toLowerCase();
  const exact = accounts.find((a) => a.id === wanted || a.name.toLowerCase() === lower);
  if (exact) return exact;
  const partial = accounts.filter((a) => a.name.toLowerCase().includes(lower));
  if (partial.length === 1 && partial[0]) return partial[0];
  if (partial.length > 1) {
    throw usageError(
      `"${input}" matches several accounts: ${listInWords(partial.map(accountLabel))}. Name one exactly.`,
    );
  }
  const what = purpose === 'break-glass' ? 'take break-glass access to' : 'request access to';
  throw notEligible(`You may not ${what} "${input}".`, accounts, purpose);
}

/** The permission set named by name (any case) or ARN in `account`. */
export function resolvePermissionSet(
  options: FormOptions,
  account: EligibleAccount,
  input: string,
  purpose: Purpose,
): EligiblePermissionSet {
  const wanted = input.trim().toLowerCase();
  const set = account.permissionSets.find(
    (p) => p.arn.toLowerCase() === wanted || p.name.toLowerCase() === wanted,
  );
  if (set) return set;
  const what = purpose === 'break-glass' ? 'take break-glass access as' : 'request';
  throw notEligible(
    `You may not ${what} "${input}" in ${accountLabel(account)}.`,
    offered(options, purpose),
    purpose,
  );
}

/** Checks the hours against the limit of the permission set. */
export function checkHours(
  account: EligibleAccount,
  set: EligiblePermissionSet,
  hours: number,
  purpose: Purpose,
): void {
  const max = maxHours(set, purpose);
  if (hours > max) {
    throw new CliError(
      EXIT.forbidden,
      `${set.name} in ${accountLabel(account)} may last at most ${formatHours(max)}${
        purpose === 'break-glass' ? ' as break-glass access' : ''
      }; you asked for ${formatHours(hours)}.`,
      'NotEligible',
      { maxHours: max },
    );
  }
}
