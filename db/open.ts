import Database from 'better-sqlite3';
import { CustodianError } from '../common/errors.js';
import { LATE_MIGRATIONS, MIGRATIONS, type Migration } from './migrations/index.js';

/** A writable connection. Query functions take it (or ReadDb) as their first argument. */
export type Db = Database.Database;
/** The same connection, promised to be used only for reading by the function that takes it. */
export type ReadDb = Pick<Database.Database, 'prepare' | 'pragma'>;

export const LATEST_VERSION = MIGRATIONS.length;

export interface OpenOptions {
  readonly readonly?: boolean;
  /** Apply migrations only up to this version (migration tests). */
  readonly upTo?: number;
}

export function schemaVersion(db: ReadDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, upTo: number = LATEST_VERSION, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new CustodianError(
      'conflict',
      `This database was written by a newer Custodian (schema ${current}; this one knows ${migrations.length}). Update Custodian; the database was left untouched.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  if (migrations === MIGRATIONS) applyLateMigrations(db, Math.min(current, upTo));
}

/** A reserved migration filled in after a later one was applied here (LATE_MIGRATIONS): applied once, now. */
function applyLateMigrations(db: Db, appliedBefore: number): void {
  for (const late of LATE_MIGRATIONS) {
    if (late.version > appliedBefore) continue;
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(late.table) !== undefined;
    const m = MIGRATIONS.find((x) => x.version === late.version);
    if (!has && m) db.transaction(() => db.exec(m.sql))();
  }
}

/**
 * Opens (creating if needed) the database: WAL so readers never block the sweeper, every commit
 * durable (synchronous FULL), foreign keys on, a busy timeout so two processes (service and
 * app) wait for each other briefly.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (e) {
    throw new CustodianError('invalid_request', `Cannot open the database ${file}: ${(e as Error).message}.`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a commit returns only once the WAL is on the disk. The sweep unlinks a file only
      // after its mark committed, and tells nobody "deleted" before the record committed; with
      // NORMAL a power cut could take back a commit whose unlink had already happened, leaving
      // a file gone without its mark or record. The cost is one fsync per transaction: the sweep
      // commits twice per 1,000 files, a cold index once per 20,000 rows (bench/sweep.bench.ts).
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    // 64 MB of page cache: a cold index writes a million rows into five B-trees.
    db.pragma('cache_size = -65536');
    // Checkpoint the WAL every 64 MB rather than 4 MB: index pages written many times in a bulk
    // index are then copied to the database once.
    if (!options.readonly) db.pragma('wal_autocheckpoint = 16384');
    if (options.readonly) {
      if (schemaVersion(db) > LATEST_VERSION) migrate(db);
    } else {
      migrate(db, options.upTo ?? LATEST_VERSION);
      // A first index that crashed between dropping and rebuilding its time indexes left none.
      if (schemaVersion(db) >= 1) for (const sql of TIME_INDEXES) db.exec(sql);
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof CustodianError) throw e;
    throw new CustodianError('invalid_request', `Cannot use the database ${file}: ${(e as Error).message}.`);
  }
}

/**
 * Opens a database file as a plain file (a backup just written): no migrations, and rollback
 * journal instead of WAL, so it stays one self-contained file with no -wal or -shm beside it.
 */
export function openBackupFile(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  return db;
}

/** The segments' time indexes, which a first bulk index drops and builds once at the end. */
const TIME_INDEXES = [
  'CREATE INDEX IF NOT EXISTS segments_camera_start ON segments(camera_id, start_ms)',
  'CREATE INDEX IF NOT EXISTS segments_end ON segments(end_ms)',
];

export function dropTimeIndexes(db: Db): void {
  db.exec('DROP INDEX IF EXISTS segments_camera_start; DROP INDEX IF EXISTS segments_end;');
  statementCache.delete(db);
}

export function createTimeIndexes(db: Db): void {
  for (const sql of TIME_INDEXES) db.exec(sql);
  statementCache.delete(db);
}

/** Prepared statements cached per connection: a sweep or scan runs the same SQL a million times. */
const statementCache = new WeakMap<object, Map<string, Database.Statement>>();
export function stmt(db: ReadDb, sql: string): Database.Statement {
  let m = statementCache.get(db);
  if (!m) {
    m = new Map();
    statementCache.set(db, m);
  }
  let s = m.get(sql);
  if (!s) {
    s = db.prepare(sql);
    m.set(sql, s);
  }
  return s;
}
