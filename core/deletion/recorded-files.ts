/**
 * The deletion door for what Custodian itself wrote: archived clips and the files of package
 * copies. The callers (handover, incident closure) decide what must go; they hand over RECORDS
 * (a clip row, a package's recorded files), never a folder to walk. Each file is deleted only if
 * it is, right now, the file Custodian recorded: reached from its base folder without a link, a
 * regular file with the recorded size and SHA-256 (rule D4). Anything else found there is left
 * alone and named in an alarm. Journal → unlink → fsync → one complete log row (rule D5).
 */
import path from 'node:path';
import { english } from '../../common/i18n/catalog.js';
import { insertFinalDeletions, type FinalDeletion } from '../../db/deletions.js';
import { journalDone, journalMark, journalRows, type JournalRow } from '../../db/deletion-journal.js';
import { sha256File } from '../../native/hash.js';
import { listTree, openGovernedFolder, removeEmptyTree, sameIdentity, walkFolder, type GovernedFolder, type Identity } from '../../native/governed-fs.js';
import { raiseAlarm } from '../alarms.js';
import type { Ctx } from '../context.js';

/**
 * What a recorded file is: an incident's archived clip, a recorded package file, an access
 * request's clip or masked copy (request_files), or a file of the data subject's package
 * (request_package_files). The journal keeps the kinds apart (their ids are from other tables);
 * the deletion log knows clips and package files (LOGGED_KIND).
 */
export type RecordedKind = 'clip' | 'package' | 'request-file' | 'request-package';
const LOGGED_KIND: Readonly<Record<RecordedKind, 'clip' | 'package'>> = { clip: 'clip', package: 'package', 'request-file': 'clip', 'request-package': 'package' };

export interface RecordedFile {
  readonly kind: RecordedKind;
  /** The record's id: a clip id, a recorded package file's id, a request file's or request package file's id. */
  readonly recordId: number;
  /** The folder Custodian wrote it under (the archive, or the package copy's folder). */
  readonly base: string;
  /**
   * The identity `base` had when Custodian wrote into it (a package copy's folder: dir_dev and
   * dir_ino). When given, the file is deleted only inside that very folder: another folder at
   * the same path (a later package exported to the same place) is never touched, even where its
   * files have the same bytes (the clips and site-public.pem of one incident's packages do).
   */
  readonly baseIdentity?: Identity | null;
  /** Its place under `base`, as path components. */
  readonly rel: readonly string[];
  /** What Custodian recorded when it wrote the file; null: not recorded (then it is not deleted). */
  readonly size: number | null;
  readonly sha256: string | null;
  readonly cameraId?: string | null;
  readonly fromMs?: number | null;
  readonly toMs?: number | null;
  readonly incidentRef: string | null;
  readonly handoverId: number | null;
  readonly reason: string;
}

export interface RecordedDeletion {
  deleted: number;
  /** Not deleted now: why (a file in use, a share gone, a changed or unrecorded file). */
  failed: { path: string; reason: string }[];
  /** Record ids whose file is gone now (deleted now or found gone): the caller marks them deleted. */
  gone: { kind: RecordedKind; recordId: number }[];
}

function journalOf(f: RecordedFile, now: number): Omit<JournalRow, 'id'> {
  return {
    kind: f.kind,
    record_id: f.recordId,
    base: f.base,
    rel: f.rel.join('/'),
    size: f.size,
    sha256: f.sha256,
    camera_id: f.cameraId ?? null,
    from_ms: f.fromMs ?? null,
    to_ms: f.toMs ?? null,
    incident_ref: f.incidentRef,
    handover_id: f.handoverId,
    reason: f.reason,
    marked_ms: now,
  };
}

function logRow(j: JournalRow, abs: string, outcome: 'deleted' | 'already-gone', at: number, note: string | null): FinalDeletion {
  return {
    kind: LOGGED_KIND[j.kind],
    segment_id: null,
    root_id: null,
    camera_id: j.camera_id,
    path: abs,
    from_ms: j.from_ms,
    to_ms: j.to_ms,
    size: j.size,
    sha256: j.sha256,
    due_ms: null,
    marked_ms: j.marked_ms,
    sweep_id: null,
    handover_id: j.handover_id,
    incident_ref: j.incident_ref,
    reason: j.reason,
    outcome,
    deleted_ms: at,
    note,
  };
}

