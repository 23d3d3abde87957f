/**
 * What `incident show` / `incident list` and the app present: the whole story of an incident,
 * its packages per audience (exported, handed over or pending, discarded) — and, for a reader
 * who may see only one audience's share (HR), only what that audience's packages held.
 */
import type { IncidentDetailView, IncidentSummaryView, PackageView } from '../common/api/types.js';
import type { Role } from '../common/permissions.js';
import { formatInstant } from '../common/time.js';
import { getCamera } from '../db/cameras.js';
import { handoversOf } from '../db/handovers.js';
import { clipSources, clipsOf, type IncidentRow } from '../db/incidents.js';
import { clipIdsInPackages, packagesOf, type PackageRow } from '../db/packages.js';
import type { Ctx } from './context.js';
import { packageState } from './package-state.js';
import { incidentHistory, isOverdue, type Gap } from './incidents.js';

/** Who reads: HR sees only HR's share of an incident; every other role that may read it sees it whole. */
export interface Reader {
  role: Role;
}

/** The one audience a role is limited to, or null for the whole incident. */
function limitedTo(reader: Reader | undefined): 'hr' | null {
  return reader?.role === 'hr' ? 'hr' : null;
}

/** May this reader see the incident at all? HR only once something was handed over to HR. */
export function incidentVisibleTo(ctx: Ctx, inc: IncidentRow, reader: Reader): boolean {
  const only = limitedTo(reader);
  return only === null || handoversOf(ctx.db, inc.id).some((h) => h.audience === only);
}

export function incidentSummary(ctx: Ctx, inc: IncidentRow, reader?: Reader): IncidentSummaryView {
  const tz = ctx.settings().siteTimeZone;
  const only = limitedTo(reader);
  const allCameras = inc.cameras ? inc.cameras.split(',') : [];
  const cameras = only === null ? allCameras : shareOf(ctx, inc, only).cameras;
  return {
    ref: inc.ref,
    title: inc.title,
    reason: inc.reason,
    justification: inc.justification,
    status: inc.status,
    from: formatInstant(inc.from_ms, tz),
    to: formatInstant(inc.to_ms, tz),
    cameras,
    reviewBy: formatInstant(inc.review_by_ms, tz),
    overdue: isOverdue(inc, ctx.now()),
    ageDays: Math.floor((ctx.now() - inc.created_ms) / 86_400_000),
    created: formatInstant(inc.created_ms, tz),
    createdBy: inc.created_by,
    closed: inc.closed_ms === null ? null : formatInstant(inc.closed_ms, tz),
    // The reason names every recipient and their reference: not one audience's to read.
    closedReason: only === null ? inc.closed_reason : null,
    cameraInfo: cameras.map((id) => {
      const c = getCamera(ctx.db, id);
      return { id, name: c?.name ?? null, zone: c?.zone ?? 'mixed' };
    }),
  };
}

/** The clips (and so the cameras) an audience's packages of the incident were made from. */
function shareOf(ctx: Ctx, inc: IncidentRow, audience: 'hr'): { clipIds: Set<number>; cameras: string[] } {
  const clipIds = new Set(clipIdsInPackages(ctx.db, inc.id, audience));
  const cameras = [...new Set(clipsOf(ctx.db, inc.id).filter((c) => clipIds.has(c.id)).map((c) => c.camera_id))];
  return { clipIds, cameras };
}

export function packageView(ctx: Ctx, p: PackageRow): PackageView {
  const tz = ctx.settings().siteTimeZone;
  const iso = (ms: number): string => formatInstant(ms, tz);
  const { state, handover: h } = packageState(ctx, p);
  return {
    packageId: p.package_id,
    audience: p.audience,
    exported: iso(p.created_ms),
    exportedBy: p.created_by,
    fingerprint: p.key_fingerprint,
    manifestSha256: p.manifest_sha256,
    clips: p.files,
    location: p.location,
    dir: p.dir,
    zip: p.zip_path !== null,
    state,
    handover: h
      ? { id: h.id, handedOver: iso(h.handed_ms), organisation: h.organisation, recipient: h.recipient, reference: h.reference, method: h.method, recordedBy: h.recorded_by, recipientCopy: h.recipient_copy, keyFingerprint: h.key_fingerprint }
      : null,
    discarded: p.discarded_ms === null ? null : { at: iso(p.discarded_ms), by: p.discarded_by, reason: p.discard_reason },
    held: p.location === 'data' && p.deleted_ms === null,
    copyDeleted: p.deleted_ms === null ? null : iso(p.deleted_ms),
  };
}

/** Audit details that concern one audience ({audience: 'hr'} or a handover {to: 'hr'}). */
function aboutAudience(details: unknown, audience: string): boolean {
  if (typeof details !== 'object' || details === null) return false;
  const d = details as Record<string, unknown>;
  return d.audience === audience || d.to === audience;
}

/** What one audience may read of an event about its own package (not what was left out of it, nor where other copies are). */
const SHARE_KEYS = ['incident', 'audience', 'to', 'package', 'handover', 'files', 'redacted', 'manifestSha256', 'keyFingerprint', 'recipient', 'reference', 'reason'];
function shareDetails(details: unknown): unknown {
  if (typeof details !== 'object' || details === null) return details;
  return Object.fromEntries(Object.entries(details as Record<string, unknown>).filter(([k]) => SHARE_KEYS.includes(k)));
}

export function incidentDetail(ctx: Ctx, inc: IncidentRow, reader?: Reader): IncidentDetailView {
  const tz = ctx.settings().siteTimeZone;
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  const only = limitedTo(reader);
  const share = only === null ? null : shareOf(ctx, inc, only);
  const clips = clipsOf(ctx.db, inc.id).filter((c) => share === null || share.clipIds.has(c.id));
  const gaps = (JSON.parse(inc.gaps) as Gap[]).filter((g) => share === null || share.cameras.includes(g.camera));
  const history = incidentHistory(ctx, inc.ref).filter((h) => only === null || aboutAudience(h.details, only));
  return {
    ...incidentSummary(ctx, inc, reader),
    hold: only === null ? inc.hold_id : null,
    packages: packagesOf(ctx.db, inc.id)
      .filter((p) => only === null || p.audience === only)
      .map((p) => packageView(ctx, p)),
    gaps: gaps.map((g) => ({ camera: g.camera, from: iso(g.fromMs), to: iso(g.toMs) })),
    clips: clips.map((c) => ({
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
    history: history.map((h) => ({ at: formatInstant(h.at, tz), actor: h.actor, action: h.action, details: only === null ? h.details : shareDetails(h.details) })),
  };
}
