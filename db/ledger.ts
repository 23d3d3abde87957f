/**
 * The ledger: one hash chain over every record the DPO relies on. Each entry covers a run of
 * rows (by rowid) of one chained table, written in the transaction that wrote those rows, and
 * carries the SHA-256 of their full content — every column, read back with `SELECT *`, as
 * canonical JSON (keys in column-name order, NULLs left out) — so a column added later is
 * covered without a change here. Entry n carries the hash of entry n−1.
 *
 *   rows_hash   = SHA-256("<table>\n" + for each row in rowid order: canonical JSON + "\n")
 *   digests     = for each row, FNV-1a (32 bit, big-endian) of its canonical JSON's UTF-16 code units:
 *                 only to name the row that changed when rows_hash does not match; not proof
 *   entry hash  = SHA-256("custodian-ledger/1\n<seq>\n<table>\n<first>\n<last>\n<rows_hash>\n<prev>\n" + digests)
 * Canonical JSON has no raw newline (JSON escapes it), so the rows cannot run into each other.
 *
 * Adding a table to the chain is one line in CHAINED_TABLES plus a `chainInserted` call where
 * its rows are written. A chained table must be a rowid table whose rows are never updated.
 */
import { createHash } from 'node:crypto';
import { stmt, type Db, type ReadDb } from './open.js';

export interface ChainedTable {
  readonly table: string;
  /** SQL condition for rows that are journal entries, not yet records (neither chained nor shown). */
  readonly draft?: string;
  /** Which log horizon (log_horizon.log) may prune this table's rows, by rowid. */
  readonly horizon?: 'deletions' | 'handovers';
  /** What a person calls one row ("deletion record"), for messages. */
  readonly noun: 'audit' | 'deletion' | 'handover' | 'receipt' | 'request';
}

export const CHAINED_TABLES: readonly ChainedTable[] = [
  { table: 'audit', noun: 'audit' },
  // The deletion door writes each row once, complete (its journal is the segment state and
  // deletion_journal). Pending rows exist only in databases from before it: drafts, neither
  // chained nor shown.
  { table: 'deletions', draft: "outcome = 'pending'", horizon: 'deletions', noun: 'deletion' },
  { table: 'handovers', horizon: 'handovers', noun: 'handover' },
  { table: 'handover_receipts', horizon: 'handovers', noun: 'receipt' },
  // Access requests' deadline facts (migration 010; issue 14), one snapshot per change.
  { table: 'request_records', noun: 'request' },
];

export function chainedTable(table: string): ChainedTable {
  const t = CHAINED_TABLES.find((c) => c.table === table);
  if (!t) throw new Error(`${table} is not a chained table`);
  return t;
}

export const GENESIS = '0'.repeat(64);
/** Rows per ledger entry at most: a sweep's chunk is one entry. */
export const MAX_RUN = 1000;
const DIGEST_BYTES = 4;

export interface LedgerRow {
  seq: number;
  tbl: string;
  first_id: number;
  last_id: number;
  rows_hash: string;
  digests: Buffer;
  prev_hash: string;
  hash: string;
}

function canonicalValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return JSON.stringify({ blob: v.toString('hex') });
  return JSON.stringify(v);
}

/**
 * The row as canonical JSON: keys sorted, NULL columns left out (so adding a nullable column
 * changes no hash). Returns an encoder for rows with these columns (the sort is done once).
 */
