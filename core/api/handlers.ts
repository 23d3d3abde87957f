/**
 * The handler map: for each guarded operation of the contract, what core does. Each handler
 * receives a request already parsed by the contract's schema and a Ctx acting as the logged-in
 * user (so everything it writes to the audit log carries their name); the permission matrix has
 * been checked before it is called (core/api/api.ts). Handlers call the existing use cases and
 * shape their answers as the contract's view types.
 */
import { closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_ONLY_SETTINGS, type GuardedOperation, type ParsedRequestOf, type ResponseOf } from '../../common/api/contract.js';
import type { ApiEvent, CameraView, HoldView, IncidentSummaryView, Mask, SegmentsView, SessionView, StillView, TimelineWindowView } from '../../common/api/types.js';
import { CustodianError, failure, isCustodianError } from '../../common/errors.js';
import { allowedActions, may } from '../../common/permissions.js';
import { formatInstant, formatLocal, parseUserTime, retentionCutoff } from '../../common/time.js';
import { getCamera, type CameraRow } from '../../db/cameras.js';
import { listHolds, type HoldRow } from '../../db/holds.js';
import { listIncidents, type IncidentRow } from '../../db/incidents.js';
import { findPackage } from '../../db/packages.js';
import { segmentsForCamera } from '../../db/segments.js';
import { acknowledgeAlarm, alarmList } from '../alarms.js';
import { cameras, setCamera } from '../cameras.js';
import type { Ctx } from '../context.js';
import { exportPackage } from '../exports.js';
import { discardPackage, handoverLog, recordHandover } from '../handover.js';
import { dpoHandlers } from './dpo-handlers.js';
import { requestHandlers } from './request-handlers.js';
import { addHold, holds, releaseHoldById } from '../holds.js';
import { incidentDetail, incidentSummary, incidentVisibleTo, packageView } from '../incident-view.js';
import type { PackageUploads } from '../package-check.js';
import { archiveIncident, closeIncident, createIncident, extendIncident, findIncident, incidents, reclassifyClip } from '../incidents.js';
import { proposeLayout } from '../layout-detect.js';
import { sweep } from '../retention.js';
import { addRoot, assertAddable } from '../roots.js';
import { changeSetting } from '../settings.js';
import { status } from '../status.js';
import { addUser, changePassword, disableUser, listUsers, logout, setUserRole, unlockUser, type SessionUser } from '../users.js';
import { cameraFrame, thumbnailOf, type Still } from '../thumbnails.js';
import { openFootageFile, type FootageKind } from './footage.js';
import { alarmView } from '../alarms.js';

/** What a handler gets besides its request. */
export interface CallContext {
  /** The instance, acting as the logged-in user. */
  readonly ctx: Ctx;
  readonly user: SessionUser;
  /** The session's token (to end it at logout). */
  readonly token: string | undefined;
  /** Pushes an event to this user's open event streams (progress bars). */
  emit(event: ApiEvent): void;
  /** Records that this session views a piece of footage (audit-logged once per session). */
  noteViewing(kind: FootageKind, id: number, details: Record<string, unknown>): void;
  /** The URL a client uses to stream footage (browser mode: /media/…; the desktop app: its protocol). */
  mediaUrl(kind: FootageKind, id: number): string;
  /** Packages being uploaded to be verified ("Verify a package"). */
  readonly uploads: PackageUploads;
}

type Handler<Op extends GuardedOperation> = (call: CallContext, req: ParsedRequestOf<Op>) => ResponseOf<Op> | Promise<ResponseOf<Op>>;
export type HandlerMap = { readonly [Op in GuardedOperation]: Handler<Op> };

const MAX_RANGE_MS = 31 * 86_400_000;

function toMs(ctx: Ctx, value: number | string): number {
  return typeof value === 'number' ? value : parseUserTime(value, ctx.settings().siteTimeZone);
}

function cameraView(c: CameraRow): CameraView {
  return { id: c.id, name: c.name, zone: c.zone, classified: c.classified === 1, masks: JSON.parse(c.masks) as Mask[] };
}

