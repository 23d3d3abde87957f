/**
 * The logs the DPO reads (POLICY P6, G3), the same for the UI, the command line and downloads:
 *  - the deletion log: what went, when it was due, when it went and how late, why; it names no
 *    person. Filtered by period, reason, kind, camera and root; paged by keyset (deletion time,
 *    id), never by OFFSET (the log holds millions of rows); totals for the whole filter.
 *  - the handover log with what each package held (core/report/package-contents.ts) and whether
 *    its receipt can be fetched.
 *  - who viewed which footage when: the audit events `footage.viewed` (written once per session
 *    and piece of footage by the API, core/api/api.ts).
 * CSV is written so that no cell can be read as a formula by a spreadsheet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  DeletionLogEntryView,
  DeletionLogPageView,
  DeletionTotalsView,
  FootageViewEntry,
  FootageViewsPageView,
  HandoverLogEntryView,
  LogDownloadView,
  ReasonClass,
  ReceiptView,
} from '../common/api/report.js';
import { REASON_CLASSES } from '../common/api/report.js';
import type { DeletionRecordView, HandoverRecordView } from '../common/api/types.js';
import { failure } from '../common/errors.js';
import { formatInstant, formatLocal } from '../common/time.js';
import { countAudit, pageAudit, type AuditFilter, type AuditRow } from '../db/audit.js';
import { deletionTotals, iterateDeletionLog, pageDeletions, type DeletionCursor, type DeletionFilter, type DeletionLogRow, type DeletionRow } from '../db/deletions.js';
import { getHandover, listHandovers } from '../db/handovers.js';
import { findPackage } from '../db/packages.js';
import type { Ctx } from './context.js';
import { handoverLog } from './handover.js';
import { exists, isInside } from './report/disk.js';
import { HoldHistory, latenessOf } from './report/lateness.js';
import { contentsView, noContents, packageContents } from './report/package-contents.js';

/** The shape the API contract names (common/api/types.ts). */
export type DeletionRecord = DeletionRecordView;

export function deletionRecord(d: DeletionRow, tz: string): DeletionRecord {
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  return {
    id: d.id,
    kind: d.kind,
    root: d.root_id,
    camera: d.camera_id,
    path: d.path,
    recordedFrom: iso(d.from_ms),
    recordedTo: iso(d.to_ms),
    size: d.size,
    sha256: d.sha256,
    due: iso(d.due_ms),
    deleted: iso(d.deleted_ms),
    outcome: d.outcome,
    sweep: d.sweep_id,
    handover: d.handover_id,
    incident: d.incident_ref,
    reason: d.reason,
  };
}

// ---- The deletion log with lateness ----

/** Turns log rows into entries: due time after holds, lateness, first index. */
class DeletionEntries {
  private readonly holds: HoldHistory;
  private readonly tz: string;
  private readonly intervalMs: number;
  private readonly months: number;
  constructor(ctx: Ctx) {
    const s = ctx.settings();
    this.holds = new HoldHistory(ctx.db);
    this.tz = s.siteTimeZone;
    this.intervalMs = s.sweepIntervalMinutes * 60_000;
    this.months = s.retentionMonths;
  }

  entry(d: DeletionLogRow): DeletionLogEntryView {
    const l = latenessOf(this.holds, d, this.intervalMs, this.months, this.tz);
    return {
      ...deletionRecord(d, this.tz),
      // The due time shown is the recording's own (a hold's release is shown beside it).
      reasonClass: d.reason_class,
      heldUntil: l?.heldUntil == null ? null : formatInstant(l.heldUntil, this.tz),
      latenessMs: l ? l.latenessMs : null,
      late: l?.late ?? false,
      overdueAtIndex: d.overdue_indexed_ms === null ? null : formatInstant(d.overdue_indexed_ms, this.tz),
      note: d.note,
    };
  }
}

export interface DeletionQuery extends DeletionFilter {
  /** Only deletions that went later than due plus one sweep interval (after holds). */
  lateOnly?: boolean;
}

function sqlFilter(ctx: Ctx, q: DeletionQuery): DeletionFilter {
  const { lateOnly, ...f } = q;
  // Late after holds implies late before them: the SQL narrows, the entry decides.
  return lateOnly ? { ...f, kind: 'segment', lateByMs: ctx.settings().sweepIntervalMinutes * 60_000 } : f;
}

/** One page of the deletion log after `after`, and, when asked, totals for the whole filter. */
export function deletionLogPage(ctx: Ctx, q: DeletionQuery, after: DeletionCursor | null, limit: number, withTotals: boolean): DeletionLogPageView {
  const entries = new DeletionEntries(ctx);
  const f = sqlFilter(ctx, q);
  const out: DeletionLogEntryView[] = [];
  let cursor = after;
  let next: DeletionCursor | null = null;
  // A late-only page reads on until it has `limit` late rows (a held one is not late).
  for (;;) {
    const rows = pageDeletions(ctx.db, f, cursor, limit);
    for (const d of rows) {
      const e = entries.entry(d);
      if (!q.lateOnly || e.late) out.push(e);
      cursor = { at: d.deleted_ms as number, id: d.id };
      if (out.length === limit) break;
    }
    if (out.length === limit) {
      next = cursor;
      break;
    }
    if (rows.length < limit) break;
  }
  return { deletions: out, next, totals: withTotals ? deletionLogTotals(ctx, q) : null };
}

