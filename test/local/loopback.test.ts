/**
 * Nothing the local cloud opens may be reachable from another host: it has no authentication
 * (one UpdateItem on DynamoDB Local's Settings table makes anyone an admin). This starts the whole
 * cloud the way `npm start` does (every simulator, DynamoDB Local's JVM, the web host with Vite's
 * dev server), then reads the TCP sockets in LISTEN state that belong to this process and its
 * descendants from /proc and fails on any whose local address is not loopback.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

interface Listener {
  /** The local address, dotted (IPv4) or as eight hex groups (IPv6). */
  address: string;
  port: number;
  inode: number;
  loopback: boolean;
}

/** Bytes of one hex word of /proc/net/tcp*, printed from a 32-bit value in host byte order. */
function wordBytes(hex: string, order: 'LE' | 'BE'): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return order === 'LE' ? bytes.reverse() : bytes;
}

/** The 4 or 16 address bytes of a local_address field's host part. */
function addressBytes(hex: string, order: 'LE' | 'BE'): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), order));
  return bytes;
}

function isLoopback(bytes: readonly number[]): boolean {
  if (bytes.length === 4) return bytes[0] === 127;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 15) && bytes[15] === 1) return true; // ::1
  // ::ffff:127.x.y.z, where a dual-stack socket bound to 127.0.0.1 shows up (Java's do).
  return zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff && bytes[12] === 127;
}

function formatAddress(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** The LISTEN (state 0A) sockets in the text of /proc/net/tcp or /proc/net/tcp6. */
function parseListeners(text: string, order: 'LE' | 'BE' = endianness()): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, inode] = [fields[1], fields[3], fields[9]];
    if (!local || state !== '0A' || !inode) continue;
    const [host = '', port = ''] = local.split(':');
    const bytes = addressBytes(host, order);
    listeners.push({
      address: formatAddress(bytes),
      port: parseInt(port, 16),
      inode: Number(inode),
      loopback: isLoopback(bytes),
    });
  }
  return listeners;
}

/** This process and every process below it (DynamoDB Local's JVM among them). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] ?? -1) ?? []));
  return tree;
}

/** Socket inodes held open by the processes. */
function socketInodes(pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(Number(match[1]));
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return inodes;
}

/** TCP listeners of this process and its descendants. */
function ownListeners(): Listener[] {
  const inodes = socketInodes(processTree(process.pid));
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((file) => parseListeners(readFileSync(file, 'utf8')))
    .filter((listener) => inodes.has(listener.inode));
}

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TAIL = '00000000:00000000 00:00000000 00000000  1000        0';

describe('parseListeners', () => {
  it('tells loopback listeners from the rest, in IPv4 and IPv6, on a little-endian host', () => {
    const tcp =
      HEADER +
      [
        `   0: 0100007F:1F90 00000000:0000 0A ${TAIL} 101 1 0000000000000000 100 0 0 10 0`,
        `   1: 00000000:1F91 00000000:0000 0A ${TAIL} 102 1 0000000000000000 100 0 0 10 0`,
        `   2: 0A01A8C0:1F92 00000000:0000 0A ${TAIL} 103 1 0000000000000000 100 0 0 10 0`,
        `   3: 0100007F:1F93 0100007F:C350 01 ${TAIL} 104 1 0000000000000000 20 4 30 10 -1`,
        `   4: 0200007F:1F94 00000000:0000 0A ${TAIL} 105 1 0000000000000000 100 0 0 10 0`,
      ].join('\n');
    expect(parseListeners(tcp, 'LE')).toEqual([
      { address: '127.0.0.1', port: 8080, inode: 101, loopback: true },
      { address: '0.0.0.0', port: 8081, inode: 102, loopback: false },
      { address: '192.168.1.10', port: 8082, inode: 103, loopback: false },
      { address: '127.0.0.2', port: 8084, inode: 105, loopback: true },
    ]);

    const tcp6 =
      HEADER +
      [
        `   0: 00000000000000000000000001000000:1F95 00000000000000000000000000000000:0000 0A ${TAIL} 201 1 0000000000000000 100 0 0 10 0`,
        `   1: 00000000000000000000000000000000:1F96 00000000000000000000000000000000:0000 0A ${TAIL} 202 1 0000000000000000 100 0 0 10 0`,
        `   2: 0000000000000000FFFF00000100007F:1F97 00000000000000000000000000000000:0000 0A ${TAIL} 203 1 0000000000000000 100 0 0 10 0`,
        `   3: 0000000000000000FFFF00000A01A8C0:1F98 00000000000000000000000000000000:0000 0A ${TAIL} 204 1 0000000000000000 100 0 0 10 0`,
        `   4: 000080FE00000000A5E3D4C2B1A09080:1F99 00000000000000000000000000000000:0000 0A ${TAIL} 205 1 0000000000000000 100 0 0 10 0`,
      ].join('\n');
    expect(parseListeners(tcp6, 'LE')).toEqual([
      { address: '0:0:0:0:0:0:0:1', port: 8085, inode: 201, loopback: true },
      { address: '0:0:0:0:0:0:0:0', port: 8086, inode: 202, loopback: false },
      { address: '0:0:0:0:0:ffff:7f00:1', port: 8087, inode: 203, loopback: true },
      { address: '0:0:0:0:0:ffff:c0a8:10a', port: 8088, inode: 204, loopback: false },
      { address: 'fe80:0:0:0:c2d4:e3a5:8090:a0b1', port: 8089, inode: 205, loopback: false },
    ]);
  });

  it('reads big-endian hosts too', () => {
    const tcp = HEADER + `   0: 7F000001:1F90 00000000:0000 0A ${TAIL} 101 1 0000000000000000 100 0 0 10 0`;
    expect(parseListeners(tcp, 'BE')).toEqual([
      { address: '127.0.0.1', port: 8080, inode: 101, loopback: true },
    ]);
  });
});

describe('the local cloud', () => {
  let cloud: LocalCloud | undefined;
  const need = (): LocalCloud => {
    if (!cloud) throw new Error('the local cloud did not start');
    return cloud;
  };

  beforeAll(async () => {
    cloud = await startLocalCloud({ web: 'dev', dataDir: undefined, webPort: 0 });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('listens on loopback only, DynamoDB Local and Vite included', () => {
    const { backend, appUrl } = need();
    const listeners = ownListeners();

    // Every endpoint handed out must be among the sockets found, or the lookup itself is broken.
    const expected = [...Object.values(backend.urls), appUrl ?? ''].map((url) => Number(new URL(url).port));
    const found = new Set(listeners.map((l) => l.port));
    expect(expected.filter((port) => !found.has(port))).toEqual([]);

    const exposed = listeners.filter((l) => !l.loopback).map((l) => `${l.address} port ${l.port}`);
    expect(exposed).toEqual([]);
  });

  it('serves the app through Vite with HMR on the web host’s own port', async () => {
    const appUrl = need().appUrl ?? '';
    const page = await fetch(appUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/@vite/client');

    const ws = new WebSocket(appUrl.replace(/^http/, 'ws') + '/', 'vite-hmr');
    try {
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
        ws.once('error', reject);
      });
      expect(JSON.parse(first)).toEqual({ type: 'connected' });
    } finally {
      ws.close();
    }
  });
});
