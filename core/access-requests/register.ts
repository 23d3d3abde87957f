/**
 * The access requests as people and the DPO read them (issue 14 "The DPO's register"): every
 * request with received, due, extended, answered, days taken, outcome; the views the API
 * answers; the alarms for requests due within seven days and overdue (not blocking: deletion
 * goes on); and the pruning of a request's own record once it has been kept for its stated
 * period (POLICY G2, setting requestRecordRetentionMonths).
 */
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import type { RequestClipView, RequestDetailView, RequestMasksSummary, RequestPackageView, RequestRegisterRow, RequestSummaryView, RequestWindowView } from '../../common/api/requests.js';
import { english, type Msg } from '../../common/i18n/catalog.js';
import { formatInstant, formatLocal } from '../../common/time.js';
import { auditForRequest } from '../../db/audit.js';
import { getCamera } from '../../db/cameras.js';
import { getHold } from '../../db/holds.js';
import { fileSources, filesOf, listRequests, pruneRequestRows, requestsClosedBefore, windowsOf, type RequestFileRow, type RequestPackageRow, type RequestRow } from '../../db/access-requests.js';
import { conditionEnded, raiseAlarm } from '../alarms.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { currentPackage } from './answer.js';
import { clockState, daysBetween, effectiveDue, lastDay } from './clock.js';
import { isOpen } from './intake.js';
import { maskState } from './masking.js';

function closedMs(r: RequestRow): number | null {
  return r.delivered_ms ?? r.withdrawn_ms;
}

export function requestSummary(ctx: Ctx, r: RequestRow): RequestSummaryView {
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  const due = effectiveDue(r);
  const end = closedMs(r);
  return {
    ref: r.ref,
    status: r.status,
    outcome: r.outcome,
    clock: clockState(r, now, tz),
    requester: r.requester_name,
    received: formatLocal(r.received_ms, tz, 'yyyy-MM-dd'),
    receivedMs: r.received_ms,
    due: lastDay(due, tz),
    dueMs: due,
    firstDue: lastDay(r.due_ms, tz),
    extended:
      r.extended_ms === null || r.extended_due_ms === null
        ? null
        : { until: lastDay(r.extended_due_ms, tz), reason: r.extension_reason ?? '', told: formatLocal(r.extension_told_ms ?? r.extended_ms, tz, 'yyyy-MM-dd'), at: formatInstant(r.extended_ms, tz), by: r.extended_by ?? '' },
    answered: r.delivered_ms === null ? null : formatInstant(r.delivered_ms, tz),
    daysTaken: daysBetween(r.received_ms, end ?? now, tz),
    daysLeft: isOpen(r) ? daysBetween(now, due - 1, tz) : null,
  };
}

function masksSummary(ctx: Ctx, r: RequestRow, clip: RequestFileRow): { masks: RequestMasksSummary | null; masked: RequestClipView['masked'] } {
  const tz = ctx.settings().siteTimeZone;
  const st = maskState(ctx, r, clip);
  const masks: RequestMasksSummary | null =
    st.set === null || st.origin === null || st.updated === null
      ? null
      : { tracks: st.set.tracks.length, kept: [...st.set.keep], origin: st.origin, updated: formatInstant(st.updated.atMs, tz), updatedBy: st.updated.by, proposal: st.proposal ? { summary: st.proposal.summary, warnings: st.proposal.warnings } : null };
  // The latest masked copy made of the clip (on disk, or deleted after delivery), for the view.
  const latest = st.masked ?? filesOf(ctx.db, r.id).filter((f) => f.kind === 'masked' && f.derived_from === clip.id && f.superseded_ms === null).pop() ?? null;
  return {
    masks,
    masked: latest === null ? null : { id: latest.id, sha256: latest.sha256, size: latest.size, made: latest.completed_ms === null ? null : formatInstant(latest.completed_ms, tz), status: latest.status, current: st.current },
  };
}

