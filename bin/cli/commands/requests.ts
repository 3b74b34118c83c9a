/**
 * Asking for access: `team request` and `team break-glass`, with `--wait` until it is active.
 */
import {
  CreateBreakGlassRequestDocument,
  CreateRequestDocument,
  RequestFormOptionsDocument,
} from '../../../graphql/generated/operations';
import { requiredString, stringOf, type CommandSpec, type OptionSpec, type OptionValues } from '../args';
import type { Context } from '../context';
import { usageError } from '../errors';
import { formatHours, formatTime } from '../format';
import { parseHours, parseStart, parseTimeout } from '../inputs';
import { standing, whatOf, type Request } from '../render';
import { checkHours, resolveAccount, resolvePermissionSet, type Purpose } from '../resolve';
import { waitForAccess } from '../wait';

const MAX_TEXT = 2000;

const TARGET_OPTIONS: Record<string, OptionSpec> = {
  account: { type: 'string', value: 'NAME|ID', description: 'The account, by name or 12-digit id.' },
  role: { type: 'string', value: 'NAME', description: 'The permission set, by name.' },
  hours: { type: 'string', value: 'N', description: 'How many hours of access.' },
  reason: { type: 'string', value: 'TEXT', description: 'Why you need it (the justification).' },
};

const WAIT_OPTIONS: Record<string, OptionSpec> = {
  wait: { type: 'boolean', description: 'Wait until access is active, then print the access portal link.' },
  timeout: {
    type: 'string',
    value: 'TIME',
    description: 'How long --wait waits (default 1h), e.g. 30m, 2h.',
  },
};

function textOf(values: OptionValues, name: string, what: string): string {
  const value = requiredString(values, name, what).trim();
  if (value.length > MAX_TEXT) throw usageError(`--${name} may be at most ${MAX_TEXT} characters.`);
  return value;
}

/** Prints the new request, or waits for it with --wait. */
async function finish(
  ctx: Context,
  values: OptionValues,
  timeoutMs: number,
  request: Request,
  created: string,
): Promise<void> {
  if (!values['wait']) {
    ctx.result({ request }, () => `${created}\n${standing(request, ctx.timeZone)}`);
    return;
  }
  ctx.info(created);
  const api = ctx.api();
  const active = await waitForAccess(ctx, api, request, timeoutMs);
  const portalUrl = ctx.userSession().profile.config.idcStartUrl;
  ctx.result(
    { request: active, portalUrl },
    () =>
      `Access is active: ${whatOf(active)} until ${formatTime(active.endTime, ctx.timeZone)}.\n` +
      `Open the AWS access portal: ${portalUrl}`,
  );
}

/** The arguments both commands share, checked before anything is asked of the API. */
function targetArgs(values: OptionValues) {
  return {
    accountInput: requiredString(values, 'account', 'the account, by name or id'),
    roleInput: requiredString(values, 'role', 'the permission set, by name'),
    hours: parseHours(stringOf(values, 'hours')),
    reason: textOf(values, 'reason', 'why you need the access'),
    timeoutMs: parseTimeout(stringOf(values, 'timeout') ?? '1h', '--timeout'),
  };
}

async function resolveTarget(
  ctx: Context,
  { accountInput, roleInput, hours }: ReturnType<typeof targetArgs>,
  purpose: Purpose,
) {
  const api = ctx.api();
  const { requestFormOptions: options } = await api.run(RequestFormOptionsDocument);
  const account = resolveAccount(options, accountInput, purpose);
  const permissionSet = resolvePermissionSet(options, account, roleInput, purpose);
  checkHours(account, permissionSet, hours, purpose);
  return { api, options, account, permissionSet, hours };
}

export const request: CommandSpec = {
  name: 'request',
  summary: 'Ask for temporary access to an account with a permission set.',
  options: {
    ...TARGET_OPTIONS,
    ticket: { type: 'string', value: 'ID', description: 'Ticket number (required when TEAM says so).' },
    start: {
      type: 'string',
      value: 'WHEN',
      description:
        'now (default), a time from now (+30m, +2h) or an ISO date-time (local time without offset).',
    },
    ...WAIT_OPTIONS,
  },
  examples: [
    'team request --account "Sandbox Team A" --role PowerUserAccess --hours 2 --reason "Debug INC-42" --wait',
    'team request --account 118573649280 --role ReadOnlyAccess --hours 1 --reason "Audit" --start +30m',
  ],
  async run(ctx, values) {
    const args = targetArgs(values);
    const { reason, timeoutMs } = args;
    const startTime = parseStart(stringOf(values, 'start'), ctx.now());
    const { api, options, account, permissionSet, hours } = await resolveTarget(ctx, args, 'request');
    const ticket = stringOf(values, 'ticket')?.trim();
    if (options.ticketRequired && !ticket) {
      throw usageError('This TEAM requires a ticket number: add --ticket.');
    }
    const { createRequest } = await api.run(CreateRequestDocument, {
      input: {
        accountId: account.id,
        permissionSetArn: permissionSet.arn,
        durationHours: hours,
        justification: reason,
        ...(ticket ? { ticketNo: ticket } : {}),
        ...(startTime ? { startTime } : {}),
      },
    });
    const when = startTime ? `from ${formatTime(startTime, ctx.timeZone)}` : 'from now';
    await finish(
      ctx,
      values,
      timeoutMs,
      createRequest,
      `Requested ${whatOf(createRequest)} for ${formatHours(hours)} ${when}: request ${createRequest.id}.`,
    );
  },
};

export const breakGlass: CommandSpec = {
  name: 'break-glass',
  summary: 'Take emergency access at once (where a policy allows it); it is reviewed afterwards.',
  options: {
    ...TARGET_OPTIONS,
    incident: { type: 'string', value: 'REF', description: 'The incident or ticket reference (required).' },
    ...WAIT_OPTIONS,
  },
  examples: [
    'team break-glass --account "Customer Portal Production" --role PowerUserAccess --hours 1 \\\n' +
      '    --reason "Checkout is down" --incident INC-7 --wait',
  ],
  async run(ctx, values) {
    const args = targetArgs(values);
    const { reason, timeoutMs } = args;
    const incident = requiredString(values, 'incident', 'the incident or ticket reference').trim();
    if (incident.length > 100) throw usageError('--incident may be at most 100 characters.');
    const { api, account, permissionSet, hours } = await resolveTarget(ctx, args, 'break-glass');
    const { createBreakGlassRequest } = await api.run(CreateBreakGlassRequestDocument, {
      input: {
        accountId: account.id,
        permissionSetArn: permissionSet.arn,
        durationHours: hours,
        justification: reason,
        incident,
      },
    });
    await finish(
      ctx,
      values,
      timeoutMs,
      createBreakGlassRequest,
      `Break-glass access to ${whatOf(createBreakGlassRequest)} for ${formatHours(hours)}: request ` +
        `${createBreakGlassRequest.id}. Auditors are told; an approver reviews it afterwards.`,
    );
  },
};
