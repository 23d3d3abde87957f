/**
 * A Custodian instance: the data folder, its database and who is acting. Every use case takes
 * a Ctx; faces (CLI, server, desktop) make one and close it.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import { CustodianError, failure } from '../common/errors.js';
import { parseSettings, type Settings } from '../common/settings.js';
import { openDatabase, type Db } from '../db/open.js';
import { readAllSettings } from '../db/settings.js';
import { machineClock, machineClockFollowing, type MachineClock } from './machine-clock.js';

export interface Actor {
  /** A user name, or "os:<login>" for the command line acting as the OS user. */
  readonly name: string;
  readonly role: 'admin' | 'officer' | 'hr' | 'dpo';
}

export interface Ctx {
  readonly db: Db;
  readonly dataDir: string;
  readonly actor: Actor;
  /** Wall clock; injectable so tests can move time. */
  now(): number;
  /** The machine's own clock (uptime, boot id), which setting the wall clock does not move. */
  machine(): MachineClock;
  settings(): Settings;
  /** Drops the cached settings after a change. */
  invalidateSettings(): void;
  close(): void;
}

export function defaultDataDir(): string {
  if (process.platform === 'win32') {
    return path.join(process.env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'Custodian');
  }
  if (process.platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'Custodian');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), '.local', 'share'), 'custodian');
}

export function osActor(): Actor {
  let login = 'unknown';
  try {
    login = userInfo().username;
  } catch {
    // some containers have no passwd entry; the actor stays "os:unknown"
  }
  return { name: `os:${login}`, role: 'admin' };
}

export const DB_FILE = 'custodian.db';

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync spins forever on some pseudo file
 * systems (/proc), and a level-by-level walk names the folder that could not be made.
 */
function makeFolders(abs: string): void {
  const missing: string[] = [];
  let cur = abs;
  while (!existsSync(cur)) {
    missing.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const d of missing) mkdirSync(d, { mode: 0o700 });
}

/** Creates the data folder (0700) if needed and checks it can be written. */
export function prepareDataDir(dataDir: string): string {
  const abs = path.resolve(dataDir);
  try {
    makeFolders(abs);
  } catch (e) {
    throw failure('invalid_request', 'core:dataFolderCreate', { folder: abs, detail: (e as Error).message });
  }
  const st = statSync(abs);
  if (!st.isDirectory()) throw failure('invalid_request', 'core:dataFolderNotFolder', { folder: abs });
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    // Tighten a folder we created earlier with a looser umask; the database names people.
    try {
      chmodSync(abs, 0o700);
    } catch {
      // not ours to change; it still works
    }
  }
  return abs;
}

export interface OpenOptions {
  readonly dataDir: string;
  readonly actor?: Actor;
  readonly now?: () => number;
  /** Open an existing data folder only (most commands): a typo must not make a new empty one. */
  readonly mustExist?: boolean;
  /** Keep the database in memory (property tests run thousands of short-lived instances). */
  readonly inMemory?: boolean;
  /** The machine clock; by default the real one, or one that follows an injected `now`. */
  readonly machine?: () => MachineClock;
}

export function openCtx(opts: OpenOptions): Ctx {
  const dataDir = path.resolve(opts.dataDir);
  const dbFile = path.join(dataDir, DB_FILE);
  if (opts.inMemory) {
    // nothing on disk to check
  } else if (opts.mustExist) {
    try {
      statSync(dbFile);
    } catch {
      throw failure('invalid_request', 'core:dataFolderMissing', { folder: dataDir });
    }
  } else {
    prepareDataDir(dataDir);
  }
  let db: Db;
  try {
    db = openDatabase(opts.inMemory ? ':memory:' : dbFile);
  } catch (e) {
    if (e instanceof CustodianError && /readonly|read-only|SQLITE_CANTOPEN|unable to open/i.test(e.message)) {
      throw failure('invalid_request', 'core:dataFolderReadOnly', { folder: dataDir, detail: e.message });
    }
    throw e;
  }
  let cached: Settings | undefined;
  const now = opts.now ?? (() => Date.now());
  const machine = opts.machine ?? (opts.now ? machineClockFollowing(opts.now) : machineClock);
  return {
    db,
    dataDir,
    actor: opts.actor ?? osActor(),
    now,
    machine,
    settings() {
      cached ??= parseSettings(readAllSettings(db));
      return cached;
    },
    invalidateSettings() {
      cached = undefined;
    },
    close() {
      db.close();
    },
  };
}