export function clipView(ctx: Ctx, r: RequestRow, f: RequestFileRow): RequestClipView {
  const tz = ctx.settings().siteTimeZone;
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  const camera = f.camera_id ?? '';
  return {
    id: f.id,
    camera,
    cameraName: getCamera(ctx.db, camera)?.name ?? camera,
    from: iso(f.from_ms),
    to: iso(f.to_ms),
    start: iso(f.start_ms),
    end: iso(f.end_ms),
    startMs: f.start_ms,
    endMs: f.end_ms,
    status: f.status,
    error: f.error,
    sha256: f.sha256,
    size: f.size,
    sourceHadAudio: f.source_had_audio === 1,
    sources: fileSources(ctx.db, f.id).map((s) => ({ name: s.name, sha256: s.sha256 })),
    ...masksSummary(ctx, r, f),
  };
}

function packageView(ctx: Ctx, p: RequestPackageRow): RequestPackageView {
  const tz = ctx.settings().siteTimeZone;
  return {
    packageId: p.package_id,
    dir: p.dir,
    zip: p.zip_path !== null,
    location: p.location,
    manifestSha256: p.manifest_sha256,
    fingerprint: p.key_fingerprint,
    clips: p.files,
    created: formatInstant(p.created_ms, tz),
    superseded: p.superseded_ms === null ? null : formatInstant(p.superseded_ms, tz),
    deleted: p.deleted_ms === null ? null : formatInstant(p.deleted_ms, tz),
  };
}

export function windowView(ctx: Ctx, w: ReturnType<typeof windowsOf>[number]): RequestWindowView {
  const tz = ctx.settings().siteTimeZone;
  const h = w.hold_id === null ? undefined : getHold(ctx.db, w.hold_id);
  return {
    id: w.id,
    cameras: w.cameras ? w.cameras.split(',') : [],
    from: formatInstant(w.from_ms, tz),
    to: formatInstant(w.to_ms, tz),
    fromMs: w.from_ms,
    toMs: w.to_ms,
    hold: h ? { id: h.id, released: h.released_ms === null ? null : formatInstant(h.released_ms, tz), releaseReason: h.release_reason } : null,
  };
}

export function requestDetail(ctx: Ctx, r: RequestRow): RequestDetailView {
  const tz = ctx.settings().siteTimeZone;
  const iso = (ms: number): string => formatInstant(ms, tz);
  const pkg = currentPackage(ctx, r);
  return {
    ...requestSummary(ctx, r),
    contact: r.requester_contact,
    identityCheckedBy: r.identity_checked_by,
    identityMethod: r.identity_method,
    description: r.description,
    language: r.language,
    outcomeNote: r.outcome_note,
    windows: windowsOf(ctx.db, r.id).map((w) => windowView(ctx, w)),
    // Clips that were taken back or failed are shown too: the story of the review.
    clips: filesOf(ctx.db, r.id)
      .filter((f) => f.kind === 'clip')
      .map((f) => clipView(ctx, r, f)),
    package: pkg ? packageView(ctx, pkg) : null,
    ready: r.ready_ms === null ? null : iso(r.ready_ms),
    delivery: r.delivered_ms === null ? null : { at: iso(r.delivered_ms), method: r.delivery_method ?? '', by: r.delivered_by ?? '', note: r.delivery_note },
    withdrawn: r.withdrawn_ms === null ? null : { at: iso(r.withdrawn_ms), by: r.withdrawn_by ?? '', reason: r.withdrawn_reason ?? '' },
    materialDeleted: r.material_deleted_ms === null ? null : iso(r.material_deleted_ms),
    created: iso(r.created_ms),
    createdBy: r.created_by,
    history: auditForRequest(ctx.db, r.ref).map((e) => ({ at: iso(e.ts_ms), actor: e.actor, action: e.action })),
  };
}

