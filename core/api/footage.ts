/**
 * Opening footage to stream it (browser mode's /media, the desktop app's media protocol). The
 * file is found by its id in the index, never by a path from the request; it must be a regular
 * file reached from its recording root (or the archive folder) without passing through a
 * symbolic link, and the file opened must be the very file that was checked (O_NOFOLLOW, then
 * the opened descriptor's device and inode compared). The root must be online (its sentinel in
 * place), or what is mounted there may not be ours.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FootageKind } from '../../common/api/http.js';
import { CustodianError, failure } from '../../common/errors.js';
import type { Msg } from '../../common/i18n/catalog.js';
import { textMsg } from '../../common/i18n/words.js';
import { getFile } from '../../db/access-requests.js';
import { getDir } from '../../db/dirs.js';
import { getClip } from '../../db/incidents.js';
import { getRoot } from '../../db/roots.js';
import { getSegment } from '../../db/segments.js';
import { relComponents } from '../../native/recorder-fs.js';
import type { Ctx } from '../context.js';
import { archiveDir } from '../paths.js';
import { checkSentinel } from '../roots.js';

export type { FootageKind } from '../../common/api/http.js';

export interface FootageItem {
  kind: FootageKind;
  id: number;
  camera: string;
  startMs: number;
  endMs: number;
}

export interface OpenFootage extends FootageItem {
  /** An open file descriptor: the caller streams from it and must close it. */
  fd: number;
  size: number;
  contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.ts': 'video/mp2t',
  '.avi': 'video/x-msvideo',
};

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

const gone = (what: Msg): CustodianError => failure('not_found', 'server:footageGone', { what });

function checkComponents(components: readonly string[]): void {
  if (components.length === 0) throw failure('forbidden', 'server:footageEmptyPath');
  for (const c of components) {
    if (c === '' || c === '.' || c === '..' || c.includes('/') || c.includes('\\') || c.includes('\0') || path.isAbsolute(c)) {
      throw failure('forbidden', 'server:footageLeaves');
    }
  }
}

/**
 * Opens `components` under `base` if every step is a real folder and the last a regular file,
 * none of them a symbolic link, and the result lies inside `base` after resolving links.
 */
export function openInside(base: string, components: readonly string[], what: Msg): { fd: number; size: number } {
  checkComponents(components);
  let baseReal: string;
  try {
    if (!statSync(base).isDirectory()) throw gone(what);
    baseReal = realpathSync(base);
  } catch (e) {
    if (e instanceof CustodianError) throw e;
    throw gone(what);
  }
  let cur = base;
  let last: ReturnType<typeof lstatSync> | undefined;
  for (let i = 0; i < components.length; i++) {
    cur = path.join(cur, components[i] as string);
    try {
      last = lstatSync(cur);
    } catch {
      throw gone(what);
    }
    if (last.isSymbolicLink()) throw failure('forbidden', 'server:footageLink', { what });
    const final = i === components.length - 1;
    if (!final && !last.isDirectory()) throw gone(what);
    if (final && !last.isFile()) throw gone(what);
  }
  const real = realpathSync(cur);
  if (real !== path.join(baseReal, ...components) || !real.startsWith(baseReal + path.sep)) {
    throw failure('forbidden', 'server:footageOutside', { what });
  }
  let fd: number;
  try {
    fd = openSync(cur, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    throw gone(what);
  }
  const st = fstatSync(fd);
  if (!st.isFile() || !last || st.ino !== last.ino || st.dev !== last.dev) {
    closeSync(fd);
    throw failure('forbidden', 'server:footageChanged', { what });
  }
  return { fd, size: st.size };
}

/** What an id names, without opening it (for the playback URL). */
export function footageItem(ctx: Ctx, kind: FootageKind, id: number): FootageItem & { base: string; components: string[]; name: string } {
  if (kind === 'segment') {
    const seg = getSegment(ctx.db, id);
    if (!seg || seg.state !== 'present') throw failure('not_found', 'server:noRecording', { id });
    const root = getRoot(ctx.db, seg.root_id);
    const dir = getDir(ctx.db, seg.dir_id);
    if (!root || !dir) throw failure('not_found', 'server:recordingNoRoot', { id });
    const online = checkSentinel(root);
    if (!online.online) throw failure('conflict', 'server:recordingOffline', { id, reason: textMsg(online.reason) });
    return { kind, id, camera: seg.camera_id, startMs: seg.start_ms, endMs: seg.end_ms, base: root.path, components: [...relComponents(dir.rel), seg.name], name: seg.name };
  }
  if (kind === 'request-clip') {
    // An access request's clip or masked copy (core/access-requests/), in the archive folder.
    const f = getFile(ctx.db, id);
    if (!f || f.status !== 'complete') throw new CustodianError('not_found', `There is no clip #${id} of an access request (it may be unfinished, or deleted after the answer).`);
    const parts = f.rel_path.split('/');
    return { kind, id, camera: f.camera_id ?? '', startMs: f.start_ms ?? f.from_ms ?? 0, endMs: f.end_ms ?? f.to_ms ?? 0, base: archiveDir(ctx), components: parts, name: parts[parts.length - 1] ?? '' };
  }
  const clip = getClip(ctx.db, id);
  if (!clip || clip.status !== 'complete') throw failure('not_found', 'server:noArchivedClip', { id });
  const components = clip.rel_path.split('/');
  return { kind, id, camera: clip.camera_id, startMs: clip.start_ms ?? clip.from_ms, endMs: clip.end_ms ?? clip.to_ms, base: archiveDir(ctx), components, name: components[components.length - 1] ?? '' };
}

/** Opens footage for streaming. Permission and audit are the caller's (CustodianApi.openFootage). */
export function openFootageFile(ctx: Ctx, kind: FootageKind, id: number): OpenFootage {
  const item = footageItem(ctx, kind, id);
  const what: Msg = { key: kind === 'segment' ? 'server:footageRecording' : 'server:footageClip', params: { id } };
  const { fd, size } = openInside(item.base, item.components, what);
  return { kind, id, camera: item.camera, startMs: item.startMs, endMs: item.endMs, fd, size, contentType: contentTypeOf(item.name) };
}