/** Deletes recorded files one by one; a file that is not exactly what was recorded stays. */
export async function deleteRecordedFiles(ctx: Ctx, files: readonly RecordedFile[]): Promise<RecordedDeletion> {
  const out: RecordedDeletion = { deleted: 0, failed: [], gone: [] };
  for (const f of files) {
    const abs = path.join(f.base, ...f.rel);
    const name = f.rel[f.rel.length - 1];
    if (name === undefined || f.size === null || f.sha256 === null) {
      out.failed.push({ path: abs, reason: english({ key: 'deletion:clipChanged' }) });
      continue;
    }
    // A retry finds the first mark: then an absent file is that earlier attempt's unlink.
    const before = journalRows(ctx.db).some((j) => j.kind === f.kind && j.record_id === f.recordId);
    const j = ctx.db.transaction(() => journalMark(ctx.db, journalOf(f, ctx.now()))).immediate();
    const folder = openGovernedFolder(f.base, f.rel.slice(0, -1), null, 'auto', f.baseIdentity ?? null);
    if (!('unlink' in folder)) {
      // Refused (a link, another folder in its place): nothing was unlinked by this attempt; the
      // mark goes unless an earlier attempt left it (that one may have unlinked).
      if (folder.outcome === 'refused' && !before) ctx.db.transaction(() => journalDone(ctx.db, j.id))();
      // Its folder is gone: only an earlier attempt of ours (the journal) explains that; anything
      // else (a disk not mounted, a folder moved away) is not a deletion and is not logged as one.
      if (folder.outcome === 'absent' && before && baseIsOurs(f)) finish(ctx, j, abs, 'deleted', true, out);
      else out.failed.push({ path: abs, reason: folder.reason });
      continue;
    }
    try {
      await deleteOne(ctx, f, j, folder, name, abs, before, out);
    } finally {
      folder.close();
    }
  }
  return out;
}

/** `base` is reachable (no link) and, when its identity was recorded, is that very folder. */
function baseIsOurs(f: RecordedFile): boolean {
  const walked = walkFolder(f.base, []);
  return 'ino' in walked && (!f.baseIdentity || sameIdentity(walked, f.baseIdentity));
}

async function deleteOne(ctx: Ctx, f: RecordedFile, j: JournalRow, folder: GovernedFolder, name: string, abs: string, before: boolean, out: RecordedDeletion): Promise<void> {
  const e = folder.entry(name);
  if (e.kind === 'absent') {
    finish(ctx, j, abs, before ? 'deleted' : 'already-gone', before, out);
    return;
  }
  if (e.kind === 'error') {
    out.failed.push({ path: abs, reason: `${e.code} while checking ${abs}` });
    return;
  }
  if (e.kind !== 'file' || e.size !== f.size || (await sha256File(folder.readPath(name)).catch(() => null)) !== f.sha256) {
    out.failed.push({ path: abs, reason: english({ key: 'deletion:clipChanged' }) });
    ctx.db.transaction(() => journalDone(ctx.db, j.id))();
    return;
  }
  const u = folder.unlink(name);
  if (u.outcome === 'deleted' || u.outcome === 'already-gone') {
    folder.sync();
    finish(ctx, j, abs, u.outcome === 'deleted' || before ? 'deleted' : 'already-gone', before, out);
  } else {
    out.failed.push({ path: abs, reason: u.reason });
  }
}

function finish(ctx: Ctx, j: JournalRow, abs: string, outcome: 'deleted' | 'already-gone', recovered: boolean, out: RecordedDeletion): void {
  ctx.db
    .transaction(() => {
      insertFinalDeletions(ctx.db, [logRow(j, abs, outcome, ctx.now(), recovered ? english({ key: 'deletion:noteRecovered' }) : null)]);
      journalDone(ctx.db, j.id);
    })
    .immediate();
  if (outcome === 'deleted') out.deleted++;
  out.gone.push({ kind: j.kind, recordId: j.record_id });
}

/**
 * After the recorded files of a folder went: whatever is still there was not written by
 * Custodian (or changed since). It is left alone, named in an alarm, and the folders that are
 * empty now are removed (never `base` itself unless `removeBase`).
 */
export function reportForeignFiles(ctx: Ctx, base: string, alarmKey: string, opts: { removeBase?: boolean; below?: readonly string[] } = {}): string[] {
  const below = opts.below ?? [];
  const walked = walkFolder(base, below);
  if (!('ino' in walked)) {
    if (walked.outcome === 'refused') {
      // A link where Custodian's folder was: nothing is deleted through it; say so.
      raise(ctx, path.join(base, ...below), [path.join(base, ...below)], alarmKey);
      return [path.join(base, ...below)];
    }
    return [];
  }
  const left = listTree(path.join(base, ...below)).map((rel) => path.join(base, ...below, ...rel));
  if (left.length > 0) raise(ctx, path.join(base, ...below), left, alarmKey);
  // Empty folders go, deepest first; a folder with anything left in it stays.
  removeEmptyTree(base, below, opts.removeBase ?? false);
  return left;
}

function raise(ctx: Ctx, folder: string, files: readonly string[], key: string): void {
  const params = { folder, files: files.slice(0, 10).join(', ') + (files.length > 10 ? ` (+${files.length - 10})` : '') };
  raiseAlarm(ctx, { kind: 'foreign-files', key, message: english({ key: 'deletion:alarmForeignFiles', params }), details: { folder, files, msg: { key: 'deletion:alarmForeignFiles', params } } });
}

/** Journal rows a crash left: finished the next time (their files, if still there, are checked again). */
export function pendingRecordedDeletions(ctx: Ctx): JournalRow[] {
  return journalRows(ctx.db);
}
