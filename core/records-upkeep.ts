/**
 * What the service does for the records on each pass (one call in core/service.ts): the hold
 * copies beside the sentinels brought up to date, the chain anchored once a day, and a daily
 * backup into the `backupDir` setting when it is set.
 */
import { messageOf } from '../common/errors.js';
import { english } from '../common/i18n/catalog.js';
import { ledgerHead } from '../db/ledger.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { anchorChain, latestAnchor } from './anchors.js';
import { backupTo, ownBackups } from './backup.js';
import type { Ctx } from './context.js';
import { writeHoldCopies } from './hold-copies.js';

export async function recordsUpkeep(ctx: Ctx, log: (line: string) => void): Promise<void> {
  writeHoldCopies(ctx);
  const day = 24 * 3_600_000;
  const now = ctx.now();
  const last = latestAnchor(ctx);
  const head = ledgerHead(ctx.db);
  // An anchor is due once a day when something was recorded since (beyond its own event).
  if (head && (!last || (now - last.statement.atMs >= day && head.seq > last.statement.seq + 1))) {
    try {
      const a = anchorChain(ctx, 'daily');
      log(english({ key: 'records:anchor.made', params: { seq: a.seq, hash: a.hash, fingerprint: a.keyFingerprint, file: a.file } }));
    } catch (e) {
      log(messageOf(e));
    }
  }
  const dir = ctx.settings().backupDir;
  if (dir && (ownBackups(ctx, dir)[0]?.atMs ?? 0) <= now - day + 3_600_000) {
    try {
      const b = await backupTo(ctx, dir, 'daily');
      conditionEnded(ctx, 'backup-failed');
      log(english({ key: 'records:backup.made', params: { file: b.file, bytes: b.bytes, removed: b.removed.length } }));
    } catch (e) {
      const msg = { key: 'records:backup.failed', params: { dir, reason: messageOf(e) } };
      raiseAlarm(ctx, { kind: 'backup-failed', key: 'backup-failed', message: english(msg), details: { msg } });
      log(english(msg));
    }
  }
}

