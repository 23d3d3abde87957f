/**
 * Checks the ledger (db/ledger.ts) against the rows it chains, with nothing but the database:
 * every entry present (no gap in the sequence numbers), each linked to the one before and
 * unaltered, every chained row present (unless pruned behind a signed horizon) and unchanged,
 * no row of a chained table outside the chain, and the horizon table agreeing with the signed
 * horizon events. Anchors (signed heads outside the database) are checked in core/records.ts.
 */
import { english, type Msg } from '../common/i18n/catalog.js';
import { auditByAction } from '../db/audit.js';
import {
  CHAINED_TABLES,
  GENESIS,
  digestAt,
  digestRun,
  entryHash,
  horizons,
  iterateLedger,
  iterateRowids,
  type ChainedTable,
  type LedgerRow,
} from '../db/ledger.js';
import { listHolds } from '../db/holds.js';
import type { ReadDb } from '../db/open.js';

export type ProblemCode =
  | 'gap'
  | 'link'
  | 'entryAltered'
  | 'unknownTable'
  | 'rowMissing'
  | 'rowChanged'
  | 'runChanged'
  | 'rechained'
  | 'unchained'
  | 'horizonUnsigned'
  | 'horizonTable'
  | 'restoreUnsigned'
  | 'anchorSignature'
  | 'anchorForeign'
  | 'anchorDamaged'
  | 'tailCut'
  | 'rewritten'
  | 'anchorMissing'
  | 'noSiteKey'
  | 'keyMismatch'
  | 'expectMismatch'
  | 'holdUnrecorded'
  | 'holdChanged'
  | 'holdReleaseUnrecorded'
  | 'holdGone'
  | 'holdCopyMissing'
  | 'holdCopyReleased'
  | 'holdCopyChanged'
  | 'holdCopyAhead';

export interface Problem {
  readonly code: ProblemCode;
  /** The ledger entry where it shows (null: outside the chain, e.g. a row never chained). */
  readonly seq: number | null;
  readonly table: string | null;
  readonly rowId: number | null;
  readonly msg: Msg;
  /** English rendering of msg. */
  readonly text: string;
}

export function problem(code: ProblemCode, at: { seq?: number | null; table?: string | null; rowId?: number | null }, params: NonNullable<Msg['params']>): Problem {
  const msg: Msg = { key: `records:problem.${code}`, params };
  return { code, seq: at.seq ?? null, table: at.table ?? null, rowId: at.rowId ?? null, msg, text: english(msg) };
}

/** First bad record first: by ledger entry, rows outside the chain last. */
export function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || (a.rowId ?? 0) - (b.rowId ?? 0));
}

export interface HorizonEvent {
  readonly log: 'deletions' | 'handovers';
  readonly throughId: number;
  readonly beforeMs: number;
  readonly atMs: number;
  readonly auditId: number;
  readonly signature: string;
  readonly keyFingerprint: string;
}

/** The text a horizon's signature covers (core/log-retention.ts signs it). */
export function horizonStatement(installation: string, h: Pick<HorizonEvent, 'log' | 'throughId' | 'beforeMs' | 'atMs'>): string {
  return `custodian-horizon/1\n${installation}\n${h.log}\n${h.throughId}\n${h.beforeMs}\n${h.atMs}\n`;
}

/**
 * The text a restore's signature covers (core/backup.ts signs it): which anchors it set aside,
 * as heads of a history the restored database no longer has (`superseded`) or as signed by a key
 * this data folder no longer has (`unverifiable`). Unsigned, such a list could hide any anchor.
 */
export function restoreStatement(installation: string, r: { backupSeq: number; backupHash: string; atMs: number; superseded: readonly string[]; unverifiable: readonly string[] }): string {
  return `custodian-restore/1\n${installation}\n${r.backupSeq}\n${r.backupHash}\n${r.atMs}\n${[...r.superseded].sort().join(',')}\n${[...r.unverifiable].sort().join(',')}\n`;
}

export interface LedgerCheckOptions {
  /** Checks a horizon's signature; without it horizons are taken as written (database-only check). */
  readonly verifyHorizon?: (h: HorizonEvent) => boolean;
  /** Start at this entry, trusting `prevHash` for the one before (incremental check before signing). */
  readonly fromSeq?: number;
  readonly prevHash?: string;
  /** Skip the whole-table scans (rows outside the chain, horizons): the incremental check. */
  readonly entriesOnly?: boolean;
}

export interface LedgerCheck {
  readonly entries: number;
  readonly head: { seq: number; hash: string } | null;
  /** Chained rows present, per table. */
  readonly records: Record<string, number>;
  /** Rows pruned behind a signed horizon, per table. */
  readonly pruned: Record<string, number>;
  readonly horizons: Record<string, number>;
  readonly problems: Problem[];
  /** All problems found (problems holds the first MAX_PROBLEMS). */
  readonly problemCount: number;
}

const MAX_PROBLEMS = 200;