export function canonicalRowEncoder(columns: readonly string[]): (values: readonly unknown[], offset?: number) => string {
  const order = columns.map((c, i) => [c, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const keys = order.map(([c]) => `${JSON.stringify(c)}:`);
  const idx = order.map(([, i]) => i);
  return (values, offset = 0) => {
    let out = '{';
    let first = true;
    for (let k = 0; k < idx.length; k++) {
      const v = values[(idx[k] as number) + offset];
      if (v === null || v === undefined) continue;
      out += `${first ? '' : ','}${keys[k] as string}${canonicalValue(v)}`;
      first = false;
    }
    return `${out}}`;
  };
}

/** FNV-1a, 32 bit, over UTF-16 code units: a cheap fingerprint of one row, to find which row of a run changed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface RunDigest {
  /** rowids found in [first, last], ascending. */
  readonly ids: number[];
  /** SHA-256 over the rows found (as rows_hash is defined). */
  readonly rowsHash: string;
  /** FNV-1a of each row found, same order. */
  readonly rowDigests: number[];
}

/** Reads rows first..last of `table` and hashes them. */
export function digestRun(db: ReadDb, table: string, first: number, last: number): RunDigest {
  const s = stmt(db, `SELECT rowid AS "__rowid", * FROM "${table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid`);
  const encode = canonicalRowEncoder(s.columns().slice(1).map((c) => c.name));
  const hash = createHash('sha256').update(`${table}\n`);
  const ids: number[] = [];
  const rowDigests: number[] = [];
  // Only this function runs this statement, so it stays in raw (array) mode.
  for (const raw of s.raw(true).iterate(first, last) as Iterable<unknown[]>) {
    ids.push(Number(raw[0]));
    const row = encode(raw, 1);
    hash.update(`${row}\n`);
    rowDigests.push(fnv1a(row));
  }
  return { ids, rowsHash: hash.digest('hex'), rowDigests };
}

export function digestsOf(rowDigests: readonly number[]): Buffer {
  const b = Buffer.alloc(rowDigests.length * DIGEST_BYTES);
  rowDigests.forEach((d, i) => b.writeUInt32BE(d, i * DIGEST_BYTES));
  return b;
}

/** The digest of row `index` of an entry (for naming the row that changed), or null past its end. */
export function digestAt(digests: Buffer, index: number): number | null {
  return (index + 1) * DIGEST_BYTES <= digests.length ? digests.readUInt32BE(index * DIGEST_BYTES) : null;
}

export function entryHash(e: Omit<LedgerRow, 'hash'>): string {
  return createHash('sha256')
    .update(`custodian-ledger/1\n${e.seq}\n${e.tbl}\n${e.first_id}\n${e.last_id}\n${e.rows_hash}\n${e.prev_hash}\n`)
    .update(e.digests)
    .digest('hex');
}

export function ledgerHead(db: ReadDb): { seq: number; hash: string } | null {
  const r = stmt(db, 'SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return r ?? null;
}

export function ledgerEntry(db: ReadDb, seq: number): LedgerRow | undefined {
  return stmt(db, 'SELECT * FROM ledger WHERE seq = ?').get(seq) as LedgerRow | undefined;
}

export function iterateLedger(db: ReadDb, fromSeq = 1): IterableIterator<LedgerRow> {
  return stmt(db, 'SELECT * FROM ledger WHERE seq >= ? ORDER BY seq').iterate(fromSeq) as IterableIterator<LedgerRow>;
}

/**
 * Chains rows first..last of `table`, which the caller has just written in its open
 * transaction. Every rowid in the run must exist: a run is what one transaction wrote.
 */
function chainRun(db: Db, table: string, first: number, last: number): number {
  const d = digestRun(db, table, first, last);
  if (d.ids.length !== last - first + 1) {
    throw new Error(`cannot chain ${table} rows ${first}–${last}: ${d.ids.length} of them exist`);
  }
  const head = ledgerHead(db);
  const seq = (head?.seq ?? 0) + 1;
  const e = { seq, tbl: table, first_id: first, last_id: last, rows_hash: d.rowsHash, digests: digestsOf(d.rowDigests), prev_hash: head?.hash ?? GENESIS };
  stmt(db, 'INSERT INTO ledger (seq, tbl, first_id, last_id, rows_hash, digests, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.seq,
    e.tbl,
    e.first_id,
    e.last_id,
    e.rows_hash,
    e.digests,
    e.prev_hash,
    entryHash(e),
  );
  return seq;
}

/**
 * Chains the rows `first..last` a caller has just inserted, in the same transaction (the
 * caller's, or a savepoint of it). Runs longer than MAX_RUN become several entries.
 */
export function chainInserted(db: Db, table: string, first: number, last: number): void {
  chainedTable(table);
  if (!db.inTransaction) throw new Error(`chainInserted(${table}) must run inside the transaction that wrote the rows`);
  for (let a = first; a <= last; a += MAX_RUN) chainRun(db, table, a, Math.min(last, a + MAX_RUN - 1));
}

/**
 * Runs `write`, which inserts `n` rows into `table`, and chains them in the same transaction
 * (a savepoint when the caller has one open). The write comes first, so a deferred transaction
 * takes the write lock at once (a read first could not upgrade after another process wrote).
 * Without AUTOINCREMENT each new row takes the highest rowid + 1, so the rows written are the
 * top `n`; chaining checks that all of them exist.
 */
export function insertChained<T>(db: Db, table: string, n: number, write: () => T): T {
  return db.transaction(() => {
    const out = write();
    const last = maxRowid(db, table);
    if (n > 0) chainInserted(db, table, last - n + 1, last);
    return out;
  })();
}

export function maxRowid(db: ReadDb, table: string): number {
  chainedTable(table);
  return (stmt(db, `SELECT COALESCE(MAX(rowid), 0) AS m FROM "${table}"`).get() as { m: number }).m;
}

/** rowids of a table in order, with whether each is a draft (for "rows not in the chain"). */
export function iterateRowids(db: ReadDb, t: ChainedTable): IterableIterator<{ id: number; draft: number }> {
  // A database not yet migrated to the table's migration (request_records, 010) has no rows of it.
  if (!tableExists(db, t.table)) return [][Symbol.iterator]();
  return stmt(db, `SELECT rowid AS id, ${t.draft ? `(${t.draft})` : '0'} AS draft FROM "${t.table}" ORDER BY rowid`).iterate() as IterableIterator<{ id: number; draft: number }>;
}

export function tableExists(db: ReadDb, table: string): boolean {
  return stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

export function countRows(db: ReadDb, table: string): number {
  chainedTable(table);
  return (stmt(db, `SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

/**
 * Migration 007: chains every record written before the ledger existed, once, in runs of
 * consecutive rowids. Returns how many rows of each table it adopted.
 */
export function chainExistingRecords(db: Db): Record<string, number> {
  const adopted: Record<string, number> = {};
  for (const t of CHAINED_TABLES) {
    // A table a later migration creates (request_records, 010) has no rows from before the ledger.
    if (!tableExists(db, t.table)) continue;
    let n = 0;
    let runStart = -1;
    let runEnd = -1;
    const flush = (): void => {
      if (runStart >= 0) chainInserted(db, t.table, runStart, runEnd);
      runStart = -1;
    };
    // Read first, chain after: a statement cannot be iterated while the connection writes.
    const ids = (stmt(db, `SELECT rowid AS id FROM "${t.table}" ${t.draft ? `WHERE NOT (${t.draft})` : ''} ORDER BY rowid`).all() as { id: number }[]).map((r) => r.id);
    for (const id of ids) {
      if (runStart >= 0 && id === runEnd + 1) runEnd = id;
      else {
        flush();
        runStart = id;
        runEnd = id;
      }
      n++;
    }
    flush();
    adopted[t.table] = n;
  }
  return adopted;
}

export function installationOf(db: ReadDb): { uuid: string; created_ms: number } {
  return stmt(db, 'SELECT uuid, created_ms FROM installation WHERE id = 1').get() as { uuid: string; created_ms: number };
}

export interface HorizonRow {
  log: 'deletions' | 'handovers';
  before_ms: number;
  through_id: number | null;
}

export function horizons(db: ReadDb): HorizonRow[] {
  return stmt(db, 'SELECT log, before_ms, through_id FROM log_horizon ORDER BY log').all() as HorizonRow[];
}

export function setHorizon(db: Db, log: 'deletions' | 'handovers', beforeMs: number, throughId: number): void {
  stmt(db, 'INSERT INTO log_horizon (log, before_ms, through_id) VALUES (?, ?, ?) ON CONFLICT(log) DO UPDATE SET before_ms = excluded.before_ms, through_id = excluded.through_id').run(log, beforeMs, throughId);
}

/**
 * The highest rowid of `table` that may be pruned when rows timed before `beforeMs` go: just
 * below the first record at or after it. Never the newest row, so rowids are never reused
 * (a reused rowid would clash with the entry that chained the pruned row).
 */
export function pruneLimit(db: ReadDb, table: string, timeColumn: string, beforeMs: number): number {
  const t = chainedTable(table);
  const notDraft = t.draft ? `AND NOT (${t.draft})` : '';
  const young = stmt(db, `SELECT MIN(rowid) AS id FROM "${table}" WHERE "${timeColumn}" >= ? ${notDraft}`).get(beforeMs) as { id: number | null };
  const max = maxRowid(db, table);
  return Math.max(0, Math.min((young.id ?? max + 1) - 1, max - 1));
}

/** Removes the records of `table` up to rowid `throughId` (drafts stay); the triggers allow it behind the horizon only. */
export function pruneThrough(db: Db, table: string, throughId: number): number {
  const t = chainedTable(table);
  return stmt(db, `DELETE FROM "${table}" WHERE rowid <= ? ${t.draft ? `AND NOT (${t.draft})` : ''}`).run(throughId).changes;
}
