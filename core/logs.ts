/** The deletion log as the DPO reads it: what went, when, why; it names no person. */
import { formatInstant } from '../common/time.js';
import { iterateDeletions, type DeletionRow } from '../db/deletions.js';
import type { Ctx } from './context.js';
import type { DeletionRecordView } from '../common/api/types.js';

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

export function* deletionLog(ctx: Ctx, sinceMs: number): Generator<DeletionRecord> {
  const tz = ctx.settings().siteTimeZone;
  for (const d of iterateDeletions(ctx.db, sinceMs)) yield deletionRecord(d, tz);
}

/**
 * A spreadsheet reads a cell that starts with = + - @ (or a tab or CR before one) as a formula:
 * such a cell gets a leading apostrophe, which spreadsheets show as text (formula injection,
 * OWASP "CSV Injection"). A file name or reason typed by anyone can reach the DPO's CSV.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends object>(rows: Iterable<T>, columns: readonly (keyof T & string)[]): Generator<string> {
  return (function* () {
    yield `${columns.join(',')}\n`;
    for (const r of rows) yield `${columns.map((c) => csvCell(r[c])).join(',')}\n`;
  })();
}

export const DELETION_COLUMNS: readonly (keyof DeletionRecord & string)[] = [
  'id', 'kind', 'root', 'camera', 'path', 'recordedFrom', 'recordedTo', 'size', 'sha256', 'due', 'deleted', 'outcome', 'sweep', 'handover', 'incident', 'reason',
];