function parseHorizon(row: { id: number; details: string }): HorizonEvent | null {
  try {
    const d = JSON.parse(row.details) as Partial<HorizonEvent>;
    if ((d.log !== 'deletions' && d.log !== 'handovers') || typeof d.throughId !== 'number' || typeof d.beforeMs !== 'number' || typeof d.atMs !== 'number') return null;
    return { log: d.log, throughId: d.throughId, beforeMs: d.beforeMs, atMs: d.atMs, auditId: row.id, signature: String(d.signature ?? ''), keyFingerprint: String(d.keyFingerprint ?? '') };
  } catch {
    return null;
  }
}

export function checkLedger(db: ReadDb, opts: LedgerCheckOptions): LedgerCheck {
  const problems: Problem[] = [];
  let problemCount = 0;
  const add = (p: Problem): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const tables = new Map<string, ChainedTable>(CHAINED_TABLES.map((t) => [t.table, t]));
  const covered = new Map<string, [number, number, number][]>(CHAINED_TABLES.map((t) => [t.table, []]));
  const records: Record<string, number> = Object.fromEntries(CHAINED_TABLES.map((t) => [t.table, 0]));
  const pruned: Record<string, number> = Object.fromEntries(CHAINED_TABLES.map((t) => [t.table, 0]));
  const missing: { table: string; id: number; seq: number }[] = [];

  let expected = opts.fromSeq ?? 1;
  let prev = opts.prevHash ?? GENESIS;
  let entries = 0;
  let head: { seq: number; hash: string } | null = null;
  for (const e of iterateLedger(db, expected) as Iterable<LedgerRow>) {
    entries++;
    if (e.seq !== expected) add(problem('gap', { seq: expected }, { from: expected, to: e.seq - 1 }));
    else if (e.prev_hash !== prev) add(problem('link', { seq: e.seq }, { seq: e.seq }));
    if (entryHash(e) !== e.hash) add(problem('entryAltered', { seq: e.seq }, { seq: e.seq }));
    prev = e.hash;
    expected = e.seq + 1;
    head = { seq: e.seq, hash: e.hash };
    const t = tables.get(e.tbl);
    if (!t) {
      add(problem('unknownTable', { seq: e.seq }, { seq: e.seq, table: e.tbl }));
      continue;
    }
    covered.get(e.tbl)?.push([e.first_id, e.last_id, e.seq]);
    const d = digestRun(db, e.tbl, e.first_id, e.last_id);
    records[e.tbl] = (records[e.tbl] ?? 0) + d.ids.length;
    if (d.ids.length === e.last_id - e.first_id + 1 && d.rowsHash === e.rows_hash) continue;
    // Something in this run differs: name the rows (missing ones are settled after the walk,
    // when the signed horizons are known).
    let named = false;
    const found = new Map(d.ids.map((id, i) => [id, d.rowDigests[i] as number]));
    for (let id = e.first_id; id <= e.last_id; id++) {
      const h = found.get(id);
      if (h === undefined) {
        missing.push({ table: e.tbl, id, seq: e.seq });
        named = true;
      } else if (h !== digestAt(e.digests, id - e.first_id)) {
        add(problem('rowChanged', { seq: e.seq, table: e.tbl, rowId: id }, { noun: t.noun, id, seq: e.seq }));
        named = true;
      }
    }
    if (!named) add(problem('runChanged', { seq: e.seq, table: e.tbl, rowId: e.first_id }, { noun: t.noun, first: e.first_id, last: e.last_id, seq: e.seq }));
  }

  const effective: Record<string, number> = { deletions: 0, handovers: 0 };
  if (!opts.entriesOnly) {
    // Horizons: only a signed horizon event excuses a missing row, and the table the triggers
    // read must say the same.
    for (const row of auditByAction(db, 'log.horizon')) {
      const h = parseHorizon(row);
      const seq = seqOf(covered.get('audit') ?? [], row.id);
      if (!h || (opts.verifyHorizon && !opts.verifyHorizon(h))) {
        add(problem('horizonUnsigned', { seq, table: 'audit', rowId: row.id }, { id: row.id, seq: seq ?? '—' }));
        continue;
      }
      if (seq === null) continue; // not chained: reported below as a row outside the chain
      effective[h.log] = Math.max(effective[h.log] ?? 0, h.throughId);
    }
    for (const hz of horizons(db)) {
      const found = hz.through_id ?? 0;
      const signed = effective[hz.log] ?? 0;
      if (found !== signed) add(problem('horizonTable', { table: 'log_horizon' }, { log: hz.log, found, signed }));
    }
  }
  for (const m of missing) {
    const t = tables.get(m.table) as ChainedTable;
    if (!opts.entriesOnly && t.horizon && m.id <= (effective[t.horizon] ?? 0)) pruned[m.table] = (pruned[m.table] ?? 0) + 1;
    else add(problem('rowMissing', { seq: m.seq, table: m.table, rowId: m.id }, { noun: t.noun, id: m.id, seq: m.seq }));
  }

  if (!opts.entriesOnly) {
    // Every row of a chained table in exactly one entry (drafts in none).
    for (const t of CHAINED_TABLES) {
      const runs = (covered.get(t.table) ?? []).sort((a, b) => a[0] - b[0] || a[2] - b[2]);
      for (let i = 1; i < runs.length; i++) {
        const a = runs[i - 1] as [number, number, number];
        const b = runs[i] as [number, number, number];
        if (b[0] <= a[1]) add(problem('rechained', { seq: Math.max(a[2], b[2]), table: t.table, rowId: b[0] }, { noun: t.noun, id: b[0], seq: Math.min(a[2], b[2]), other: Math.max(a[2], b[2]) }));
      }
      let k = 0;
      for (const r of iterateRowids(db, t)) {
        while (k < runs.length && (runs[k] as [number, number, number])[1] < r.id) k++;
        const run = runs[k];
        const inChain = run !== undefined && run[0] <= r.id;
        if (!inChain && !r.draft) add(problem('unchained', { table: t.table, rowId: r.id }, { noun: t.noun, id: r.id }));
      }
    }
  }
  if (!opts.entriesOnly) for (const p of checkHolds(db)) add(p);
  return { entries, head, records, pruned, horizons: effective, problems: sortProblems(problems), problemCount };
}