export function holdView(ctx: Ctx, h: HoldRow): HoldView {
  const tz = ctx.settings().siteTimeZone;
  return {
    id: h.id,
    cameras: h.cameras ? h.cameras.split(',') : [],
    from: formatInstant(h.from_ms, tz),
    to: formatInstant(h.to_ms, tz),
    fromMs: h.from_ms,
    toMs: h.to_ms,
    reason: h.reason,
    source: h.source,
    sourceRef: h.source_ref,
    createdBy: h.created_by,
    created: formatInstant(h.created_ms, tz),
    released: h.released_ms === null ? null : formatInstant(h.released_ms, tz),
    releasedBy: h.released_by,
    releaseReason: h.release_reason,
  };
}


function stillView(s: Still): StillView {
  return { segment: s.segmentId, camera: s.camera, atMs: s.atMs, width: s.width, height: s.height, image: `data:${s.mime};base64,${s.bytes.toString('base64')}` };
}

/** A still is footage seen: audit-logged like a playback (once per session and recording and purpose). */
function noteStill(call: CallContext, s: Still, purpose: 'thumbnail' | 'mask-frame'): void {
  const tz = call.ctx.settings().siteTimeZone;
  call.noteViewing('segment', s.segmentId, { camera: s.camera, from: formatInstant(s.atMs, tz), to: formatInstant(s.atMs, tz), still: purpose });
}

/** HR sees only incidents handed over to HR, and of them only HR's share (see common/permissions.ts SCOPES). */
function visibleTo(call: CallContext, inc: IncidentRow): boolean {
  return incidentVisibleTo(call.ctx, inc, call.user);
}

function visibleIncident(call: CallContext, ref: string): IncidentRow {
  if (call.user.role !== 'hr') return findIncident(call.ctx, ref);
  // Whether an incident exists is itself not for HR to learn: one answer, byte for byte (the ref
  // asked for is not even echoed), for an incident not handed over to HR and for one that does
  // not exist.
  const notForHr = (): CustodianError => failure('not_found', 'server:noIncidentForHr');
  let inc: IncidentRow;
  try {
    inc = findIncident(call.ctx, ref);
  } catch (e) {
    if (isCustodianError(e) && e.code === 'not_found') throw notForHr();
    throw e;
  }
  if (!visibleTo(call, inc)) throw notForHr();
  return inc;
}

/**
 * The retention line for drawing, computed at most once a minute (the bisection behind it costs
 * about a millisecond, more than the segment query itself); it lags the exact line by under a minute.
 */
let cutoffMemo: { key: string; value: number } | null = null;
function retentionLine(ctx: Ctx): number {
  const s = ctx.settings();
  const minute = Math.floor(ctx.now() / 60_000) * 60_000;
  const key = `${minute}|${s.retentionMonths}|${s.siteTimeZone}`;
  if (cutoffMemo?.key !== key) cutoffMemo = { key, value: retentionCutoff(minute, s.retentionMonths, s.siteTimeZone) };
  return cutoffMemo.value;
}

/**
 * Incident windows and holds of one camera overlapping a range, released ones too: the timeline
 * draws what was kept and, after the release, that it was. An incident's own hold is drawn as
 * the incident; titles only for readers who may read incidents.
 */
function timelineWindows(ctx: Ctx, camera: string, fromMs: number, toMs: number, titles: boolean): TimelineWindowView[] {
  const out: TimelineWindowView[] = [];
  const holdsById = new Map(listHolds(ctx.db, true).map((h) => [h.id, h]));
  for (const inc of listIncidents(ctx.db)) {
    if (inc.from_ms >= toMs || inc.to_ms <= fromMs || !inc.cameras.split(',').includes(camera)) continue;
    const hold = inc.hold_id === null ? undefined : holdsById.get(inc.hold_id);
    out.push({ kind: 'incident', ref: inc.ref, fromMs: inc.from_ms, toMs: inc.to_ms, released: hold?.released_ms != null || inc.status === 'handed-over' || inc.status === 'deleted', title: titles ? inc.title : null });
  }
  for (const h of holdsById.values()) {
    if (h.source === 'incident' || h.from_ms >= toMs || h.to_ms <= fromMs || !h.cameras.split(',').includes(camera)) continue;
    out.push({ kind: 'hold', ref: String(h.id), fromMs: h.from_ms, toMs: h.to_ms, released: h.released_ms !== null, title: titles ? h.reason : null });
  }
  return out.sort((a, b) => a.fromMs - b.fromMs);
}

