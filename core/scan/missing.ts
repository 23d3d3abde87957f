/**
 * What happens to recordings that are gone and matched no move:
 * - one an active hold keeps (pinned, or in its cameras and window) is never forgotten: its row
 *   stays, marked missing, with an alarm, until it turns up again or the hold is released;
 * - the others leave the index, unless so many of the root vanished at once that it looks like
 *   a fault rather than a fact (safety rule 3): then nothing is applied until a person
 *   acknowledges the alarm.
 */
import { english } from '../../common/i18n/catalog.js';
import { markAlarmUsed, unusedAckedAlarm } from '../../db/alarms.js';
import { deleteDirIfEmpty, forgetDirListing } from '../../db/dirs.js';
import { countSegments, deleteSegmentRow, heldAmong, markSegmentsMissing, missingSegments, unheldMissingIn, type ScanSegment } from '../../db/segments.js';
import { clearUnrecognisedUnder } from '../../db/unrecognised.js';
import { conditionEnded, permitCovers, raiseAlarm } from '../alarms.js';
import { audit } from '../audit.js';
import type { PassState, RootScan } from './state.js';

/** Applies the pass's missing recordings of one root. Returns false when safety rule 3 stopped it. */
export function settleMissing(pass: PassState, rs: RootScan, gone: readonly ScanSegment[]): boolean {
  const { ctx } = pass;
  const { root, report } = rs;
  const ids = gone.map((r) => r.id);
  const held = heldAmong(ctx.db, ids);
  if (held.size > 0) {
    markSegmentsMissing(ctx.db, [...held], pass.now);
    report.heldMissing = held.size;
    audit(ctx, 'scan.held-missing', { root: root.id, count: held.size, segments: [...held].slice(0, 100) });
  }
  const unheld = ids.filter((id) => !held.has(id));
  // What the index believed was on the disk when the pass began (counted only when needed: a
  // pass over a root of a million rows with nothing missing should not count them).
  const present = unheld.length > 0 ? countSegments(ctx.db, root.id) - report.added - rs.missingBefore : 0;
  const share = present > 0 ? ids.length / present : 0;
  const missingKey = `mass-missing:${root.id}`;
  let apply = true;
  if (unheld.length > 0 && share > pass.settings.massMissingShare) {
    const acked = unusedAckedAlarm(ctx.db, missingKey, pass.now - 86_400_000);
    // The permission covers the disappearance the person saw (a tenth more at most), not a larger one.
    const permit = acked && permitCovers(acked, 'missing', ids.length, (n) => Math.max(10, n / 10)) ? acked : undefined;
    if (permit) {
      markAlarmUsed(ctx.db, permit.id, pass.now);
      audit(ctx, 'scan.mass-missing-approved', { root: root.id, alarm: permit.id, missing: ids.length });
    } else {
      apply = false;
      report.missingRefused = unheld.length;
      raiseAlarm(ctx, {
        kind: 'mass-missing',
        key: missingKey,
        rootId: root.id,
        msg: { key: 'alarm:massMissing', params: { count: ids.length, total: present, root: root.path, share: Math.round(share * 100) } },
        details: { root: root.id, missing: ids.length, total: present, share, held: held.size },
      });
    }
  }
  if (apply) {
    for (const id of unheld) {
      deleteSegmentRow(ctx.db, id);
      pass.batch.tick();
    }
    report.missing = unheld.length;
  }
  // Missing held recordings whose hold was released since: now they go like any other.
  if (rs.missingBefore > 0 || held.size > 0) {
    const released = unheldMissingIn(ctx.db, root.id);
    for (const id of released) deleteSegmentRow(ctx.db, id);
    report.missing += released.length;
    if (released.length > 0) audit(ctx, 'scan.missing-released', { root: root.id, count: released.length, segments: released.slice(0, 100) });
  }
  for (const d of rs.vanished) {
    if (!apply) continue; // still known: listed again (and still missing) next time
    clearUnrecognisedUnder(ctx.db, root.id, d.rel);
    // A folder that still holds rows (held recordings that vanished) is kept, to be listed in full if it returns.
    if (!deleteDirIfEmpty(ctx.db, d.id)) forgetDirListing(ctx.db, d.id);
  }
  raiseHeldMissing(pass, rs);
  return apply;
}

/** One alarm per root while any held recording in it is missing; its condition ends when none is. */
function raiseHeldMissing(pass: PassState, rs: RootScan): void {
  const key = `held-missing:${rs.root.id}`;
  if (rs.missingBefore === 0 && rs.report.heldMissing === 0) {
    conditionEnded(pass.ctx, key);
    return;
  }
  const rows = missingSegments(pass.ctx.db, rs.root.id);
  if (rows.length === 0) {
    conditionEnded(pass.ctx, key);
    return;
  }
  rows.sort((a, b) => a.start_ms - b.start_ms);
  const first = rows[0] as ScanSegment;
  const cameras = [...new Set(rows.map((r) => r.camera_id))].sort();
  const msg = { key: 'scan:heldMissing', params: { count: rows.length, root: rs.root.path, cameras: cameras.join(', '), first: first.name } };
  raiseAlarm(pass.ctx, {
    kind: 'held-missing',
    key,
    rootId: rs.root.id,
    message: english(msg),
    details: { root: rs.root.id, count: rows.length, cameras, segments: rows.slice(0, 100).map((r) => r.id), msg },
  });
}
