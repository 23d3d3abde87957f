/**
 * Background facts about segments: ffprobe (duration, codec, audio) and file size, bounded so a
 * recorder of a million files is worked through slowly without starving the sweep. A segment
 * with an audio stream is a policy deviation (P7: no audio is recorded) and raises an alarm.
 */
import { retentionDueAt } from '../common/time.js';
import { segmentsWithoutSize, setProbeResult, setSegmentEnd, setSegmentFacts, unprobedSegments, type SegmentRow } from '../db/segments.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { probeMedia } from '../native/probe.js';
import { fileFacts } from '../native/recorder-fs.js';
import { raiseAlarm } from './alarms.js';
import type { Ctx } from './context.js';
import { segmentFile } from './paths.js';

/** Fills size and mtime for segments indexed without a stat (old folders in a cold index). */
export interface Cursor {
  /** Next id to look at (the walk goes upwards; 0 starts over). */
  id: number;
}

export function fillSizes(ctx: Ctx, limit: number, cursor: Cursor = { id: 0 }): number {
  const rows = segmentsWithoutSize(ctx.db, cursor.id, limit);
  if (rows.length === 0) {
    cursor.id = 0;
    return 0;
  }
  cursor.id = (rows[rows.length - 1] as { id: number }).id;
  const growingAfter = ctx.now() - ctx.settings().settleSeconds * 1000;
  ctx.db.transaction(() => {
    for (const r of rows) {
      const file = segmentFile(ctx, r);
      const facts = file ? fileFacts(file) : null;
      // Still being written (a copy in progress): its facts are taken on a later round.
      if (facts && facts.mtimeMs > growingAfter) continue;
      // -1: we looked and could not stat it (the scan will notice if it is gone)
      setSegmentFacts(ctx.db, r.id, facts?.size ?? -1, facts?.mtimeMs ?? null);
    }
  })();
  return rows.length;
}

export async function probeSome(ctx: Ctx, limit: number, cursor: Cursor = { id: Number.MAX_SAFE_INTEGER }): Promise<{ probed: number; audio: number; errors: number }> {
  const s = ctx.settings();
  const tools = resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
  const out = { probed: 0, audio: 0, errors: 0 };
  const batch = unprobedSegments(ctx.db, limit, cursor.id || Number.MAX_SAFE_INTEGER);
  // Start again from the newest once the walk reaches the oldest.
  cursor.id = batch.length < limit ? Number.MAX_SAFE_INTEGER : (batch[batch.length - 1] as SegmentRow).id;
  for (const seg of batch) {
    const file = segmentFile(ctx, seg);
    if (!file) continue;
    const facts = fileFacts(file);
    if (!facts) {
      setProbeResult(ctx.db, seg.id, { probedMs: ctx.now(), durationMs: null, codec: null, hasAudio: null, error: 'file not readable now', size: null });
      out.errors++;
      continue;
    }
    try {
      if (facts.size === 0) throw new Error('the file is empty (0 bytes)');
      const p = await probeMedia(tools, file);
      setProbeResult(ctx.db, seg.id, { probedMs: ctx.now(), durationMs: p.durationMs, codec: p.videoCodec, hasAudio: p.hasAudio, error: p.hasVideo ? null : 'no video stream', size: facts.size });
      const maxSeg = s.maxSegmentMinutes * 60_000;
      if (p.durationMs !== null && p.durationMs <= maxSeg) setSegmentEnd(ctx.db, seg.id, seg.start_ms + p.durationMs, 'probe');
      if (p.hasAudio) {
        out.audio++;
        raiseAlarm(ctx, {
          kind: 'audio-present',
          key: `audio-present:${seg.camera_id}`,
          message: `Camera ${seg.camera_id} records sound (${file}). The policy says no audio is recorded (P7): turn off the microphone. Custodian never exports audio.`,
          details: { camera: seg.camera_id, file, dueAt: retentionDueAt(seg.end_ms, s.retentionMonths, s.siteTimeZone) },
        });
      }
    } catch (e) {
      setProbeResult(ctx.db, seg.id, { probedMs: ctx.now(), durationMs: null, codec: null, hasAudio: null, error: (e as Error).message, size: facts.size });
      out.errors++;
    }
    out.probed++;
  }
  return out;
}
