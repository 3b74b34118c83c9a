/**
 * A Lambda function URL on 127.0.0.1: each HTTP request becomes the payload-format-2.0 event a
 * function URL sends (headers in lower case, the body as received, base64 when it is not text),
 * and the handler's result becomes the answer, as Lambda's front end would do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { readBody } from './http-body';

/** Function URLs accept request bodies up to 6 MB. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface RunningFunctionUrl {
  url: string;
  stop(): Promise<void>;
}

function headersOf(raw: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/;

/** Serves `handler` as a function URL; port 0 picks a free one. */
export async function startFunctionUrl(
  handler: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>,
  options: { port?: number } = {},
): Promise<RunningFunctionUrl> {
  const server = createServer((req, res) => {
    void (async () => {
      const read = await readBody(req, MAX_BODY_BYTES);
      if (!read.ok) {
        res.writeHead(413, {
          'content-type': 'application/json',
          ...(read.keepAlive ? {} : { connection: 'close' }),
        });
        res.end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = headersOf(req.headers);
      const text = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
      const now = new Date();
      const event: LambdaFunctionURLEvent = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers,
        ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
        requestContext: {
          accountId: 'anonymous',
          apiId: 'local',
          domainName: url.host,
          domainPrefix: 'local',
          http: {
            method: req.method ?? 'GET',
            path: url.pathname,
            protocol: `HTTP/${req.httpVersion}`,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        ...(read.text === '' ? {} : { body: text ? read.text : Buffer.from(read.text).toString('base64') }),
        isBase64Encoded: read.text !== '' && !text,
      };
      let result: LambdaFunctionURLResult;
      try {
        result = await handler(event);
      } catch (error) {
        console.error('The local function URL handler failed:', error);
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error' }));
        return;
      }
      const answer = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      res.writeHead(answer.statusCode ?? 200, { ...(answer.headers as Record<string, string> | undefined) });
      res.end(
        answer.body === undefined
          ? ''
          : answer.isBase64Encoded
            ? Buffer.from(answer.body, 'base64')
            : answer.body,
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
