/**
 * Incidents and the archive (POLICY P1, P3, P4, P5, P7). An incident states why it exists (one of
 * the policy's three reasons, with a justification), holds its window at once, and copies the
 * footage out of the recorder into the archive: one stream-copied clip per camera and continuous
 * run, hashed, linked to the hashes of its source segments, filed under staff/visitor/mixed.
 * When every clip is safe the hold on the recorder is released (the archive carries the evidence).
 */
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { INCIDENT_REASONS, ZONES, type IncidentReason, type Zone } from '../common/domain.js';
import { CustodianError, failure } from '../common/errors.js';
import { english, type Msg, type MsgParam } from '../common/i18n/catalog.js';
import { addCalendarDays, formatInstant, formatLocal } from '../common/time.js';
import { auditForIncident } from '../db/audit.js';
import { getCamera } from '../db/cameras.js';
import { getHold } from '../db/holds.js';
import {
  clipSources,
  clipsOf,
  closeIncidentRow,
  completeClip,
  failClip,
  getClip,
  getIncident,
  getIncidentByRef,
  insertIncident,
  listIncidents,
  nextIncidentSeq,
  setClipSubjects,
  setIncidentGaps,
  setIncidentReview,
  setIncidentStatus,
  upsertPendingClip,
  type ClipRow,
  type IncidentRow,
  type Subjects,
} from '../db/incidents.js';
import type { SegmentRow } from '../db/segments.js';
import { sha256File } from '../native/hash.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { removeEmptyFolders } from '../native/governed-fs.js';
import { fileFacts } from '../native/recorder-fs.js';
import { raiseAlarm, conditionEnded } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { deleteIncidentMaterial, type MaterialDeletion } from './deletion/incident-material.js';
import { addHold, releaseHoldById } from './holds.js';
import { closureReason, copiesToDelete, discardPendingOnClose } from './package-state.js';
import { archiveDir } from './paths.js';
import { cutIntoArchive, planRuns, presentSegments, type Gap } from './archive-cut.js';

export { planRuns, type Gap } from './archive-cut.js';

export interface IncidentSpec {
  reason: string;
  justification: string;
  title: string;
  fromMs: number;
  toMs: number;
  cameras: readonly string[];
  reviewByMs?: number;
}

export interface ArchiveProgress {
  incident: string;
  clip: number;
  camera: string;
  clipIndex: number;
  clips: number;
  /** 0..1 over the whole incident. */
  fraction: number;
}

function validate(ctx: Ctx, spec: IncidentSpec): void {
  if (!INCIDENT_REASONS.includes(spec.reason as IncidentReason)) {
    throw failure('invalid_request', 'incident:errReason', { reasons: INCIDENT_REASONS.join(', '), reason: spec.reason });
  }
  const just = spec.justification.trim();
  if (just.length < 10) throw failure('invalid_request', 'incident:errJustification');
  if (spec.reason === 'other' && (just.length < 30 || just.split(/\s+/).length < 5)) {
    throw failure('invalid_request', 'incident:errOtherJustification');
  }
  if (spec.title.trim().length < 3) throw failure('invalid_request', 'incident:errTitle');
  if (!(spec.toMs > spec.fromMs)) throw failure('invalid_request', 'incident:errWindow');
  const maxH = ctx.settings().maxIncidentWindowHours;
  if (spec.toMs - spec.fromMs > maxH * 3_600_000) {
    throw failure('invalid_request', 'incident:errWindowTooLong', { hours: maxH });
  }
  if (spec.cameras.length === 0) throw failure('invalid_request', 'incident:errNoCameras');
  for (const c of spec.cameras) if (!getCamera(ctx.db, c)) throw failure('not_found', 'incident:errNoCamera', { camera: c });
  if (spec.reviewByMs !== undefined && spec.reviewByMs <= ctx.now()) throw failure('invalid_request', 'incident:errReviewPast');
}

