/**
 * New segments into the index: each camera's new files of one folder together, so each one's
 * end is bounded by the next one's start; the segment just before them (an earlier folder) is
 * shortened if it overlapped.
 */
import { noteOverdueAtIndex } from '../report/first-index.js';
import { ensureCamera } from '../../db/cameras.js';
import { insertSegments, nextSegmentStart, previousSegment, setSegmentEnd, type EndSource, type NewSegment, type SegmentRow } from '../../db/segments.js';
import type { FileFacts } from '../../native/recorder-fs.js';
import type { FreshGroup, PassState, RootScan } from './state.js';

/**
 * Chooses a segment's end without probing: its mtime if plausible, bounded by the next start.
 * An end the recorder stated (in the name, or a file-time layout's file time) is taken as it is.
 */
export function estimateEnd(startMs: number, facts: FileFacts | null, nextStart: number | undefined, maxSegmentMs: number, statedEndMs?: number): { end: number; source: EndSource } {
  if (statedEndMs !== undefined && statedEndMs > startMs) return { end: statedEndMs, source: facts && facts.mtimeMs === statedEndMs ? 'mtime' : 'estimate' };
  let end = startMs + maxSegmentMs;
  let source: EndSource = 'estimate';
  if (facts && facts.mtimeMs > startMs && facts.mtimeMs <= startMs + maxSegmentMs) {
    end = facts.mtimeMs;
    source = 'mtime';
  }
  if (nextStart !== undefined && nextStart > startMs && nextStart < end) {
    end = nextStart;
    source = source === 'mtime' ? 'mtime' : 'next';
  } else if (nextStart !== undefined && source === 'estimate' && nextStart > startMs) {
    source = 'next';
  }
  return { end, source };
}

/** The recorder stated this row's end (its name, or its file's own time): a later start does not cut it. */
export function statedEnd(row: Pick<SegmentRow, 'name_end_ms' | 'time_from'>): boolean {
  return row.name_end_ms !== null || row.time_from === 'file';
}

/** Inserts the group's files that no move claimed. */
export function insertGroup(pass: PassState, rs: RootScan, group: FreshGroup): void {
  const files = group.files.filter((f) => !f.claimed);
  if (files.length === 0) return;
  const { ctx } = pass;
  if (!pass.cameras.has(group.camera)) {
    ensureCamera(ctx.db, group.camera, pass.now);
    pass.cameras.add(group.camera);
  }
  files.sort((a, b) => a.startMs - b.startMs);
  const first = files[0] as (typeof files)[number];
  // (On a first index there is no earlier row to shorten; the fix-up after the walk joins folders.)
  const prev = pass.firstIndex ? undefined : previousSegment(ctx.db, group.camera, first.startMs);
  if (prev && prev.end_ms > first.startMs && prev.end_source !== 'probe' && !statedEnd(prev)) {
    setSegmentEnd(ctx.db, prev.id, first.startMs, prev.end_source === 'mtime' ? 'mtime' : 'next');
  }
  const rows: NewSegment[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as (typeof files)[number];
    const { end, source } = estimateEnd(f.startMs, f.facts, files[i + 1]?.startMs, pass.maxSegMs, f.statedEndMs);
    rows.push({ rootId: group.rootId, dirId: group.dirId, name: f.name, cameraId: group.camera, startMs: f.startMs, endMs: end, endSource: source, size: f.facts?.size ?? null, mtimeMs: f.facts?.mtimeMs ?? null, ...(f.named ? { named: f.named } : {}) });
    if (f.facts?.size === 0) rs.report.empty++;
  }
  const ids = insertSegments(ctx.db, rows);
  // The compliance report's P2 tells "indexed already overdue" from "deletion was paused".
  noteOverdueAtIndex(ctx, group.rootId, group.camera, rows, ids);
  const last = rows[rows.length - 1] as NewSegment;
  const lastStated = (files[files.length - 1] as (typeof files)[number]).statedEndMs !== undefined;
  rs.lastInDir.push({ id: ids[ids.length - 1] as number, camera: group.camera, start: last.startMs, end: last.endMs, ...(lastStated ? { stated: true as const } : {}) });
  rs.report.added += rows.length;
  for (let i = 0; i < rows.length; i++) pass.batch.tick();
}

/** After the walk: a folder's last new segment ends no later than the next folder's first starts. */
export function joinFolders(pass: PassState, rs: RootScan): void {
  for (const seg of rs.lastInDir) {
    if (seg.stated) continue;
    const next = nextSegmentStart(pass.ctx.db, seg.camera, seg.start);
    if (next !== undefined && next < seg.end) setSegmentEnd(pass.ctx.db, seg.id, next, 'next');
  }
}
