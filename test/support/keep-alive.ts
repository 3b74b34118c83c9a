/**
 * A keep-alive HTTP client with one connection: every request of a client goes over the same
 * socket while the server keeps it open, and each reply says whether it reused that socket. For
 * tests that a local service answers a bad request cleanly and stays usable for the next one.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Whether the request went over the connection of an earlier one. */
  reusedSocket: boolean;
  json<T = Record<string, unknown>>(): T;
}

export interface KeepAliveClient {
  send(
    url: string,
    options?: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<Reply>;
  close(): void;
}

export function keepAliveClient(): KeepAliveClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send(url, options = {}) {
      return new Promise((resolve, reject) => {
        const body = options.body ?? '';
        const req = request(
          url,
          {
            agent,
            method: options.method ?? 'POST',
            headers: { 'content-length': Buffer.byteLength(body), ...options.headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text,
                reusedSocket: req.reusedSocket,
                json: <T>() => JSON.parse(text) as T,
              });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