export function createIncident(ctx: Ctx, spec: IncidentSpec): IncidentRow {
  validate(ctx, spec);
  const tz = ctx.settings().siteTimeZone;
  const withFootage = spec.cameras.filter((c) => presentSegments(ctx, c, spec.fromMs, spec.toMs).length > 0);
  if (withFootage.length === 0) {
    throw failure('invalid_request', 'incident:errNoRecordings', { cameras: cameraNames(ctx, spec.cameras), from: formatInstant(spec.fromMs, tz), to: formatInstant(spec.toMs, tz) });
  }
  const now = ctx.now();
  const year = Number(formatLocal(now, tz, 'yyyy'));
  const reviewBy = spec.reviewByMs ?? addCalendarDays(now, ctx.settings().incidentReviewDays, tz);
  return ctx.db.transaction(() => {
    const seq = nextIncidentSeq(ctx.db, year);
    const ref = `INC-${year}-${String(seq).padStart(4, '0')}`;
    // Held from the moment it exists: nothing can be overwritten while clips are copied.
    const hold = addHold(ctx, { cameras: spec.cameras, fromMs: spec.fromMs, toMs: spec.toMs, reason: `incident ${ref}`, source: 'incident', sourceRef: ref });
    const id = insertIncident(ctx.db, {
      ref,
      year,
      seq,
      title: spec.title.trim(),
      reason: spec.reason as IncidentReason,
      justification: spec.justification.trim(),
      fromMs: spec.fromMs,
      toMs: spec.toMs,
      reviewByMs: reviewBy,
      holdId: hold.id,
      gaps: '[]',
      createdMs: now,
      createdBy: ctx.actor.name,
      cameras: spec.cameras,
    });
    audit(ctx, 'incident.created', { incident: ref, reason: spec.reason, title: spec.title, fromMs: spec.fromMs, toMs: spec.toMs, cameras: spec.cameras, hold: hold.id, reviewByMs: reviewBy });
    return getIncident(ctx.db, id) as IncidentRow;
  }).immediate();
}

/** An incident status in words, for a sentence ("is handed over"). */
function statusMsg(status: string): Msg {
  return { key: `incident:status-${status}` };
}

/** Cameras by their name (the id where a camera has none), for a sentence. */
export function cameraNames(ctx: Ctx, ids: readonly string[]): string {
  return ids.map((id) => getCamera(ctx.db, id)?.name ?? id).join(', ');
}

export function findIncident(ctx: Ctx, ref: string): IncidentRow {
  const row = getIncidentByRef(ctx.db, ref.trim().toUpperCase());
  if (!row) throw failure('not_found', 'incident:errNoIncident', { ref });
  return row;
}

function clipFileName(camera: string, startMs: number, tz: string): string {
  return `${camera}_${formatLocal(startMs, tz, "yyyyMMdd'T'HHmmss")}.mp4`;
}

function subjectsOf(zone: Zone | undefined): Subjects {
  return zone && ZONES.includes(zone) ? zone : 'mixed';
}

/**
 * Copies the incident's footage into the archive; resumable: complete clips are kept, pending or
 * failed ones are made again. Throws (after recording the failure) if a clip cannot be made;
 * the hold stays until every clip is safe.
 */
