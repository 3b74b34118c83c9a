import type { IncomingMessage, ServerResponse } from 'node:http';
import { noFaults, type FaultKnobs } from '../common/aws-json-server';
import { BodyTooLarge, decideFault, readBody, sendText } from './http';
import type { Outbox, SnsAttribute } from './outbox';

/**
 * SNS over the AWS Query protocol: form-encoded `Action=…&Version=2010-03-31` requests, XML
 * answers (`<PublishResponse><PublishResult>…`) and `<ErrorResponse><Error><Type/><Code/>…` errors,
 * as `@aws-sdk/client-sns` serializes and parses them.
 */

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 262_144;

export interface SnsKnobs {
  faults: FaultKnobs;
}

export const defaultSnsKnobs = (): SnsKnobs => ({ faults: noFaults() });

export interface SnsState {
  accountId: string;
  region: string;
  /** Topic ARNs. */
  topics: Set<string>;
}

class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

const invalid = (message: string) => new SnsError('InvalidParameter', `Invalid parameter: ${message}`);

export const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (ch) =>
    ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : ch === "'" ? '&apos;' : '&quot;',
  );

function respond(res: ServerResponse, action: string, result: string) {
  const body =
    `<?xml version="1.0"?>\n<${action}Response xmlns="${XMLNS}">` +
    `<${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  sendText(res, 200, 'text/xml', body);
}

function respondError(res: ServerResponse, err: SnsError, headers: Record<string, string> = {}) {
  const body =
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error>` +
    `<Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `</Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
  sendText(res, err.status, 'text/xml', body, headers);
}

/** Reads `MessageAttributes.entry.N.Name` / `.Value.DataType|StringValue|BinaryValue`. */
function messageAttributes(params: URLSearchParams): Record<string, SnsAttribute> {
  const entries = new Map<string, Record<string, string>>();
  for (const [key, value] of params) {
    const m =
      /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.DataType|Value\.StringValue|Value\.BinaryValue)$/.exec(
        key,
      );
    if (!m) continue;
    const entry = entries.get(m[1] as string) ?? {};
    entry[m[2] as string] = value;
    entries.set(m[1] as string, entry);
  }
  const attributes: Record<string, SnsAttribute> = {};
  for (const entry of entries.values()) {
    const name = entry.Name;
    if (!name) throw invalid('MessageAttributes: every attribute needs a name');
    const dataType = entry['Value.DataType'];
    if (!dataType) throw invalid(`The message attribute '${name}' must contain a data type`);
    const base = dataType.split('.')[0];
    if (base !== 'String' && base !== 'Number' && base !== 'Binary')
      throw new SnsError(
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    const stringValue = entry['Value.StringValue'];
    const binaryValue = entry['Value.BinaryValue'];
    if (base === 'Binary' ? !binaryValue : !stringValue)
      throw new SnsError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    if (base === 'Number' && !Number.isFinite(Number(stringValue)))
      throw new SnsError(
        'ParameterValueInvalid',
        `Could not cast message attribute '${name}' value to number.`,
      );
    if (dataType === 'String.Array') {
      try {
        if (!Array.isArray(JSON.parse(stringValue ?? ''))) throw new Error('not an array');
      } catch {
        throw new SnsError(
          'ParameterValueInvalid',
          `The message attribute '${name}' is not a valid String.Array.`,
        );
      }
    }
    attributes[name] = { dataType, stringValue, binaryValue };
  }
  return attributes;
}

function publish(params: URLSearchParams, state: SnsState, outbox: Outbox): string {
  const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
  if (params.get('PhoneNumber'))
    throw invalid('PhoneNumber: SMS is not supported by the local SNS simulator');
  if (!topicArn) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
  if (!state.topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
  const message = params.get('Message');
  if (!message) throw invalid('Empty message');
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalid('Message too long');
  const subject = params.get('Subject') ?? undefined;
  // SNS subjects: 1–100 printable ASCII characters, no line breaks, starting with a letter, digit or punctuation.
  if (
    subject !== undefined &&
    (subject.length === 0 || subject.length > 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject))
  )
    throw invalid('Subject');
  const structure = params.get('MessageStructure') ?? undefined;
  if (structure !== undefined) {
    if (structure !== 'json') throw invalid('MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalid('Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed !== 'object' || parsed === null || !('default' in parsed))
      throw invalid('Message Structure - No default entry in JSON message body');
  }
  const attributes = messageAttributes(params);
  const messageId = crypto.randomUUID();
  outbox.add({
    channel: 'sns',
    messageId,
    topicArn,
    subject,
    message,
    messageStructure: structure,
    attributes,
  });
  return `<MessageId>${messageId}</MessageId>`;
}

function createTopic(params: URLSearchParams, state: SnsState): string {
  const name = params.get('Name') ?? '';
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(name.replace(/\.fifo$/, ''))) throw invalid('Topic Name');
  const arn = `arn:aws:sns:${state.region}:${state.accountId}:${name}`;
  state.topics.add(arn);
  return `<TopicArn>${escapeXml(arn)}</TopicArn>`;
}

function listTopics(params: URLSearchParams, state: SnsState): string {
  const all = [...state.topics].sort();
  const start = Number(params.get('NextToken') ?? '0');
  if (!Number.isInteger(start) || start < 0) throw invalid('NextToken');
  const page = all.slice(start, start + 100);
  const members = page.map((arn) => `<member><TopicArn>${escapeXml(arn)}</TopicArn></member>`).join('');
  const next = start + page.length < all.length ? `<NextToken>${start + page.length}</NextToken>` : '';
  return `<Topics>${members}</Topics>${next}`;
}

/** Handles one Query-protocol request to the SNS endpoint. */
export async function handleSns(
  req: IncomingMessage,
  res: ServerResponse,
  knobs: SnsKnobs,
  state: SnsState,
  outbox: Outbox,
): Promise<void> {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(await readBody(req));
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    respondError(res, new SnsError('RequestEntityTooLarge', err.message, 413), err.headers);
    return;
  }
  const action = params.get('Action') ?? '';
  try {
    if (req.method !== 'POST') throw new SnsError('InvalidAction', 'Only POST is supported', 400);
    const fault = await decideFault(knobs.faults, action);
    if (fault === 'throttle') throw new SnsError('Throttled', 'Rate exceeded', 429);
    if (fault === 'error') throw new SnsError('InternalError', 'Injected internal error', 500, 'Receiver');
    if (action === 'Publish') respond(res, action, publish(params, state, outbox));
    else if (action === 'CreateTopic') respond(res, action, createTopic(params, state));
    else if (action === 'ListTopics') respond(res, action, listTopics(params, state));
    else
      throw new SnsError(
        'InvalidAction',
        `The action ${action || '(none)'} is not valid for this web service.`,
      );
  } catch (err) {
    respondError(
      res,
      err instanceof SnsError ? err : new SnsError('InternalError', String(err), 500, 'Receiver'),
    );
  }
}
