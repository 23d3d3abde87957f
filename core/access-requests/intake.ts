/**
 * Intake of an access request (POLICY G1, GDPR art. 15; issue 14 "Intake", "Frozen at once",
 * "Clock"): the date the signed paper request was received, who asks and how to reach them, who
 * checked their identity and how (never an ID number: the kind of document is enough), the
 * times and places they give, and how to recognise them. The request gets its reference
 * DSR-YYYY-NNNN and, in the same transaction, a hold on every window it names (through
 * core/holds.ts addHold, so the same safety rules as for any hold), which the request's
 * workflow alone releases once it is answered or withdrawn, or the footage was not found.
 */
import { failure } from '../../common/errors.js';
import type { Msg } from '../../common/i18n/catalog.js';
import { formatInstant, formatLocal } from '../../common/time.js';
import { getCamera } from '../../db/cameras.js';
import {
  getRequest,
  getRequestByRef,
  insertRequest,
  insertRequestRecord,
  insertWindow,
  listRequests,
  nextRequestSeq,
  requestPackagesOf,
  setRequestExtension,
  setRequestPackageSuperseded,
  setRequestReady,
  windowsOf,
  type RequestRecordRow,
  type RequestLanguage,
  type RequestRow,
  type WindowRow,
} from '../../db/access-requests.js';
import { presentSegments } from '../archive-cut.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { addHold } from '../holds.js';
import { DUE_MONTHS, MAX_MONTHS, dueAfter, endOfDay, lastDay } from './clock.js';