/** Every entry of the filter, in deletion order (for the command line and downloads). */
export function* deletionLogEntries(ctx: Ctx, q: DeletionQuery): Generator<DeletionLogEntryView> {
  const entries = new DeletionEntries(ctx);
  for (const d of iterateDeletionLog(ctx.db, sqlFilter(ctx, q))) {
    const e = entries.entry(d);
    if (!q.lateOnly || e.late) yield e;
  }
}

export function deletionLogTotals(ctx: Ctx, q: DeletionQuery): DeletionTotalsView {
  const byReason = Object.fromEntries(REASON_CLASSES.map((r) => [r, 0])) as Record<ReasonClass, number>;
  const t: DeletionTotalsView = { count: 0, bytes: 0, deleted: 0, alreadyGone: 0, late: 0, worstLatenessMs: null, byReason };
  // Lateness needs holds, so the late ones are counted from their rows; only rows late before
  // holds are read (the SQL narrows to them).
  const entries = new DeletionEntries(ctx);
  const lateFilter = { ...sqlFilter(ctx, { ...q, lateOnly: false }), lateByMs: ctx.settings().sweepIntervalMinutes * 60_000 };
  if (!q.lateOnly) {
    for (const r of deletionTotals(ctx.db, sqlFilter(ctx, q))) {
      t.count += r.n;
      t.bytes += r.bytes ?? 0;
      if (r.outcome === 'deleted') t.deleted += r.n;
      else t.alreadyGone += r.n;
      t.byReason[r.reason_class] += r.n;
    }
  }
  for (const d of iterateDeletionLog(ctx.db, lateFilter)) {
    const e = entries.entry(d);
    if (!e.late) continue;
    t.late++;
    t.worstLatenessMs = Math.max(t.worstLatenessMs ?? 0, e.latenessMs ?? 0);
    if (q.lateOnly) {
      t.count++;
      t.bytes += d.size ?? 0;
      if (d.outcome === 'deleted') t.deleted++;
      else t.alreadyGone++;
      t.byReason[d.reason_class]++;
    }
  }
  return t;
}

export const DELETION_LOG_COLUMNS: readonly (keyof DeletionLogEntryView & string)[] = [
  'id', 'kind', 'root', 'camera', 'path', 'recordedFrom', 'recordedTo', 'size', 'sha256', 'due', 'heldUntil', 'deleted', 'latenessMs', 'late', 'overdueAtIndex', 'outcome', 'reasonClass', 'reason', 'incident', 'handover', 'sweep', 'note',
];

// ---- Who viewed which footage ----

export const FOOTAGE_VIEWED = 'footage.viewed';

export interface ViewQuery {
  fromMs?: number;
  toMs?: number;
  user?: string;
  camera?: string;
}

function viewFilter(q: ViewQuery): AuditFilter {
  return {
    action: FOOTAGE_VIEWED,
    ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}),
    ...(q.toMs !== undefined ? { toMs: q.toMs } : {}),
    ...(q.user !== undefined ? { actor: q.user } : {}),
    ...(q.camera !== undefined ? { detail: { field: 'camera', value: q.camera } } : {}),
  };
}

function viewEntry(a: AuditRow, tz: string): FootageViewEntry {
  const d = JSON.parse(a.details) as { segment?: unknown; clip?: unknown; camera?: unknown; from?: unknown; to?: unknown; session?: unknown };
  const kind = typeof d.clip === 'number' ? 'clip' : 'segment';
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id: a.id,
    at: formatInstant(a.ts_ms, tz),
    user: a.actor,
    kind,
    footage: typeof d[kind] === 'number' ? (d[kind] as number) : 0,
    camera: str(d.camera),
    from: str(d.from),
    to: str(d.to),
    session: typeof d.session === 'number' ? d.session : null,
  };
}

export function footageViewsPage(ctx: Ctx, q: ViewQuery, afterId: number, limit: number, withTotal: boolean): FootageViewsPageView {
  const tz = ctx.settings().siteTimeZone;
  const rows = pageAudit(ctx.db, viewFilter(q), afterId, limit + 1);
  const page = rows.slice(0, limit);
  return { views: page.map((a) => viewEntry(a, tz)), next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null, total: withTotal ? countAudit(ctx.db, viewFilter(q)) : null };
}

export function* footageViews(ctx: Ctx, q: ViewQuery): Generator<FootageViewEntry> {
  let after = 0;
  for (;;) {
    const page = footageViewsPage(ctx, q, after, 1000, false);
    yield* page.views;
    if (page.next === null) return;
    after = page.next;
  }
}

export const VIEW_COLUMNS: readonly (keyof FootageViewEntry & string)[] = ['id', 'at', 'user', 'kind', 'footage', 'camera', 'from', 'to', 'session'];

// ---- The handover log with what each package held ----

