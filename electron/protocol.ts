/**
 * The app's own scheme (custodian-app://app/…), pure parts: which URLs are pages and assets
 * (served from dist-renderer/) and which are footage (/media/<segment|clip>/<id>, the same paths
 * as browser mode, so the contract's playback URLs work unchanged and the CSP stays 'self'),
 * with the path checks and Range decisions tested under Node. The footage itself is opened by
 * core (core/api/footage.ts: by id, inside its root or the archive, never through a link), in
 * the service process.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { MEDIA_PREFIX, isFootageKind, type FootageKind } from '../common/api/http.js';
import { decideRange } from '../common/api/range.js';
import { APP_HOST, APP_SCHEME } from './security.js';

export type AppRequest =
  | { readonly kind: 'asset'; readonly rel: string }
  | { readonly kind: 'media'; readonly media: FootageKind; readonly id: number }
  | { readonly kind: 'refused'; readonly reason: string };

const ID_RE = /^[1-9][0-9]{0,14}$/;

/** Classifies a request to the app scheme. Anything not plainly ours is refused. */
export function classifyAppUrl(raw: string): AppRequest {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { kind: 'refused', reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password || u.port) return { kind: 'refused', reason: 'not the app origin' };
  let p: string;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return { kind: 'refused', reason: 'bad encoding' };
  }
  if (p.includes('\0') || p.includes('\\')) return { kind: 'refused', reason: 'path not allowed' };
  if (p.startsWith(MEDIA_PREFIX)) {
    const [kind, id, ...rest] = p.slice(MEDIA_PREFIX.length).split('/');
    if (rest.length > 0 || kind === undefined || !isFootageKind(kind) || !id || !ID_RE.test(id)) return { kind: 'refused', reason: 'not a footage path' };
    return { kind: 'media', media: kind, id: Number(id) };
  }
  const parts = p.split('/').filter((x) => x !== '');
  if (parts.some((x) => x === '.' || x === '..')) return { kind: 'refused', reason: 'path not allowed' };
  return { kind: 'asset', rel: parts.length === 0 ? 'index.html' : parts.join('/') };
}

/**
 * The file for an asset inside `distDir` (dist-renderer/), or null. Unknown pages get index.html
 * (the UI routes itself); the resolved file must stay inside the folder after resolving links.
 */
export function assetFile(distDir: string, rel: string): string | null {
  let root: string;
  try {
    root = realpathSync(distDir);
  } catch {
    return null;
  }
  const candidate = path.join(root, ...rel.split('/'));
  const target = existsSync(candidate) ? candidate : path.extname(rel) === '' ? path.join(root, 'index.html') : null;
  if (!target) return null;
  try {
    const real = realpathSync(target);
    if (!(real === root || real.startsWith(root + path.sep))) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

export interface MediaHead {
  readonly status: 200 | 206 | 416;
  readonly headers: Record<string, string>;
  /** Byte range to send, inclusive; absent for 416 or an empty file. */
  readonly start?: number;
  readonly end?: number;
}

/** Status and headers for a footage response, as browser mode answers (common/api/range.ts). */
export function mediaHead(size: number, contentType: string, rangeHeader: string | undefined): MediaHead {
  const base = { 'Content-Type': contentType, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const r = decideRange(rangeHeader, size);
  if (r.kind === 'unsatisfiable') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' } };
  if (r.kind === 'partial') {
    return { status: 206, headers: { ...base, 'Content-Range': `bytes ${r.start}-${r.end}/${size}`, 'Content-Length': String(r.end - r.start + 1) }, start: r.start, end: r.end };
  }
  return size === 0 ? { status: 200, headers: { ...base, 'Content-Length': '0' } } : { status: 200, headers: { ...base, 'Content-Length': String(size) }, start: 0, end: size - 1 };
}
