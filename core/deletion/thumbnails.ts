/**
 * The deletion door for timeline stills (migration 012). A still is a picture of a recording, so
 * it goes when its recording goes: after every sweep (and before a new still takes an old one's
 * place) the stills whose recording is no longer in the index are deleted BY RECORD — each only
 * if it is, right now, the file Custodian wrote (reached from the thumbnails folder without a
 * link, a regular file with the recorded size and SHA-256; rule D4). Anything else is left
 * alone and named in an alarm. The row is the journal (marked 'deleting' before the unlink)
 * and, after the fsync of its folder, the log ('deleted', when, outcome), as a segment row is
 * for a recording (rule D7).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { english } from '../../common/i18n/catalog.js';
import { markThumbnailDeleting, orphanedThumbnails, recordThumbnailDeleted, unmarkThumbnail, type ThumbnailRow } from '../../db/thumbnails.js';
import { openGovernedFolder } from '../../native/governed-fs.js';
import { audit } from '../audit.js';
import { conditionEnded, raiseAlarm } from '../alarms.js';
import type { Ctx } from '../context.js';

export const THUMBNAILS_FOLDER = 'thumbnails';

export function thumbnailsDir(ctx: Ctx): string {
  return path.join(ctx.dataDir, THUMBNAILS_FOLDER);
}

export interface ThumbnailDeletion {
  deleted: number;
  alreadyGone: number;
  /** Not deleted now (tried again at the next sweep), or left alone because it is not Custodian's file. */
  failed: { path: string; reason: string }[];
}

const REASON = 'recording deleted';
const FAILED_KEY = 'thumbnails:delete-failed';

/** Deletes the stills of recordings that have left the index (at most `limit` per call). */
export function deleteOrphanedThumbnails(ctx: Ctx, limit = 10_000): ThumbnailDeletion {
  return deleteThumbnails(ctx, orphanedThumbnails(ctx.db, limit));
}

/** Deletes these recorded stills through the door (callers pass rows they decided must go). */
export function deleteThumbnails(ctx: Ctx, rows: readonly ThumbnailRow[]): ThumbnailDeletion {
  const out: ThumbnailDeletion = { deleted: 0, alreadyGone: 0, failed: [] };
  if (rows.length === 0) return out;
  const base = thumbnailsDir(ctx);
  for (const row of rows) {
    const rel = row.rel.split('/');
    const name = rel[rel.length - 1] ?? '';
    const abs = path.join(base, ...rel);
    // A mark that is already there is an earlier attempt's: then an absent file is its unlink.
    const before = row.state === 'deleting';
    ctx.db.transaction(() => markThumbnailDeleting(ctx.db, row.id, ctx.now(), REASON)).immediate();
    const folder = openGovernedFolder(base, rel.slice(0, -1));
    if (!('unlink' in folder)) {
      if (folder.outcome === 'absent') finish(ctx, row, before ? 'deleted' : 'already-gone', out);
      else out.failed.push({ path: abs, reason: folder.reason });
      continue;
    }
    try {
      const e = folder.entry(name);
      if (e.kind === 'absent') {
        finish(ctx, row, before ? 'deleted' : 'already-gone', out);
        continue;
      }
      if (e.kind === 'error') {
        out.failed.push({ path: abs, reason: `${e.code} while checking ${abs}` });
        continue;
      }
      if (e.kind !== 'file' || e.size !== row.size || sha256Of(folder.readPath(name)) !== row.sha256) {
        // Not the still Custodian wrote: left alone and named in one alarm (looked at again next sweep).
        ctx.db.transaction(() => unmarkThumbnail(ctx.db, row.id))();
        const params = { path: abs };
        raiseAlarm(ctx, { kind: 'foreign-files', key: `thumbnail-changed:${row.id}`, message: english({ key: 'desk:alarmThumbnailChanged', params }), details: { path: abs, thumbnail: row.id, msg: { key: 'desk:alarmThumbnailChanged', params } } });
        out.failed.push({ path: abs, reason: english({ key: 'deletion:clipChanged' }) });
        continue;
      }
      const u = folder.unlink(name);
      if (u.outcome === 'deleted' || u.outcome === 'already-gone') {
        folder.sync();
        finish(ctx, row, u.outcome === 'deleted' || before ? 'deleted' : 'already-gone', out);
      } else {
        out.failed.push({ path: abs, reason: u.reason });
      }
    } finally {
      folder.close();
    }
  }
  if (out.deleted + out.alreadyGone > 0) audit(ctx, 'thumbnails.deleted', { deleted: out.deleted, alreadyGone: out.alreadyGone, reason: REASON });
  const retry = out.failed.filter((f) => f.reason !== english({ key: 'deletion:clipChanged' }));
  if (retry.length > 0) {
    const params = { count: retry.length, reason: retry[0]?.reason ?? '' };
    raiseAlarm(ctx, { kind: 'delete-failed', key: FAILED_KEY, message: english({ key: 'desk:thumbnailsDeleteFailed', params }), details: { failed: retry.slice(0, 20), msg: { key: 'desk:thumbnailsDeleteFailed', params } } });
  } else {
    conditionEnded(ctx, FAILED_KEY);
  }
  return out;
}

function sha256Of(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

function finish(ctx: Ctx, row: ThumbnailRow, outcome: 'deleted' | 'already-gone', out: ThumbnailDeletion): void {
  ctx.db.transaction(() => recordThumbnailDeleted(ctx.db, row.id, ctx.now(), outcome)).immediate();
  if (outcome === 'deleted') out.deleted++;
  else out.alreadyGone++;
}
