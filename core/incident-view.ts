/** What `incident show` / `incident list` and the app present: the whole story of an incident. */
import { formatInstant } from '../common/time.js';
import { clipSources, clipsOf, type IncidentRow } from '../db/incidents.js';
import type { Ctx } from './context.js';
import { incidentHistory, isOverdue, type Gap } from './incidents.js';

export function incidentSummary(ctx: Ctx, inc: IncidentRow) {
  const tz = ctx.settings().siteTimeZone;
  return {
    ref: inc.ref,
    title: inc.title,
    reason: inc.reason,
    justification: inc.justification,
    status: inc.status,
    from: formatInstant(inc.from_ms, tz),
    to: formatInstant(inc.to_ms, tz),
    cameras: inc.cameras ? inc.cameras.split(',') : [],
    reviewBy: formatInstant(inc.review_by_ms, tz),
    overdue: isOverdue(inc, ctx.now()),
    ageDays: Math.floor((ctx.now() - inc.created_ms) / 86_400_000),
    created: formatInstant(inc.created_ms, tz),
    createdBy: inc.created_by,
    closed: inc.closed_ms === null ? null : formatInstant(inc.closed_ms, tz),
    closedReason: inc.closed_reason,
  };
}

export function incidentDetail(ctx: Ctx, inc: IncidentRow) {
  const tz = ctx.settings().siteTimeZone;
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  return {
    ...incidentSummary(ctx, inc),
    hold: inc.hold_id,
    gaps: (JSON.parse(inc.gaps) as Gap[]).map((g) => ({ camera: g.camera, from: iso(g.fromMs), to: iso(g.toMs) })),
    clips: clipsOf(ctx.db, inc.id).map((c) => ({
      id: c.id,
      camera: c.camera_id,
      subjects: c.subjects,
      path: c.rel_path,
      status: c.status,
      error: c.error,
      start: iso(c.start_ms),
      end: iso(c.end_ms),
      sha256: c.sha256,
      size: c.size,
      sourceHadAudio: c.source_had_audio === 1,
      sources: clipSources(ctx.db, c.id).map((s) => ({ name: s.name, path: s.path, sha256: s.sha256, size: s.size, start: iso(s.start_ms), end: iso(s.end_ms) })),
    })),
    history: incidentHistory(ctx, inc.ref).map((h) => ({ at: formatInstant(h.at, tz), actor: h.actor, action: h.action, details: h.details })),
  };
}