export interface WindowSpec {
  readonly cameras: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RequestSpec {
  /** When the signed paper request arrived (a date or a date-time; its day counts). */
  readonly receivedMs: number;
  readonly name: string;
  readonly contact: string;
  readonly identityCheckedBy: string;
  /** How the identity was checked: the kind of document or check, never its number. */
  readonly identityMethod: string;
  /** How to recognise the requester in the footage (clothes, what they did). */
  readonly description: string;
  readonly language?: RequestLanguage | undefined;
  readonly windows: readonly WindowSpec[];
}

export interface IntakeResult {
  request: RequestRow;
  windows: WindowRow[];
  /** What the officer must know (a window with no recordings in it). */
  warnings: Msg[];
}

/**
 * Anything that looks like an identity number: a Swedish personnummer or samordningsnummer
 * (YYMMDD-NNNN, YYYYMMDDNNNN), or any run of eight or more digits. Contact details may hold a
 * phone number; the identity check and the description must not hold an ID number.
 */
const ID_NUMBER_RE = /(\d{6}|\d{8})\s*[-+]\s*\d{4}|\d{8,}/;

function checkText(field: string, value: string, min: number, max: number): string {
  const v = value.trim();
  if (v.length < min) throw failure('invalid_request', `requests:err.${field}`, { min });
  if (v.length > max) throw failure('invalid_request', 'requests:err.tooLong', { field, max });
  return v;
}

function noIdNumber(field: string, value: string): void {
  if (ID_NUMBER_RE.test(value)) throw failure('invalid_request', 'requests:err.idNumber', { field });
}

function checkWindow(ctx: Ctx, w: WindowSpec): void {
  if (w.cameras.length === 0) throw failure('invalid_request', 'requests:err.windowNoCamera');
  if (!(w.toMs > w.fromMs)) throw failure('invalid_request', 'requests:err.windowOrder');
  const maxH = ctx.settings().maxIncidentWindowHours;
  if (w.toMs - w.fromMs > maxH * 3_600_000) throw failure('invalid_request', 'requests:err.windowLong', { hours: maxH });
  for (const c of w.cameras) if (!getCamera(ctx.db, c)) throw failure('not_found', 'requests:err.noCamera', { camera: c });
}

/** A window in which none of its cameras has a recording on disk: said, not refused. */
function emptyWindowWarning(ctx: Ctx, w: WindowSpec): Msg | null {
  if (w.cameras.some((c) => presentSegments(ctx, c, w.fromMs, w.toMs).length > 0)) return null;
  const tz = ctx.settings().siteTimeZone;
  return { key: 'requests:warn.windowEmpty', params: { cameras: w.cameras.join(', '), from: formatLocal(w.fromMs, tz, 'yyyy-MM-dd HH:mm'), to: formatLocal(w.toMs, tz, 'yyyy-MM-dd HH:mm') } };
}

function holdWindow(ctx: Ctx, r: RequestRow, w: WindowSpec): number {
  const hold = addHold(ctx, { cameras: w.cameras, fromMs: w.fromMs, toMs: w.toMs, reason: `access request ${r.ref}`, source: 'access-request', sourceRef: r.ref });
  return insertWindow(ctx.db, { requestId: r.id, fromMs: w.fromMs, toMs: w.toMs, holdId: hold.id, createdMs: ctx.now(), cameras: w.cameras });
}

export function createRequest(ctx: Ctx, spec: RequestSpec): IntakeResult {
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  if (!Number.isFinite(spec.receivedMs) || spec.receivedMs > now) throw failure('invalid_request', 'requests:err.receivedFuture');
  const name = checkText('name', spec.name, 2, 200);
  const contact = checkText('contact', spec.contact, 3, 500);
  const checkedBy = checkText('identityCheckedBy', spec.identityCheckedBy, 2, 200);
  const method = checkText('identityMethod', spec.identityMethod, 3, 500);
  const description = checkText('description', spec.description, 10, 4000);
  noIdNumber('identityMethod', method);
  noIdNumber('description', description);
  noIdNumber('name', name);
  const language = spec.language ?? 'sv';
  if (language !== 'sv' && language !== 'en') throw failure('invalid_request', 'requests:err.language', { language: String(language) });
  if (spec.windows.length === 0) throw failure('invalid_request', 'requests:err.noWindow');
  for (const w of spec.windows) checkWindow(ctx, w);
  const warnings = spec.windows.map((w) => emptyWindowWarning(ctx, w)).filter((m): m is Msg => m !== null);
  const dueMs = dueAfter(spec.receivedMs, DUE_MONTHS, tz);
  const year = Number(formatLocal(spec.receivedMs, tz, 'yyyy'));
  const request = ctx.db
    .transaction(() => {
      const seq = nextRequestSeq(ctx.db, year);
      const ref = `DSR-${year}-${String(seq).padStart(4, '0')}`;
      const id = insertRequest(ctx.db, {
        ref,
        year,
        seq,
        received_ms: spec.receivedMs,
        requester_name: name,
        requester_contact: contact,
        identity_checked_by: checkedBy,
        identity_method: method,
        description,
        language,
        due_ms: dueMs,
        created_ms: now,
        created_by: ctx.actor.name,
      });
      const row = getRequest(ctx.db, id) as RequestRow;
      // Frozen at once: a hold per window, in this transaction.
      const holds = spec.windows.map((w) => holdWindow(ctx, row, w));
      audit(ctx, 'request.received', {
        request: ref,
        receivedMs: spec.receivedMs,
        dueMs,
        language,
        windows: spec.windows.map((w) => ({ cameras: w.cameras, fromMs: w.fromMs, toMs: w.toMs })),
        windowRows: holds,
        identityCheckedBy: checkedBy,
      });
      recordRequest(ctx, ref, 'received');
      return row;
    })
    .immediate();
  if (dueMs <= now) warnings.push({ key: 'requests:warn.alreadyOverdue', params: { ref: request.ref, due: lastDay(dueMs, tz) } });
  return { request, windows: windowsOf(ctx.db, request.id), warnings };
}

/**
 * A chained snapshot of the request's deadline facts after a change, in the caller's
 * transaction (request_records; the ledger covers them like deletion and handover records).
 */
export function recordRequest(ctx: Ctx, ref: string, event: RequestRecordRow['event']): void {
  const r = getRequestByRef(ctx.db, ref);
  if (r) insertRequestRecord(ctx.db, r, event, ctx.now(), ctx.actor.name);
}

export function findRequest(ctx: Ctx, ref: string): RequestRow {
  const row = getRequestByRef(ctx.db, ref.trim().toUpperCase());
  if (!row) throw failure('not_found', 'requests:err.noSuchRequest', { ref: ref.trim() });
  return row;
}

export function requests(ctx: Ctx): RequestRow[] {
  return listRequests(ctx.db);
}

/** A request that still waits for its answer (reviewed, masked or answered but not yet delivered). */
export function isOpen(r: Pick<RequestRow, 'status'>): boolean {
  return r.status === 'open' || r.status === 'ready';
}

export function requireOpen(r: RequestRow): void {
  if (!isOpen(r)) throw failure('conflict', 'requests:err.closed', { ref: r.ref, status: r.status });
}

/**
 * A change to what the answer holds (a mark, masks, a window) after the answer was prepared:
 * the prepared package no longer says what was reviewed, so it is set aside (deleted with the
 * next answer, or when the request closes) and the request is open again.
 */
export function reopenIfReady(ctx: Ctx, r: RequestRow, what: string): void {
  if (r.status !== 'ready') return;
  ctx.db.transaction(() => {
    for (const p of requestPackagesOf(ctx.db, r.id)) setRequestPackageSuperseded(ctx.db, p.id, ctx.now());
    setRequestReady(ctx.db, r.id, null);
    audit(ctx, 'request.reopened', { request: r.ref, because: what });
    recordRequest(ctx, r.ref, 'reopened');
  })();
}

/** Another window the requester named later (or the review found they were elsewhere too): held at once. */
export function addWindow(ctx: Ctx, ref: string, w: WindowSpec): IntakeResult {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  if (r.outcome === 'not-found') throw failure('conflict', 'requests:err.alreadyNotFound', { ref: r.ref });
  checkWindow(ctx, w);
  reopenIfReady(ctx, r, 'window added');
  const warning = emptyWindowWarning(ctx, w);
  ctx.db
    .transaction(() => {
      const id = holdWindow(ctx, r, w);
      audit(ctx, 'request.window-added', { request: r.ref, window: id, cameras: w.cameras, fromMs: w.fromMs, toMs: w.toMs });
    })
    .immediate();
  return { request: findRequest(ctx, r.ref), windows: windowsOf(ctx.db, r.id), warnings: warning ? [warning] : [] };
}

export interface ExtensionSpec {
  readonly reason: string;
  /** When the requester was told of the extension and why. */
  readonly toldMs: number;
  /** The new last day (its end is the deadline); default three months after receipt. */
  readonly untilMs?: number | undefined;
}

/**
 * The one extension GDPR art. 12(3) allows: by at most two further months, with a reason and
 * the date the requester was told, and only before the first deadline passed.
 */
export function extendRequest(ctx: Ctx, ref: string, spec: ExtensionSpec): RequestRow {
  const r = findRequest(ctx, ref);
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  requireOpen(r);
  if (r.extended_ms !== null) throw failure('conflict', 'requests:err.extendedTwice', { ref: r.ref, due: lastDay(r.extended_due_ms ?? r.due_ms, tz) });
  if (now >= r.due_ms) throw failure('conflict', 'requests:err.extendAfterDeadline', { ref: r.ref, due: lastDay(r.due_ms, tz) });
  const reason = checkText('extensionReason', spec.reason, 10, 2000);
  noIdNumber('extensionReason', reason);
  if (!Number.isFinite(spec.toldMs) || spec.toldMs > now || spec.toldMs < r.received_ms - 86_400_000) {
    throw failure('invalid_request', 'requests:err.toldWhen', { received: formatLocal(r.received_ms, tz, 'yyyy-MM-dd') });
  }
  const max = dueAfter(r.received_ms, MAX_MONTHS, tz);
  const dueMs = spec.untilMs === undefined ? max : endOfDay(spec.untilMs, tz);
  if (dueMs <= r.due_ms || dueMs > max) throw failure('invalid_request', 'requests:err.extendUntil', { due: lastDay(r.due_ms, tz), max: lastDay(max, tz) });
  ctx.db
    .transaction(() => {
      setRequestExtension(ctx.db, r.id, { dueMs, reason, toldMs: spec.toldMs, atMs: now, by: ctx.actor.name });
      recordRequest(ctx, r.ref, 'extended');
      audit(ctx, 'request.extended', { request: r.ref, fromMs: r.due_ms, toMs: dueMs, reason, toldMs: spec.toldMs, told: formatInstant(spec.toldMs, tz) });
    })
    .immediate();
  return findRequest(ctx, r.ref);
}
