import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  injectRealtimeShim,
  realtimeShimCspSource,
  realtimeShimScript,
  toPlainLocalUrl,
} from '../../../local/appsync';

const hosts = ['127.0.0.1:4000', '127.0.0.1:4001'];

describe('realtime shim', () => {
  it('downgrades TLS URLs of the listed local hosts only', () => {
    expect(toPlainLocalUrl('wss://127.0.0.1:4000/graphql/realtime?header=abc', hosts)).toBe(
      'ws://127.0.0.1:4000/graphql/realtime?header=abc',
    );
    expect(toPlainLocalUrl('https://127.0.0.1:4001/oauth2/token', hosts)).toBe(
      'http://127.0.0.1:4001/oauth2/token',
    );
    expect(toPlainLocalUrl('https://127.0.0.1:4999/x', hosts)).toBe('https://127.0.0.1:4999/x');
    expect(toPlainLocalUrl('wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql', hosts)).toBe(
      'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql',
    );
    expect(toPlainLocalUrl('not a url', hosts)).toBe('not a url');
  });

  it('refuses to downgrade anything but loopback hosts', () => {
    expect(() => realtimeShimScript(['example.com:443'])).toThrow(/not a loopback/);
    expect(() => realtimeShimScript(['localhost:5173', '[::1]:80', '127.0.0.1:1'])).not.toThrow();
  });

  it('goes first in <head> and can be allowed by a CSP hash', () => {
    const html = injectRealtimeShim('<html><head><script src="/app.js"></script></head></html>', hosts);
    expect(html.indexOf('<script>(function')).toBeLessThan(html.indexOf('/app.js'));
    const script = realtimeShimScript(hosts);
    expect(realtimeShimCspSource(script)).toBe(
      `'sha256-${createHash('sha256').update(script).digest('base64')}'`,
    );
  });

  it('rewrites WebSocket, fetch and navigations in a browser-like global', () => {
    const opened: string[] = [];
    const fetched: string[] = [];
    const assigned: string[] = [];
    let navigate: ((event: unknown) => void) | undefined;
    class FakeWebSocket {
      static OPEN = 1;
      constructor(url: string) {
        opened.push(url);
      }
    }
    const window = {
      location: { href: 'http://127.0.0.1:5173/', assign: (u: string) => assigned.push(u) },
      WebSocket: FakeWebSocket,
      fetch: (input: string) => {
        fetched.push(input);
        return Promise.resolve();
      },
      navigation: {
        addEventListener: (_: string, listener: (event: unknown) => void) => (navigate = listener),
      },
    } as Record<string, unknown> & { WebSocket: new (url: string, p?: string[]) => unknown };
    runInNewContext(realtimeShimScript(hosts), { window, URL, Request });

    new window.WebSocket('wss://127.0.0.1:4000/graphql/realtime', ['graphql-ws']);
    expect(opened).toEqual(['ws://127.0.0.1:4000/graphql/realtime']);
    expect((window.WebSocket as unknown as { OPEN: number }).OPEN).toBe(1);
    void (window['fetch'] as (u: string) => Promise<void>)('https://127.0.0.1:4001/oauth2/token');
    expect(fetched).toEqual(['http://127.0.0.1:4001/oauth2/token']);

    let prevented = false;
    navigate?.({
      destination: { url: 'https://127.0.0.1:4001/oauth2/authorize?client_id=x' },
      cancelable: true,
      preventDefault: () => (prevented = true),
    });
    expect(prevented).toBe(true);
    expect(assigned).toEqual(['http://127.0.0.1:4001/oauth2/authorize?client_id=x']);
    navigate?.({
      destination: { url: 'https://example.com/' },
      cancelable: true,
      preventDefault: () => undefined,
    });
    expect(assigned).toHaveLength(1);
  });
});