/** The register's row of a request: the facts the DPO answers for, from the record. */
export function registerRow(ctx: Ctx, r: RequestRow): RequestRegisterRow {
  const s = requestSummary(ctx, r);
  return {
    ref: r.ref,
    received: s.received,
    due: s.due,
    firstDue: s.firstDue,
    extended: r.extended_ms !== null,
    extendedUntil: s.extended?.until ?? null,
    extensionReason: r.extension_reason,
    answered: s.answered,
    daysTaken: s.daysTaken,
    outcome: r.status === 'withdrawn' ? 'withdrawn' : r.outcome,
    status: r.status,
    inTime: s.clock === 'answered-in-time' ? true : s.clock === 'answered-late' ? false : null,
    overdue: s.clock === 'overdue',
  };
}

export function register(ctx: Ctx): RequestRegisterRow[] {
  return listRequests(ctx.db).map((r) => registerRow(ctx, r));
}

export const REGISTER_COLUMNS: readonly (keyof RequestRegisterRow & string)[] = ['ref', 'received', 'due', 'firstDue', 'extended', 'extendedUntil', 'extensionReason', 'answered', 'daysTaken', 'outcome', 'status', 'inTime', 'overdue'];

/**
 * Alarms for the officer and the DPO: a request due within seven days, and one overdue. They
 * end when the request is answered or withdrawn (or, for "due soon", once it is overdue).
 */
export function flagRequests(ctx: Ctx): { dueSoon: string[]; overdue: string[] } {
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  const out = { dueSoon: [] as string[], overdue: [] as string[] };
  for (const r of listRequests(ctx.db)) {
    const state = clockState(r, now, tz);
    const soonKey = `request-due-soon:${r.ref}`;
    const overKey = `request-overdue:${r.ref}`;
    const params = { ref: r.ref, due: lastDay(effectiveDue(r), tz), days: daysBetween(now, effectiveDue(r) - 1, tz) };
    if (state === 'due-soon') {
      out.dueSoon.push(r.ref);
      const msg: Msg = { key: 'requests:alarm.dueSoon', params };
      raiseAlarm(ctx, { kind: 'request-due-soon', key: soonKey, message: english(msg), details: { request: r.ref, msg } });
    } else conditionEnded(ctx, soonKey);
    if (state === 'overdue') {
      out.overdue.push(r.ref);
      const msg: Msg = { key: 'requests:alarm.overdue', params };
      raiseAlarm(ctx, { kind: 'request-overdue', key: overKey, message: english(msg), details: { request: r.ref, msg } });
    } else conditionEnded(ctx, overKey);
  }
  return out;
}

/**
 * A request's own record goes once it has been kept for `requestRecordRetentionMonths` after it
 * was answered or withdrawn, like the other logs (POLICY G2). Only a request whose material is
 * all gone is pruned (a deletion that could not finish keeps the record that explains it). The
 * audit log keeps the events, which name the reference, not the requester.
 */
export function pruneRequests(ctx: Ctx): string[] {
  const s = ctx.settings();
  const before = addMonths(new TZDate(ctx.now(), s.siteTimeZone), -s.requestRecordRetentionMonths).getTime();
  const pruned: string[] = [];
  for (const r of requestsClosedBefore(ctx.db, before)) {
    if (r.material_deleted_ms === null || filesOf(ctx.db, r.id).some((f) => f.status === 'complete')) continue;
    ctx.db
      .transaction(() => {
        pruneRequestRows(ctx.db, r.id, before);
        audit(ctx, 'request.pruned', { request: r.ref, closedMs: closedMs(r), beforeMs: before, requestRecordRetentionMonths: s.requestRecordRetentionMonths });
      })
      .immediate();
    pruned.push(r.ref);
  }
  return pruned;
}

/** What the service does for access requests on each round: alarms, and pruning old records. */
export function requestUpkeep(ctx: Ctx, log: (line: string) => void): void {
  const f = flagRequests(ctx);
  if (f.overdue.length > 0) log(`${f.overdue.length} access request(s) overdue: ${f.overdue.join(', ')}`);
  const pruned = pruneRequests(ctx);
  if (pruned.length > 0) log(`pruned the record of ${pruned.length} access request(s) past requestRecordRetentionMonths: ${pruned.join(', ')}`);
}