export async function archiveIncident(ctx: Ctx, ref: string, onProgress?: (p: ArchiveProgress) => void): Promise<{ incident: IncidentRow; clips: ClipRow[]; gaps: Gap[] }> {
  let inc = findIncident(ctx, ref);
  if (inc.status !== 'open') {
    if (inc.status === 'archived') return { incident: inc, clips: clipsOf(ctx.db, inc.id), gaps: JSON.parse(inc.gaps) as Gap[] };
    throw failure('conflict', 'incident:errNothingToArchive', { ref: inc.ref, status: statusMsg(inc.status) });
  }
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const tools = resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
  const archive = archiveDir(ctx);
  const cameras = inc.cameras.split(',');
  const gaps: Gap[] = [];
  const plan: { clip: ClipRow; segs: SegmentRow[] }[] = [];
  ctx.db.transaction(() => {
    for (const cam of cameras) {
      const segs = presentSegments(ctx, cam, inc.from_ms, inc.to_ms);
      const { runs, gaps: g } = planRuns(segs, inc.from_ms, inc.to_ms, cam);
      gaps.push(...g);
      const subjects = subjectsOf(getCamera(ctx.db, cam)?.zone);
      runs.forEach((run, k) => {
        const first = segs[run[0] as number] as SegmentRow;
        const last = segs[run[run.length - 1] as number] as SegmentRow;
        const fromMs = Math.max(inc.from_ms, first.start_ms);
        const toMs = Math.min(inc.to_ms, last.end_ms);
        const relPath = [inc.ref, subjects, clipFileName(cam, fromMs, tz)].join('/');
        const clip = upsertPendingClip(ctx.db, { incidentId: inc.id, cameraId: cam, runIndex: k, subjects, relPath, fromMs, toMs, createdMs: ctx.now() });
        plan.push({ clip, segs: run.map((i) => segs[i] as SegmentRow) });
      });
    }
    setIncidentGaps(ctx.db, inc.id, JSON.stringify(gaps));
  })();

  const todo = plan.filter((p) => p.clip.status !== 'complete');
  let done = 0;
  for (const [index, { clip, segs }] of todo.entries()) {
    const out = path.join(archive, ...clip.rel_path.split('/'));
    const report = (f: number): void => onProgress?.({ incident: inc.ref, clip: clip.id, camera: clip.camera_id, clipIndex: index, clips: todo.length, fraction: (done + f) / todo.length });
    report(0);
    try {
      const { cut, sha256: sha, size, sources } = await cutIntoArchive(ctx, tools, segs, clip.from_ms, clip.to_ms, out, (f) => report(f * 0.95));
      ctx.db.transaction(() => {
        completeClip(ctx.db, clip.id, { startMs: cut.startMs, endMs: cut.endMs, sha256: sha, size, sourceHadAudio: cut.sourceHadAudio, atMs: ctx.now(), sources });
        audit(ctx, 'clip.archived', { incident: inc.ref, clip: clip.id, camera: clip.camera_id, path: clip.rel_path, sha256: sha, size, sources: sources.map((x) => ({ name: x.name, sha256: x.sha256 })) });
      })();
      if (cut.sourceHadAudio) {
        raiseAlarm(ctx, {
          kind: 'audio-present',
          key: `audio-present:${clip.camera_id}`,
          msg: { key: 'alarm:audioArchived', params: { camera: cameraNames(ctx, [clip.camera_id]), incident: inc.ref } },
          details: { camera: clip.camera_id, incident: inc.ref },
        });
      }
      done++;
      report(0);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // The clip's error is its English log form; faces read it back into words (common/i18n/words.ts).
      failClip(ctx.db, clip.id, message);
      audit(ctx, 'clip.failed', { incident: inc.ref, clip: clip.id, error: message });
      // The hold stays (nothing is lost), and a person hears of it.
      const error: MsgParam = e instanceof CustodianError && e.msg ? e.msg : message;
      raiseAlarm(ctx, { kind: 'archive-failed', key: `archive-failed:${inc.ref}`, msg: { key: 'deletion:alarmArchiveFailed', params: { incident: inc.ref, camera: cameraNames(ctx, [clip.camera_id]), error } }, details: { incident: inc.ref, clip: clip.id } });
      throw e instanceof CustodianError ? e : failure('internal', 'incident:errArchiveFailed', { ref: inc.ref, camera: clip.camera_id, error: message });
    }
  }

  // Every clip is written and hashed: the archive now carries the evidence.
  conditionEnded(ctx, `archive-failed:${ref}`);
  inc = findIncident(ctx, ref);
  ctx.db.transaction(() => {
    if (inc.hold_id !== null) {
      const h = getHold(ctx.db, inc.hold_id);
      if (h && h.released_ms === null) releaseHoldById(ctx, inc.hold_id, english({ key: 'incident:holdReleasedArchived', params: { ref: inc.ref } }));
    }
    setIncidentStatus(ctx.db, inc.id, 'archived');
    audit(ctx, 'incident.archived', { incident: inc.ref, clips: plan.length, gaps });
  })();
  inc = findIncident(ctx, ref);
  onProgress?.({ incident: inc.ref, clip: 0, camera: '', clipIndex: todo.length, clips: todo.length, fraction: 1 });
  return { incident: inc, clips: clipsOf(ctx.db, inc.id), gaps };
}