/** A folder named from the settings page that is not there is not_found (the command line says the same in its own words). */
function folderExists(dir: string): void {
  if (!existsSync(dir)) throw failure('not_found', 'layouts:noFolder', { folder: path.resolve(dir) });
}

function refusedBeforeLooking(ctx: Ctx, dir: string): void {
  try {
    assertAddable(ctx, dir);
  } catch (e) {
    // A store is shown as the proposal's verdict, with its sentence; every other refusal is the answer.
    if (isCustodianError(e) && e.code === 'refused_by_safety_rule' && e.msg?.key.startsWith('layouts:store.')) return;
    throw e;
  }
}

export function segmentsView(ctx: Ctx, camera: string, fromMs: number, toMs: number, limit = 20_000, titles = false): SegmentsView {
  if (!(toMs > fromMs)) throw failure('invalid_request', 'server:rangeInverted');
  if (toMs - fromMs > MAX_RANGE_MS) throw failure('invalid_request', 'server:rangeTooLong');
  if (!getCamera(ctx.db, camera)) throw failure('not_found', 'incident:errNoCamera', { camera });
  const s = ctx.settings();
  const rows = segmentsForCamera(ctx.db, camera, fromMs, toMs, s.maxSegmentMinutes * 60_000);
  const camHolds = listHolds(ctx.db, false).filter((h) => h.from_ms < toMs && h.to_ms > fromMs && h.cameras.split(',').includes(camera));
  const truncated = rows.length > limit;
  const segments = (truncated ? rows.slice(0, limit) : rows).map((r) => ({
    id: r.id,
    startMs: r.start_ms,
    endMs: r.end_ms,
    endSource: r.end_source,
    size: r.size,
    state: r.state,
    held: camHolds.some((h) => h.from_ms < r.end_ms && h.to_ms > r.start_ms),
    hasAudio: r.has_audio === null ? null : r.has_audio === 1,
    nameEndMs: r.name_end_ms,
    eventKind: r.event_kind,
    timeFrom: r.time_from,
  }));
  return {
    camera,
    fromMs,
    toMs,
    retentionCutoffMs: retentionLine(ctx),
    segments,
    holds: camHolds.map((h) => ({ id: h.id, fromMs: h.from_ms, toMs: h.to_ms, reason: h.reason, source: h.source, sourceRef: h.source_ref })),
    truncated,
    windows: timelineWindows(ctx, camera, fromMs, toMs, titles),
  };
}

export function sessionView(ctx: Ctx, user: Pick<SessionUser, 'name' | 'role'>): SessionView {
  return {
    user: { name: user.name, role: user.role },
    operations: allowedActions(user.role).filter((a) => a !== 'footage.view'),
    footage: may(user.role, 'footage.view'),
    idleMinutes: ctx.settings().sessionIdleMinutes,
  };
}

function summary(ctx: Ctx, inc: IncidentRow): IncidentSummaryView {
  return incidentSummary(ctx, inc);
}

function deletionCounts(d: { deleted: number; failed: { path: string; reason: string }[] } | null): { deleted: number; failed: { path: string; reason: string }[] } {
  return { deleted: d?.deleted ?? 0, failed: d?.failed ?? [] };
}