function seqOf(runs: readonly [number, number, number][], id: number): number | null {
  for (const r of runs) if (r[0] <= id && id <= r[1]) return r[2];
  return null;
}

/** A hold as its chained audit events made it: the creating event's window, the cameras it has followed to, and whether a release was recorded. */
export interface HoldRecord {
  readonly auditId: number;
  cameras: string[] | null;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  released: boolean;
}

/**
 * What the audit events say about every hold (hold.added, hold.restored, hold.released). The
 * holds table is not chained itself (the workflow updates its rows), but every change the
 * workflow makes is an audit event (hold.camera-followed too), and the audit table is: a row that disagrees with them was
 * changed from outside.
 */
export function holdRecords(db: ReadDb): Map<number, HoldRecord> {
  const out = new Map<number, HoldRecord>();
  const parse = (details: string): Record<string, unknown> => {
    try {
      const d: unknown = JSON.parse(details);
      return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  for (const action of ['hold.added', 'hold.restored']) {
    for (const row of auditByAction(db, action)) {
      const d = parse(row.details);
      if (typeof d.hold !== 'number') continue;
      out.set(d.hold, {
        auditId: row.id,
        cameras: Array.isArray(d.cameras) ? [...new Set(d.cameras.map(String))].sort() : null,
        fromMs: typeof d.fromMs === 'number' ? d.fromMs : null,
        toMs: typeof d.toMs === 'number' ? d.toMs : null,
        released: false,
      });
    }
  }
  // A scan that finds a held camera's recordings under another camera adds that camera.
  for (const row of auditByAction(db, 'hold.camera-followed')) {
    const d = parse(row.details);
    const rec = typeof d.hold === 'number' ? out.get(d.hold) : undefined;
    if (rec?.cameras && typeof d.to === 'string' && !rec.cameras.includes(d.to)) rec.cameras = [...rec.cameras, d.to].sort();
  }
  for (const row of auditByAction(db, 'hold.released')) {
    const d = parse(row.details);
    const rec = typeof d.hold === 'number' ? out.get(d.hold) : undefined;
    if (rec) rec.released = true;
  }
  return out;
}

/** Does a hold's window and cameras agree with what its creating event recorded? (Fields an old event lacks are not compared.) */
export function sameAsRecorded(rec: HoldRecord, h: { cameras: readonly string[]; fromMs: number; toMs: number }): boolean {
  return (rec.fromMs === null || rec.fromMs === h.fromMs) && (rec.toMs === null || rec.toMs === h.toMs) && (rec.cameras === null || rec.cameras.join(',') === [...new Set(h.cameras)].sort().join(','));
}

/** Every hold row against its chained events: made, windowed and released only as recorded, and none gone. */
export function checkHolds(db: ReadDb): Problem[] {
  const recs = holdRecords(db);
  const out: Problem[] = [];
  const seen = new Set<number>();
  for (const h of listHolds(db, true)) {
    seen.add(h.id);
    const rec = recs.get(h.id);
    const at = { table: 'holds', rowId: h.id };
    if (!rec) out.push(problem('holdUnrecorded', at, { id: h.id }));
    else if (!sameAsRecorded(rec, { cameras: h.cameras ? h.cameras.split(',') : [], fromMs: h.from_ms, toMs: h.to_ms })) out.push(problem('holdChanged', at, { id: h.id, event: rec.auditId }));
    else if (h.released_ms !== null && !rec.released) out.push(problem('holdReleaseUnrecorded', at, { id: h.id, event: rec.auditId }));
    else if (h.released_ms === null && rec.released) out.push(problem('holdChanged', at, { id: h.id, event: rec.auditId })); // a release undone
  }
  for (const [id, rec] of recs) if (!seen.has(id)) out.push(problem('holdGone', { table: 'holds', rowId: id }, { id, event: rec.auditId }));
  return out;
}