export function isOverdue(inc: IncidentRow, nowMs: number): boolean {
  return (inc.status === 'open' || inc.status === 'archived') && inc.review_by_ms < nowMs;
}

export function incidents(ctx: Ctx): IncidentRow[] {
  return listIncidents(ctx.db);
}

/** Overdue incidents raise an alarm for the DPO until extended or closed. */
export function flagOverdue(ctx: Ctx): IncidentRow[] {
  const now = ctx.now();
  const overdue: IncidentRow[] = [];
  for (const inc of listIncidents(ctx.db)) {
    const key = `incident-overdue:${inc.ref}`;
    if (isOverdue(inc, now)) {
      overdue.push(inc);
      const reviewBy = formatInstant(inc.review_by_ms, ctx.settings().siteTimeZone).slice(0, 10);
      raiseAlarm(ctx, { kind: 'incident-overdue', key, msg: { key: 'alarm:incidentOverdue', params: { ref: inc.ref, title: inc.title, reviewBy } }, details: { incident: inc.ref } });
    } else {
      conditionEnded(ctx, key);
    }
  }
  return overdue;
}

export function extendIncident(ctx: Ctx, ref: string, reviewByMs: number, reason: string): IncidentRow {
  const inc = findIncident(ctx, ref);
  if (inc.status !== 'open' && inc.status !== 'archived') throw failure('conflict', 'incident:errNotExtendable', { ref: inc.ref, status: statusMsg(inc.status) });
  if (reason.trim().length < 10) throw failure('invalid_request', 'incident:errExtendReason');
  if (reviewByMs <= ctx.now()) throw failure('invalid_request', 'incident:errNewReviewPast');
  ctx.db.transaction(() => {
    setIncidentReview(ctx.db, inc.id, reviewByMs);
    audit(ctx, 'incident.extended', { incident: inc.ref, fromMs: inc.review_by_ms, toMs: reviewByMs, reason: reason.trim() });
  })();
  flagOverdue(ctx);
  return findIncident(ctx, ref);
}

export type { MaterialDeletion } from './deletion/incident-material.js';

export async function closeIncident(ctx: Ctx, ref: string, reason: string): Promise<{ incident: IncidentRow; deletion: MaterialDeletion }> {
  const inc = findIncident(ctx, ref);
  if (inc.status === 'deleted') throw failure('conflict', 'incident:errAlreadyClosed', { ref: inc.ref });
  if (reason.trim().length < 10) throw failure('invalid_request', 'incident:errCloseReason');
  if (inc.hold_id !== null) {
    const h = getHold(ctx.db, inc.hold_id);
    if (h && h.released_ms === null) releaseHoldById(ctx, inc.hold_id, english({ key: 'incident:holdReleasedClosed', params: { ref: inc.ref, reason: reason.trim() } }));
  }
  // Closing ends every wait (packages still pending are discarded), and deletes the archive with
  // every package copy that must go (core/package-state.ts copiesToDelete).
  discardPendingOnClose(ctx, inc, reason.trim());
  const deletion = await deleteIncidentMaterial(ctx, inc, closureReason(ctx, inc, reason.trim()), null, copiesToDelete(ctx, inc));
  ctx.db.transaction(() => {
    if (deletion.failed.length === 0) {
      setIncidentStatus(ctx.db, inc.id, 'deleted');
      closeIncidentRow(ctx.db, inc.id, ctx.now(), reason.trim());
    }
    audit(ctx, 'incident.closed', { incident: inc.ref, reason: reason.trim(), deleted: deletion.deleted, failed: deletion.failed });
  })();
  if (deletion.failed.length > 0) {
    raiseAlarm(ctx, { kind: 'delete-failed', key: `incident-delete:${inc.ref}`, msg: { key: 'alarm:closeDeleteFailed', params: { count: deletion.failed.length, ref: inc.ref, reason: deletion.failed[0]?.reason ?? '' } }, details: { incident: inc.ref } });
  } else {
    conditionEnded(ctx, `incident-delete:${inc.ref}`);
  }
  flagOverdue(ctx);
  return { incident: findIncident(ctx, ref), deletion };
}