export const handlers: HandlerMap = {
  'auth.logout': (call) => {
    logout(call.ctx, call.token);
    return { loggedOut: true };
  },
  'session.me': (call) => sessionView(call.ctx, call.user),

  status: (call) => status(call.ctx),
  'cameras.list': (call) => ({ cameras: cameras(call.ctx).map(cameraView) }),
  'cameras.set': (call, req) =>
    cameraView(
      setCamera(call.ctx, req.id, {
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.zone !== undefined ? { zone: req.zone } : {}),
        ...(req.masks !== undefined ? { masks: req.masks } : {}),
      }),
    ),
  'segments.list': (call, req) => segmentsView(call.ctx, req.camera, toMs(call.ctx, req.from), toMs(call.ctx, req.to), req.limit, may(call.user.role, 'incidents.list')),
  'playback.url': (call, req) => {
    // Opened (and closed) now, so a URL is only given for footage that can really be streamed.
    const f = openFootageFile(call.ctx, req.kind, req.id);
    closeSync(f.fd);
    const tz = call.ctx.settings().siteTimeZone;
    call.noteViewing(req.kind, req.id, { camera: f.camera, from: formatInstant(f.startMs, tz), to: formatInstant(f.endMs, tz) });
    return { url: call.mediaUrl(req.kind, req.id), contentType: f.contentType, kind: req.kind, id: req.id, camera: f.camera, startMs: f.startMs, endMs: f.endMs, size: f.size };
  },

  'thumbnails.get': async (call, req) => {
    const still = await thumbnailOf(call.ctx, req.segment);
    noteStill(call, still, 'thumbnail');
    return stillView(still);
  },
  'cameras.frame': async (call, req) => {
    if (!getCamera(call.ctx.db, req.camera)) throw new CustodianError('not_found', `There is no camera "${req.camera}".`);
    const still = await cameraFrame(call.ctx, req.camera);
    noteStill(call, still, 'mask-frame');
    return stillView(still);
  },

  'holds.list': (call, req) => ({ holds: holds(call.ctx, req.all ?? false).map((h) => holdView(call.ctx, h)) }),
  'holds.add': (call, req) => holdView(call.ctx, addHold(call.ctx, { cameras: req.cameras, fromMs: toMs(call.ctx, req.from), toMs: toMs(call.ctx, req.to), reason: req.reason })),
  'holds.release': (call, req) => holdView(call.ctx, releaseHoldById(call.ctx, req.id, req.reason)),

  'incidents.list': (call) => ({
    incidents: incidents(call.ctx)
      .filter((i) => visibleTo(call, i))
      .map((i) => incidentSummary(call.ctx, i, call.user))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue)),
  }),
  'incidents.show': (call, req) => incidentDetail(call.ctx, visibleIncident(call, req.ref), call.user),
  'incidents.create': (call, req) =>
    summary(
      call.ctx,
      createIncident(call.ctx, {
        reason: req.reason,
        justification: req.justification,
        title: req.title,
        fromMs: toMs(call.ctx, req.from),
        toMs: toMs(call.ctx, req.to),
        cameras: req.cameras,
        ...(req.reviewBy !== undefined ? { reviewByMs: toMs(call.ctx, req.reviewBy) } : {}),
      }),
    ),
  'incidents.archive': async (call, req) => {
    const ref = findIncident(call.ctx, req.ref).ref;
    const r = await archiveIncident(call.ctx, ref, (p) =>
      call.emit({ type: 'progress', task: 'archive', ref, fraction: p.fraction, label: p.camera ? `${Math.min(p.clipIndex + 1, p.clips)}/${p.clips} ${p.camera}` : '' }),
    );
    return incidentDetail(call.ctx, r.incident);
  },
  'incidents.extend': (call, req) => summary(call.ctx, extendIncident(call.ctx, req.ref, toMs(call.ctx, req.reviewBy), req.reason)),
  'incidents.close': async (call, req) => {
    const r = await closeIncident(call.ctx, req.ref, req.reason);
    return { ...summary(call.ctx, r.incident), deleted: r.deletion.deleted, failed: r.deletion.failed };
  },
  'clips.reclassify': (call, req) => {
    const c = reclassifyClip(call.ctx, req.clip, req.subjects, req.reason);
    return { id: c.id, subjects: c.subjects, path: c.rel_path };
  },
  'exports.create': async (call, req) => {
    const inc = findIncident(call.ctx, req.ref);
    const tz = call.ctx.settings().siteTimeZone;
    // The folder is chosen here, never by the client: a package is written only inside the data folder.
    const outDir = path.join(call.ctx.dataDir, 'exports', `${inc.ref}-${req.audience}-${formatLocal(call.ctx.now(), tz, "yyyyMMdd'T'HHmmss")}`);
    const weights = { redact: [0, 0.5], copy: [0.5, 0.75], hash: [0.75, 0.9], sign: [0.9, 0.92], zip: [0.92, 1] } as const;
    return exportPackage(call.ctx, inc.ref, {
      audience: req.audience,
      outDir,
      zip: req.zip ?? false,
      onProgress: (p) => {
        const [a, b] = weights[p.phase];
        call.emit({ type: 'progress', task: 'export', ref: inc.ref, fraction: a + (b - a) * p.fraction, label: p.label, step: p.phase });
      },
    });
  },
  'handover.record': async (call, req) => {
    const pkg = findPackage(call.ctx.db, req.packageId);
    if (!pkg) throw failure('not_found', 'server:noPackage', { id: req.packageId });
    const r = await recordHandover(call.ctx, req.ref, {
      to: req.to,
      reference: req.reference,
      recipient: req.recipient,
      packageDir: pkg.dir,
      ...(req.method !== undefined ? { method: req.method } : {}),
      ...(req.note !== undefined ? { note: req.note } : {}),
    });
    const record = handoverLog(call.ctx, r.handover.handed_ms).find((h) => h.id === r.handover.id);
    if (!record) throw failure('internal', 'server:handoverUnread');
    return {
      incident: summary(call.ctx, r.incident),
      handover: record,
      pending: r.pending.map((p) => ({ packageId: p.package_id, audience: p.audience })),
      materialDeleted: r.deletion !== null,
      ...deletionCounts(r.deletion),
      receiptHtml: r.receiptHtml,
      receiptPdf: r.receiptPdf,
      retried: r.retried,
    };
  },
  'packages.discard': async (call, req) => {
    const r = await discardPackage(call.ctx, req.packageId, req.reason);
    return { incident: summary(call.ctx, r.incident), package: packageView(call.ctx, r.package), deleted: r.copy.deleted, failed: [...r.copy.failed, ...(r.deletion?.failed ?? [])], materialDeleted: r.deletion !== null };
  },
  'packages.verifyStart': (call, req) => call.uploads.start(call.user.sessionId, req.kind, req.name),
  'packages.verifyFinish': (call, req) => call.uploads.finish(call.user.sessionId, req.uploadId),

  'alarms.list': (call, req) => ({ alarms: alarmList(call.ctx, req.all ?? false).map((a) => alarmView(call.ctx, a)) }),
  'alarms.ack': (call, req) => alarmView(call.ctx, acknowledgeAlarm(call.ctx, req.id, req.note ?? null)),

  ...dpoHandlers,
  ...requestHandlers,

  'roots.propose': (call, req) => {
    folderExists(req.path);
    // Refused first (a link, a system folder, a registered root's storage): a store comes back as the proposal's verdict.
    refusedBeforeLooking(call.ctx, req.path);
    const s = call.ctx.settings();
    return proposeLayout({ dir: req.path, dataDir: call.ctx.dataDir, siteTimeZone: s.siteTimeZone, maxSegmentMinutes: s.maxSegmentMinutes });
  },
  'roots.add': (call, req) => {
    folderExists(req.path);
    const r = addRoot(call.ctx, { path: req.path, layout: req.layout, ...(req.layoutTimeZone ? { layoutTimeZone: req.layoutTimeZone } : {}) });
    return { id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz };
  },

  'settings.get': (call) => call.ctx.settings(),
  'settings.set': (call, req) => {
    if (LOCAL_ONLY_SETTINGS.includes(req.key)) {
      throw failure('forbidden', 'core:localSetting', { key: req.key });
    }
    return { key: req.key, value: changeSetting(call.ctx, req.key, req.value) };
  },

  'users.list': (call) => ({ users: listUsers(call.ctx) }),
  'users.add': (call, req) => addUser(call.ctx, req),
  'users.setRole': (call, req) => setUserRole(call.ctx, req.name, req.role),
  'users.disable': (call, req) => disableUser(call.ctx, req.name),
  'users.unlock': (call, req) => unlockUser(call.ctx, req.name).user,
  'users.setPassword': (call, req) => changePassword(call.ctx, req.name, req.password),

  'sweep.dryRun': (call) => {
    const r = sweep(call.ctx, { dryRun: true });
    const tz = call.ctx.settings().siteTimeZone;
    const iso = (ms: number): string => formatInstant(ms, tz);
    return {
      cutoff: iso(r.cutoffMs),
      due: r.due,
      held: r.held,
      refused: r.refused,
      nextDue: r.nextDueMs === null ? null : iso(r.nextDueMs),
      roots: r.roots.map((x) => ({ root: x.root, path: x.path, online: x.online, due: x.due, held: x.held, refused: x.refused })),
      wouldDelete: r.items.map((i) => ({ root: i.root, camera: i.camera, path: i.path, start: iso(i.startMs), end: iso(i.endMs), dueAt: iso(i.dueMs) })),
    };
  },
};
