import type { IncomingMessage, ServerResponse } from 'node:http';
import { noFaults, type FaultKnobs } from '../common/aws-json-server';
import { BodyTooLarge, decideFault, emailAddress, readBody, sendJson, sesMessageId } from './http';
import type { Outbox } from './outbox';

/**
 * SES v2 `SendEmail` (REST-JSON: `POST /v2/email/outbound-emails`). Errors are answered the way the
 * SDK's REST-JSON protocol reads them: the `x-amzn-errortype` header plus `{ message }` in the body.
 */

export interface SesKnobs {
  faults: FaultKnobs;
  /** Recipients (any of To/Cc/Bcc, case-insensitive) that make SES answer `MessageRejected`. */
  rejectRecipients: string[];
}

export const defaultSesKnobs = (): SesKnobs => ({ faults: noFaults(), rejectRecipients: [] });

class SesError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new SesError('BadRequestException', message);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function addresses(destination: Record<string, unknown>, key: string): string[] {
  const value = destination[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest(`Destination.${key} must be a list of email addresses`);
  for (const address of value as string[]) {
    if (!emailAddress(address)) throw badRequest(`Illegal address: ${address}`);
  }
  return value as string[];
}

function contentData(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.Data !== 'string') throw badRequest(`${where}.Data is required`);
  return value.Data;
}

function sendEmail(body: Record<string, unknown>, knobs: SesKnobs, outbox: Outbox) {
  const from = body.FromEmailAddress;
  if (typeof from !== 'string' || !from) throw badRequest('FromEmailAddress is required');
  if (!emailAddress(from)) throw badRequest(`Illegal address: ${from}`);
  const fromArn = body.FromEmailAddressIdentityArn;
  if (
    fromArn !== undefined &&
    (typeof fromArn !== 'string' || !/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+/.test(fromArn))
  )
    throw badRequest('FromEmailAddressIdentityArn is not a valid SES identity ARN');
  const destination = isRecord(body.Destination) ? body.Destination : {};
  const to = addresses(destination, 'ToAddresses');
  const cc = addresses(destination, 'CcAddresses');
  const bcc = addresses(destination, 'BccAddresses');
  if (to.length + cc.length + bcc.length === 0)
    throw badRequest('Destination must contain at least one address');
  if (to.length + cc.length + bcc.length > 50) throw badRequest('Recipient count exceeds 50');
  const replyTo = Array.isArray(body.ReplyToAddresses)
    ? body.ReplyToAddresses.filter((a): a is string => typeof a === 'string')
    : [];

  const content = isRecord(body.Content) ? body.Content : undefined;
  if (!content) throw badRequest('Content is required');
  if (content.Raw !== undefined)
    throw badRequest('Content.Raw is not supported by the local SES simulator: send Content.Simple');
  if (content.Template !== undefined)
    throw badRequest('Content.Template is not supported by the local SES simulator: send Content.Simple');
  const simple = isRecord(content.Simple) ? content.Simple : undefined;
  if (!simple) throw badRequest('Content.Simple is required');
  const subject = contentData(simple.Subject, 'Content.Simple.Subject');
  if (subject === undefined) throw badRequest('Content.Simple.Subject is required');
  const emailBody = isRecord(simple.Body) ? simple.Body : {};
  const text = contentData(emailBody.Text, 'Content.Simple.Body.Text');
  const html = contentData(emailBody.Html, 'Content.Simple.Body.Html');
  if (text === undefined && html === undefined) throw badRequest('Content.Simple.Body needs Text or Html');

  const rejected = new Set(knobs.rejectRecipients.map((r) => r.toLowerCase()));
  const refused = [...to, ...cc, ...bcc].filter((a) => rejected.has((emailAddress(a) ?? a).toLowerCase()));
  if (refused.length > 0) {
    const region = typeof fromArn === 'string' ? (fromArn.split(':')[3] ?? 'us-east-1') : 'us-east-1';
    throw new SesError(
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${refused.join(', ')}`,
    );
  }

  const messageId = sesMessageId();
  outbox.add({
    channel: 'email',
    messageId,
    from,
    fromArn: typeof fromArn === 'string' ? fromArn : undefined,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    text,
    html,
    configurationSet: typeof body.ConfigurationSetName === 'string' ? body.ConfigurationSetName : undefined,
  });
  return { MessageId: messageId };
}

/** Handles a request under `/v2/email/`; answers every route SES v2 does not know locally. */
export async function handleSes(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  knobs: SesKnobs,
  outbox: Outbox,
): Promise<void> {
  const fail = (err: SesError, headers: Record<string, string> = {}) =>
    sendJson(
      res,
      err.status,
      { message: err.message },
      { 'x-amzn-errortype': err.type, 'x-amzn-requestid': crypto.randomUUID(), ...headers },
    );
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    fail(new SesError('RequestEntityTooLargeException', err.message, 413), err.headers);
    return;
  }
  try {
    if (req.method !== 'POST' || path !== '/v2/email/outbound-emails')
      throw new SesError(
        'UnknownOperationException',
        `${req.method} ${path} is not implemented locally`,
        404,
      );
    const fault = await decideFault(knobs.faults, 'SendEmail');
    if (fault === 'throttle')
      throw new SesError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429);
    if (fault === 'error') throw new SesError('InternalFailure', 'Injected internal error', 500);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      throw badRequest('Request body is not valid JSON');
    }
    if (!isRecord(body)) throw badRequest('Request body must be a JSON object');
    sendJson(res, 200, sendEmail(body, knobs, outbox), { 'x-amzn-requestid': crypto.randomUUID() });
  } catch (err) {
    fail(err instanceof SesError ? err : new SesError('InternalFailure', String(err), 500));
  }
}