/** An officer corrects a clip's classification; the file moves to the matching folder. */
export function reclassifyClip(ctx: Ctx, clipId: number, subjects: string, reason: string): ClipRow {
  if (!ZONES.includes(subjects as Zone)) throw failure('invalid_request', 'incident:errSubjects', { subjects });
  if (reason.trim().length < 5) throw failure('invalid_request', 'incident:errReclassifyReason');
  const clip = getClip(ctx.db, clipId);
  if (!clip) throw failure('not_found', 'incident:errNoClip', { clip: clipId });
  if (clip.status !== 'complete') throw failure('conflict', 'incident:errClipNotComplete', { clip: clipId, status: { key: `incident:clip-${clip.status}` } });
  if (clip.subjects === subjects) return clip;
  const inc = getIncident(ctx.db, clip.incident_id) as IncidentRow;
  const archive = archiveDir(ctx);
  const parts = clip.rel_path.split('/');
  const newRel = [inc.ref, subjects, parts[parts.length - 1] as string].join('/');
  const from = path.join(archive, ...parts);
  const to = path.join(archive, ...newRel.split('/'));
  mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  renameSync(from, to);
  removeEmptyFolders(archive, parts.slice(0, -1));
  ctx.db.transaction(() => {
    setClipSubjects(ctx.db, clip.id, subjects as Subjects, newRel);
    audit(ctx, 'clip.reclassified', { incident: inc.ref, clip: clip.id, from: clip.subjects, to: subjects, reason: reason.trim(), path: newRel });
  })();
  return getClip(ctx.db, clipId) as ClipRow;
}

export interface ArchiveCheck {
  incident: string;
  clip: number;
  path: string;
  problem: 'missing' | 'changed';
}

/** Rehashes archived clips; any mismatch or missing file raises an alarm. */
export async function verifyArchive(ctx: Ctx, ref?: string): Promise<{ checked: number; problems: ArchiveCheck[] }> {
  const archive = archiveDir(ctx);
  const list = ref ? [findIncident(ctx, ref)] : listIncidents(ctx.db);
  const problems: ArchiveCheck[] = [];
  let checked = 0;
  for (const inc of list) {
    for (const clip of clipsOf(ctx.db, inc.id).filter((c) => c.status === 'complete')) {
      const abs = path.join(archive, ...clip.rel_path.split('/'));
      checked++;
      if (!fileFacts(abs)) problems.push({ incident: inc.ref, clip: clip.id, path: abs, problem: 'missing' });
      else if ((await sha256File(abs)) !== clip.sha256) problems.push({ incident: inc.ref, clip: clip.id, path: abs, problem: 'changed' });
    }
  }
  audit(ctx, 'archive.verified', { incident: ref ?? null, checked, problems: problems.length });
  if (problems.length > 0) {
    raiseAlarm(ctx, { kind: 'archive-mismatch', key: `archive-mismatch:${ref ?? 'all'}`, msg: { key: 'alarm:archiveMismatch', params: { count: problems.length, clips: problems.slice(0, 3).map((p) => p.path).join(', ') } }, details: { problems } });
  }
  return { checked, problems };
}

export function clipSourcesOf(ctx: Ctx, clipId: number) {
  return clipSources(ctx.db, clipId);
}

export function incidentHistory(ctx: Ctx, ref: string): { at: number; actor: string; action: string; details: unknown }[] {
  return auditForIncident(ctx.db, ref).map((r) => ({ at: r.ts_ms, actor: r.actor, action: r.action, details: JSON.parse(r.details) as unknown }));
}
