/**
 * Recordings that changed on disk after they were indexed. A file still being written grows;
 * one closed long ago that changes size or mtime was overwritten (a recorder reusing a name in
 * an old folder). Every change is counted and audited; a held or archived-source recording
 * that was rewritten is an alarm, because what the hold or the archive refers to is not what is
 * on the disk any more.
 */
import { english } from '../../common/i18n/catalog.js';
import { archivedSourceAmong, getSegment, heldAmong, updateSegmentFile, type ListedSegment } from '../../db/segments.js';
import type { FileFacts } from '../../native/recorder-fs.js';
import { raiseAlarm } from '../alarms.js';
import { audit } from '../audit.js';
import { factsDiffer, factsKnown } from './identity.js';
import type { PassState, RootScan } from './state.js';

/** A listed file with a row: record its facts, and notice when they changed. */
export function compareFacts(pass: PassState, rs: RootScan, row: ListedSegment, facts: FileFacts): void {
  if (facts.size === row.size && facts.mtimeMs === row.mtime_ms) return;
  const before = { size: row.size, mtimeMs: row.mtime_ms };
  updateSegmentFile(pass.ctx.db, row.id, facts.size, facts.mtimeMs);
  pass.batch.tick();
  if (!factsKnown(before) || !factsDiffer(before, facts)) return; // first facts, not a change
  rs.report.changed++;
  const closedAt = row.mtime_ms ?? getSegment(pass.ctx.db, row.id)?.end_ms ?? pass.now;
  if (closedAt < rs.recentAfter) rs.rewritten.push(row.id);
}

export function reportRewritten(pass: PassState, rs: RootScan): void {
  const ids = rs.rewritten;
  rs.report.rewritten = ids.length;
  const key = `recording-rewritten:${rs.root.id}`;
  if (ids.length === 0) return;
  const held = heldAmong(pass.ctx.db, ids);
  const archived = archivedSourceAmong(pass.ctx.db, ids);
  audit(pass.ctx, 'scan.rewritten', { root: rs.root.id, count: ids.length, segments: ids.slice(0, 100), held: [...held].slice(0, 100), archivedSources: [...archived].slice(0, 100) });
  const concerned = ids.filter((id) => held.has(id) || archived.has(id));
  if (concerned.length === 0) return;
  const msg = { key: 'scan:recordingRewritten', params: { count: concerned.length, root: rs.root.path, held: held.size, archived: archived.size } };
  raiseAlarm(pass.ctx, {
    kind: 'recording-rewritten',
    key,
    rootId: rs.root.id,
    message: english(msg),
    details: { root: rs.root.id, segments: concerned.slice(0, 100), held: [...held].slice(0, 100), archivedSources: [...archived].slice(0, 100), msg },
  });
}