export async function handoverLogEntries(ctx: Ctx, sinceMs = 0): Promise<HandoverLogEntryView[]> {
  const rows = new Map(listHandovers(ctx.db, sinceMs).map((h) => [h.id, h]));
  const out: HandoverLogEntryView[] = [];
  for (const h of handoverLog(ctx, sinceMs)) {
    const row = rows.get(h.id);
    const pkg = findPackage(ctx.db, h.package);
    const contents = pkg ? contentsView(await packageContents(ctx, pkg, h.incident)) : noContents(h.package, h.incident, h.to);
    out.push({ ...h, contents, receipt: { html: receiptFile(ctx, row?.receipt_html ?? null) !== null, pdf: receiptFile(ctx, row?.receipt_pdf ?? null) !== null } });
  }
  return out;
}

/** A handover log entry as one CSV row: what the package held, flattened. */
export type HandoverCsvRow = Omit<HandoverRecordView, 'receiptPdf'> & {
  clips: number;
  cameras: string;
  staff: number;
  visitor: number;
  mixed: number;
  masked: number;
  contentsFrom: string;
  receiptPdf: boolean;
};

export function handoverCsvRow(h: HandoverLogEntryView): HandoverCsvRow {
  const c = h.contents;
  const { contents: _contents, receipt: _receipt, ...record } = h;
  return {
    ...record,
    clips: c.clips,
    cameras: c.cameras.join(' '),
    staff: c.zones.staff,
    visitor: c.zones.visitor,
    mixed: c.zones.mixed,
    masked: c.masked,
    contentsFrom: c.source,
    receiptPdf: h.receipt.pdf,
  };
}

export const HANDOVER_LOG_COLUMNS: readonly (keyof HandoverCsvRow & string)[] = [
  'id', 'incident', 'to', 'organisation', 'recipient', 'reference', 'method', 'handedOver', 'recordedBy', 'package', 'manifestSha256', 'clips', 'cameras', 'staff', 'visitor', 'mixed', 'masked', 'contentsFrom', 'receiptPdf', 'note',
];

// ---- Receipts ----

/** A receipt file Custodian wrote, if it is still there and inside its receipts folder. */
function receiptFile(ctx: Ctx, file: string | null): string | null {
  if (file === null) return null;
  return isInside(path.join(ctx.dataDir, 'receipts'), file) && exists(file) ? file : null;
}

export function handoverReceipt(ctx: Ctx, handoverId: number, format: 'html' | 'pdf'): ReceiptView {
  const h = getHandover(ctx.db, handoverId);
  if (!h) throw failure('not_found', 'server:noHandover', { id: handoverId });
  const file = receiptFile(ctx, format === 'pdf' ? h.receipt_pdf : h.receipt_html);
  if (file === null) throw failure('not_found', 'server:receiptMissing', { format: format.toUpperCase(), id: handoverId });
  return { filename: path.basename(file), contentType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8', base64: readFileSync(file).toString('base64') };
}

// ---- CSV and downloads ----

/**
 * A CSV cell, safe in a spreadsheet whichever separator it splits on. Excel with Swedish settings
 * splits a .csv on ";" (the comma is the decimal sign there) and then honours a quote only at the
 * start of a field, so any ";" (or ",", a tab, a line break) inside a value can start a field of
 * its own. Every place a field can start is therefore neutralised: the cell's first character and
 * the first character after each separator get an apostrophe before them when they are `=`, `+`,
 * `-`, `@`, a tab or a carriage return (or, after a separator, a quote, which would open a quoted
 * field that ends where the attacker likes), so the spreadsheet shows text instead of running a
 * formula (a camera folder or a handover reference can be anything). A cell holding a quote, a
 * separator or a line break is quoted (RFC 4180), so a ","-reading spreadsheet keeps it whole.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  s = s.replace(/([;,\t\r\n])(?=[=+\-@\t\r"])/g, "$1'");
  return /[",;\t\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends object>(rows: Iterable<T>, columns: readonly (keyof T & string)[]): Generator<string> {
  return (function* () {
    yield `${columns.map(csvCell).join(',')}\n`;
    for (const r of rows) yield `${columns.map((c) => csvCell(r[c])).join(',')}\n`;
  })();
}

/** A chunk of a download: CSV lines (the header first) or a part of one JSON array. */
export function downloadChunk<T extends object>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
  opts: { format: 'csv' | 'json'; first: boolean; last: boolean; next: string | null; name: string; now: number; tz: string },
): LogDownloadView {
  let text = '';
  if (opts.format === 'csv') {
    if (opts.first) text += `${columns.map(csvCell).join(',')}\n`;
    for (const r of rows) text += `${columns.map((c) => csvCell(r[c])).join(',')}\n`;
  } else {
    if (opts.first) text += '[';
    rows.forEach((r, i) => {
      text += `${opts.first && i === 0 ? '' : ','}\n${JSON.stringify(r)}`;
    });
    if (opts.last) text += '\n]\n';
  }
  return {
    text,
    rows: rows.length,
    next: opts.last ? null : opts.next,
    filename: `custodian-${opts.name}-${formatLocal(opts.now, opts.tz, "yyyyMMdd'T'HHmm")}.${opts.format}`,
    contentType: opts.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
  };
}
