/**
 * Footage for the desktop window: the custom protocol's pure parts (no `electron` import), so the
 * rules are unit-tested under Node. A file is served only if it is a regular file reached from
 * an allowed base folder (a recording root or the archive) without passing a symlink, with the
 * same component rules as the only place Custodian deletes recorder files
 * (native/recorder-fs.ts unlinkInsideRoot); Range requests return exactly the bytes asked for.
 */
import { createReadStream, lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { mimeOf } from './security.js';

export type RangeResult =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * One `bytes=` range (players ask for one; several ranges are answered with the whole file, as
 * RFC 9110 allows). Suffix ranges (`bytes=-500`) and open ranges (`bytes=100-`) are supported.
 */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return header.includes(',') ? { kind: 'full' } : { kind: 'unsatisfiable' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'unsatisfiable' };
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

export type FileCheck = { readonly ok: true; readonly file: string; readonly size: number } | { readonly ok: false; readonly reason: string };

/** Path components as a recorder-relative path splits them; refuses anything that could climb out. */
export function safeComponents(rel: string): string[] | null {
  if (rel === '' || rel.includes('\0') || path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return null;
  const parts = rel.split(/[\\/]/);
  for (const c of parts) if (c === '' || c === '.' || c === '..') return null;
  return parts;
}

/**
 * The file at `base`/`rel`, if it is a regular file reached without a symlink. `base` itself is
 * the configured folder (it may be a mount point or a link the administrator chose).
 */
export function checkInsideBase(base: string, rel: string): FileCheck {
  const parts = safeComponents(rel);
  if (!parts) return { ok: false, reason: 'path not allowed' };
  try {
    if (!statSync(base).isDirectory()) return { ok: false, reason: 'base is not a folder' };
  } catch {
    return { ok: false, reason: 'base not reachable' };
  }
  let cur = base;
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i] as string);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return { ok: false, reason: 'not found' };
    }
    if (st.isSymbolicLink()) return { ok: false, reason: 'symbolic link' };
    const last = i === parts.length - 1;
    if (!last && !st.isDirectory()) return { ok: false, reason: 'not a folder' };
    if (last && !st.isFile()) return { ok: false, reason: 'not a regular file' };
    if (last) return { ok: true, file: cur, size: st.size };
  }
  return { ok: false, reason: 'path not allowed' };
}

const baseHeaders = (file: string): Record<string, string> => ({
  'Content-Type': mimeOf(file),
  'Accept-Ranges': 'bytes',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

/** A web Response for the file (200, 206 or 416), streamed from disk. */
export function fileResponse(file: string, size: number, rangeHeader: string | null, method = 'GET'): Response {
  const r = parseRange(rangeHeader, size);
  if (r.kind === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...baseHeaders(file), 'Content-Range': `bytes */${size}` } });
  }
  const start = r.kind === 'partial' ? r.start : 0;
  const end = r.kind === 'partial' ? r.end : size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string> = { ...baseHeaders(file), 'Content-Length': String(length) };
  if (r.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  const status = r.kind === 'partial' ? 206 : 200;
  if (method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

export function errorResponse(status: 400 | 401 | 403 | 404 | 405 | 500, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

export function statusForCode(code: string): 400 | 401 | 403 | 404 | 500 {
  switch (code) {
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'invalid_request':
      return 400;
    default:
      return 500;
  }
}
