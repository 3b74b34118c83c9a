import { createHash } from 'node:crypto';
import { WebSocket as WsWebSocket } from 'ws';

/*
 * Why a shim: aws-amplify v6 hard-codes TLS for the endpoints it derives. The realtime URL
 * is always `wss://<api host>/graphql/realtime`, and the Cognito hosted-UI endpoints are
 * always `https://<oauth domain>/oauth2/authorize|token` and `/logout`. The local cloud serves
 * plain HTTP on 127.0.0.1, so a browser opened at the printed http:// URL would either fail
 * those connections or, with a self-signed certificate, show a certificate warning.
 *
 * Chosen way: the local SPA host puts a tiny inline script at the top of <head>, before the
 * app bundle loads. It rewrites https:// → http:// and wss:// → ws:// for an explicit list of
 * loopback `host:port` pairs only (the local AppSync and sign-in stand-in), in the three places
 * amplify reaches them: `WebSocket` (realtime), `fetch`/`XMLHttpRequest` (token endpoint), and
 * top-level navigations (hosted-UI redirect and logout, through the Navigation API's cancelable
 * `navigate` event). Nothing else is touched, no certificate is involved, and the production
 * bundle is identical; only the local host injects the script. Alternatives rejected: a
 * self-signed TLS listener (certificate warning), patching amplify inside the bundle (the app
 * would differ from what is deployed), a service worker (cannot intercept WebSockets or
 * cross-origin navigations).
 *
 * Browsers without the Navigation API (needed only for the sign-in redirect) still get the
 * realtime and fetch rewrites; current Chromium, Edge, Firefox and Safari have it.
 *
 * `installNodeRealtimeShim` does the same for Node (tests, scripts): it installs a WebSocket
 * global (Node 20 has none) and wraps the global fetch.
 */

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;

function checkedHosts(hosts: readonly string[]): string[] {
  for (const host of hosts) {
    if (!LOOPBACK_HOST.test(host)) throw new Error(`realtime shim: ${host} is not a loopback host:port`);
  }
  return [...hosts];
}

/** Host (`host:port`) of a URL, for building the shim's list from the services' URLs. */
export function hostOf(url: string): string {
  return new URL(url).host;
}

/**
 * The plain-HTTP form of `url` when it targets one of `hosts` over TLS, else `url` unchanged.
 * The browser script embeds the same rule.
 */
export function toPlainLocalUrl(url: string, hosts: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!hosts.includes(parsed.host)) return url;
  if (parsed.protocol === 'wss:') return `ws:${url.slice('wss:'.length)}`;
  if (parsed.protocol === 'https:') return `http:${url.slice('https:'.length)}`;
  return url;
}

/**
 * The browser shim as script text, for a `<script>` element that must run before the app
 * bundle. `hosts` are the loopback `host:port` pairs of the local AppSync and sign-in servers.
 */
export function realtimeShimScript(hosts: readonly string[]): string {
  const list = JSON.stringify(checkedHosts(hosts));
  return `(function () {
  'use strict';
  var hosts = ${list};
  function plain(input) {
    var text = String(input);
    var url;
    try { url = new URL(text, window.location.href); } catch (e) { return text; }
    if (hosts.indexOf(url.host) < 0) return text;
    if (url.protocol === 'wss:') return 'ws:' + url.href.slice(4);
    if (url.protocol === 'https:') return 'http:' + url.href.slice(6);
    return text;
  }
  var NativeWebSocket = window.WebSocket;
  if (NativeWebSocket) {
    var LocalWebSocket = function (url, protocols) {
      return protocols === undefined
        ? new NativeWebSocket(plain(url))
        : new NativeWebSocket(plain(url), protocols);
    };
    LocalWebSocket.prototype = NativeWebSocket.prototype;
    ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { LocalWebSocket[k] = NativeWebSocket[k]; });
    window.WebSocket = LocalWebSocket;
  }
  var nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function (input, init) {
      if (typeof input === 'string' || input instanceof URL) {
        input = plain(input);
      } else if (input && typeof input.url === 'string' && plain(input.url) !== input.url) {
        input = new Request(plain(input.url), input);
      }
      return nativeFetch.call(this, input, init);
    };
  }
  var nativeOpen = window.XMLHttpRequest && window.XMLHttpRequest.prototype.open;
  if (nativeOpen) {
    window.XMLHttpRequest.prototype.open = function (method, url) {
      var args = Array.prototype.slice.call(arguments);
      args[1] = plain(url);
      return nativeOpen.apply(this, args);
    };
  }
  if (window.navigation && typeof window.navigation.addEventListener === 'function') {
    window.navigation.addEventListener('navigate', function (event) {
      var target = event.destination && event.destination.url;
      if (!target || !event.cancelable) return;
      var rewritten = plain(target);
      if (rewritten === target) return;
      event.preventDefault();
      window.location.assign(rewritten);
    });
  }
})();`;
}

/** The CSP source (`'sha256-…'`) that allows the inline shim under a strict `script-src`. */
export function realtimeShimCspSource(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/** Inserts the shim as the first element of `<head>` (or at the very top if there is none). */
export function injectRealtimeShim(html: string, hosts: readonly string[]): string {
  const tag = `<script>${realtimeShimScript(hosts)}</script>`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return tag + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + tag + html.slice(at);
}

type Fetch = typeof globalThis.fetch;

/**
 * Node equivalent of the browser shim: installs a global `WebSocket` (the `ws` package)
 * that downgrades wss:// to ws:// for `hosts`, and wraps the global `fetch` likewise.
 * Returns a function that restores the previous globals.
 */
export function installNodeRealtimeShim(hosts: readonly string[]): () => void {
  const allowed = checkedHosts(hosts);
  const g = globalThis as { WebSocket?: unknown; fetch: Fetch };
  const previousWebSocket = g.WebSocket;
  const previousFetch = g.fetch;

  class LocalWebSocket extends WsWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(toPlainLocalUrl(String(url), allowed), protocols);
    }
  }
  g.WebSocket = LocalWebSocket;
  g.fetch = (input, init) => {
    if (typeof input === 'string' || input instanceof URL) {
      return previousFetch(toPlainLocalUrl(String(input), allowed), init);
    }
    const rewritten = toPlainLocalUrl(input.url, allowed);
    return previousFetch(rewritten === input.url ? input : new Request(rewritten, input), init);
  };
  return () => {
    g.WebSocket = previousWebSocket;
    g.fetch = previousFetch;
  };
}
