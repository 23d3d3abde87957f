/**
 * Who is on the other end of a loopback connection, for the login gate's per-client back-off
 * (core/login-gate.ts). Every local program connects from 127.0.0.1, so the address says
 * nothing; on Linux the kernel says which OS user owns the client's socket: in /proc/net/tcp the
 * row whose local address is the peer's and whose remote address is ours carries its uid. That
 * is something a program cannot choose (short of being that user), so one OS user's failed
 * logins slow only that OS user's further attempts.
 *
 * Elsewhere (Windows, macOS), or if the row cannot be read, every local client is "loopback":
 * the back-off then slows everyone's logins during an attack, but never a signed-in user's
 * footage or API calls (those need no login).
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

const known = new WeakMap<Socket, string>();

/** `127.0.0.1`, 4780 → `0100007F:12AC` (the kernel's little-endian address, big-endian port). */
export function procAddress(ip: string, port: number): string | null {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const parts = v4.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return null;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  const addr = parts
    .reverse()
    .map((n) => n.toString(16).padStart(2, '0'))
    .join('');
  return `${addr}:${port.toString(16).padStart(4, '0')}`.toUpperCase();
}

/** The uid owning the socket at `peer` connected to `ours`, from a /proc/net/tcp text. */
export function uidFromProcNet(table: string, peer: string, ours: string): number | null {
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid …
    if (f[1] === peer && f[2] === ours) {
      const uid = Number(f[7]);
      return Number.isInteger(uid) && uid >= 0 ? uid : null;
    }
  }
  return null;
}

let names: { at: number; byUid: Map<number, string> } | null = null;

function osUserName(uid: number): string | null {
  if (!names || Date.now() - names.at > 60_000) {
    const byUid = new Map<number, string>();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined && /^\d+$/.test(id)) byUid.set(Number(id), name);
      }
    } catch {
      // no /etc/passwd: the uid alone
    }
    names = { at: Date.now(), byUid };
  }
  return names.byUid.get(uid) ?? null;
}

/** "os:<user>" (or "os:uid-<n>") for the OS user behind a loopback connection; "loopback" when unknown. */
export function peerClient(socket: Socket, procNetTcp = '/proc/net/tcp'): string {
  const cached = known.get(socket);
  if (cached) return cached;
  let client = 'loopback';
  const peer = procAddress(socket.remoteAddress ?? '', socket.remotePort ?? -1);
  const ours = procAddress(socket.localAddress ?? '', socket.localPort ?? -1);
  if (peer && ours) {
    let table = '';
    try {
      table = readFileSync(procNetTcp, 'utf8');
    } catch {
      // not Linux
    }
    const uid = uidFromProcNet(table, peer, ours);
    if (uid !== null) client = `os:${osUserName(uid) ?? `uid-${uid}`}`;
  }
  known.set(socket, client);
  return client;
}
