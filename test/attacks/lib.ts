/**
 * The attacks' shared library: real trees on a RAM disk, the built CLI run as separate processes
 * (`node bin/custodian.js --data DIR … --json`), helpers for the world that moves under a sweep
 * (mounts, stopped processes, a swapper, a faked clock), and oracles of our own.
 *
 * The oracles never ask Custodian what it should have done. They know which files we generated
 * (names, times, contents), which files we moved or removed ourselves, and when a command we ran
 * returned; they then read what Custodian did from three places together: the disk, the index
 * (the database, opened read-only) and the deletion log (`log deletions --format json`, with the
 * database's millisecond times beside it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import { generateSegments } from '../../fixtures/video.js';
import { fastTempBase, tempDir } from '../helpers.js';

export const CLI = path.resolve('bin', 'custodian.js');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Rounds for a race: `fallback` in CI, CUSTODIAN_ROUNDS (npm run test:attacks:long) for more. */
export function rounds(fallback: number): number {
  const n = Number(process.env.CUSTODIAN_ROUNDS ?? '');
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * The vitest timeout for a test of `rounds(fallbackRounds)` rounds: twice what a round takes on a
 * busy 2-core machine, so a slow machine is not reported as a broken guarantee.
 */
export function budgetMs(perRoundMs: number, fallbackRounds: number, fixedMs = 30_000): number {
  return 2 * (fixedMs + perRoundMs * rounds(fallbackRounds));
}

export function builtCliExists(): boolean {
  return existsSync(path.resolve('dist', 'cli', 'main.js'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Workspaces and trees
// ---------------------------------------------------------------------------------------------

export interface Workspace {
  readonly dir: string;
  readonly data: string;
  readonly root: string;
  cleanup(): void;
}

/** A folder on /dev/shm (tmpfs) with `data/` (not created: init does) and `rec/`. */
export function workspace(prefix: string): Workspace {
  const t = tempDir(`custodian-attack-${prefix}-`, fastTempBase());
  const root = path.join(t.dir, 'rec');
  mkdirSync(root);
  return { dir: t.dir, data: path.join(t.dir, 'data'), root, cleanup: t.cleanup };
}

/** One recording we wrote: what a recorder using camera-date-time with UTC names writes. */
export interface Rec {
  readonly camera: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Path components below the root: camera, UTC day, HH-mm-ss.mp4. */
  readonly rel: readonly string[];
  readonly content: string;
}

/** The layout all attack trees use: `{camera}/{yyyy-MM-dd}/{HH-mm-ss}.mp4`, names in UTC. */
export function recRel(camera: string, startMs: number): string[] {
  const iso = new Date(startMs).toISOString();
  return [camera, iso.slice(0, 10), `${iso.slice(11, 19).replace(/:/g, '-')}.mp4`];
}

/**
 * Writes `count` recordings of `camera`, every `stepMs` from `fromMs` (aligned down to a whole
 * second), each with its own content (so a hash tells one from another) and its mtime at its end,
 * as a recorder that closes the file at the end of the segment leaves it.
 */
export function writeRecordings(root: string, camera: string, fromMs: number, count: number, stepMs: number): Rec[] {
  const out: Rec[] = [];
  const made = new Set<string>();
  const first = Math.floor(fromMs / 1000) * 1000;
  for (let i = 0; i < count; i++) {
    const startMs = first + i * stepMs;
    const rel = recRel(camera, startMs);
    const dir = path.join(root, ...rel.slice(0, -1));
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const rec: Rec = { camera, startMs, endMs: startMs + stepMs, rel, content: `${camera}@${startMs}\n` };
    const abs = path.join(root, ...rel);
    writeFileSync(abs, rec.content);
    const end = new Date(rec.endMs);
    utimesSync(abs, end, end);
    out.push(rec);
  }
  return out;
}

export function absOf(root: string, r: Rec): string {
  return path.join(root, ...r.rel);
}

/**
 * Real H.264 recordings (the fixtures' generator, real ffmpeg): `count` segments of `seconds` for
 * `camera` from `startMs` (whole seconds), renamed into the attack layout, mtime at each end.
 */
export async function writeRealRecordings(root: string, scratch: string, camera: string, startMs: number, count: number, seconds: number): Promise<Rec[]> {
  const first = Math.floor(startMs / 1000) * 1000;
  const segs = await generateSegments({ dir: path.join(scratch, `gen-${camera}`), camera, startMs: first, count, segmentSeconds: seconds, timeZone: 'Europe/Stockholm' });
  return segs.map((g) => {
    const rel = recRel(camera, g.startMs);
    const abs = path.join(root, ...rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    renameSync(g.path, abs);
    utimesSync(abs, new Date(g.endMs), new Date(g.endMs));
    return { camera, startMs: g.startMs, endMs: g.endMs, rel, content: '' };
  });
}

/** Every regular file below `dir` (symlinks are not followed), as relative paths with '/'. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** relative path → SHA-256 of every regular file below `dir`. */
export function hashTree(dir: string): Map<string, string> {
  return new Map(walkFiles(dir).map((rel) => [rel, sha256(path.join(dir, ...rel.split('/')))]));
}

/** What changed in a tree hashed before: files gone or altered (a decoy must show neither). */
export function treeDamage(dir: string, before: ReadonlyMap<string, string>): string[] {
  const now = hashTree(dir);
  const out: string[] = [];
  for (const [rel, h] of before) {
    const cur = now.get(rel);
    if (cur === undefined) out.push(`${path.join(dir, rel)} is gone`);
    else if (cur !== h) out.push(`${path.join(dir, rel)} was altered`);
  }
  return out;
}

export function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The built CLI as separate processes
// ---------------------------------------------------------------------------------------------

export interface CliResult {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  /** Date.now() in this process when the command was started and when it was seen to exit. */
  readonly startedMs: number;
  readonly endedMs: number;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Add --json (default true). */
  readonly json?: boolean;
  readonly timeoutMs?: number;
  readonly input?: string;
}

function cliArgs(data: string, args: readonly string[], json: boolean): string[] {
  return [CLI, '--data', data, ...args, ...(json ? ['--json'] : [])];
}

/** Runs the built CLI and waits for it. */
export function cli(data: string, args: readonly string[], opts: CliOptions = {}): CliResult {
  const startedMs = Date.now();
  const r = spawnSync(process.execPath, cliArgs(data, args, opts.json ?? true), {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { args, code: r.status, signal: r.signal, out: r.stdout ?? '', err: r.stderr ?? '', startedMs, endedMs: Date.now() };
}

/** The JSON document a --json command printed (or its last line, after progress lines). */
export function jsonOf<T>(r: CliResult): T {
  try {
    return JSON.parse(r.out) as T;
  } catch {
    const last = r.out.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as T;
    } catch {
      throw new Error(`custodian ${r.args.join(' ')} printed no JSON (exit ${String(r.code)}): ${r.out.slice(0, 400)} ${r.err.slice(0, 400)}`);
    }
  }
}

/** Runs the CLI and insists it succeeded (setup steps, never the attacked command). */
export function cliOk<T = unknown>(data: string, args: readonly string[], opts: CliOptions = {}): T {
  const r = cli(data, args, opts);
  if (r.code !== 0) throw new Error(`custodian ${args.join(' ')} failed (exit ${String(r.code)}): ${r.err || r.out}`);
  return (opts.json ?? true) ? jsonOf<T>(r) : (undefined as T);
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startedMs: number;
  readonly done: Promise<CliResult>;
}

/** Starts the built CLI without waiting; `done` resolves when it exits (endedMs = seen exiting). */
export function startCli(data: string, args: readonly string[], opts: CliOptions & { extraEnvOnly?: boolean } = {}): RunningCli {
  const startedMs = Date.now();
  const env = opts.extraEnvOnly ? { ...opts.env } : { ...process.env, ...opts.env };
  const child = spawn(process.execPath, cliArgs(data, args, opts.json ?? true), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const done = new Promise<CliResult>((resolve) => {
    let endedMs = 0;
    child.on('exit', () => (endedMs = Date.now()));
    child.on('close', (code, signal) => resolve({ args, code, signal, out, err, startedMs, endedMs: endedMs || Date.now() }));
  });
  if (child.pid === undefined) throw new Error('could not start the CLI');
  return { child, pid: child.pid, startedMs, done };
}

/**
 * Waits until a sweep we started has marked work (segment rows in state 'deleting', read through a
 * read-only connection beside it), or has exited, or `timeoutMs` passed. True when work was seen.
 */
export async function markedWork(data: string, proc: RunningCli, pollMs = 3, timeoutMs = 30_000): Promise<boolean> {
  const ro = readDb(data);
  try {
    const q = ro.prepare("SELECT EXISTS (SELECT 1 FROM segments WHERE state = 'deleting') AS n");
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && proc.child.exitCode === null) {
      if ((q.get() as { n: number }).n === 1) return true;
      await sleep(pollMs);
    }
    return false;
  } finally {
    ro.close();
  }
}

/** True when no process holds the database's write lock right now (we take it and give it back). */
export function writeLockFree(data: string): boolean {
  const db = new Database(path.join(data, 'custodian.db'), { fileMustExist: true, timeout: 0 });
  try {
    db.prepare('BEGIN IMMEDIATE').run();
    db.prepare('ROLLBACK').run();
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/**
 * Stops (SIGSTOP) a process of ours at a moment it holds no database write lock: stop, probe, and
 * if it holds the lock let it run 1–4 ms more and try again. A process stalled inside a write
 * transaction blocks every writer (safe, and not what these attacks are after). False when it
 * exited first.
 */
export async function stopOutsideWrite(data: string, proc: RunningCli, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries && proc.child.exitCode === null; i++) {
    process.kill(proc.pid, 'SIGSTOP');
    if (writeLockFree(data)) return true;
    process.kill(proc.pid, 'SIGCONT');
    await sleep(1 + Math.random() * 3);
  }
  return false;
}

/** Kills a process we started (by its pid), waking it first if it was stopped. */
export function killHard(pid: number): void {
  for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Environment that preloads libfaketime into the very process (not `faketime CMD`, which forks). */
export function fakeClockEnv(offset: string): NodeJS.ProcessEnv {
  // A wrong wall clock leaves the monotonic clock alone: only CLOCK_REALTIME is moved.
  return { LD_PRELOAD: FAKETIME_LIB, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

/**
 * Our own due rule, for oracles: `months` calendar months after `endMs`, counted in UTC with the
 * day clamped to the month's end. Custodian counts on the site's wall clock (Europe/Stockholm), at
 * most 2 hours away; callers allow a margin of 3 hours either side.
 */
export function dueAtUtc(endMs: number, months = 2): number {
  const d = new Date(endMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
export const DUE_MARGIN_MS = 3 * HOUR;

/**
 * The usual frame of an attack on one data folder: beforeAll checks the CLI is built and makes a
 * workspace with `init` and `settings`; afterAll kills any process of ours still running (by pid)
 * and removes the workspace.
 */
export function attackFrame(tag: string, settings: Record<string, string | number>): { ws: () => Workspace; pids: Set<number> } {
  let ws: Workspace | undefined;
  const pids = new Set<number>();
  beforeAll(() => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
    ws = workspace(tag);
    initData(ws, settings);
  });
  afterAll(() => {
    for (const p of pids) killHard(p);
    ws?.cleanup();
  });
  return {
    ws: () => {
      if (!ws) throw new Error('the workspace is made in beforeAll');
      return ws;
    },
    pids,
  };
}

// ---------------------------------------------------------------------------------------------
// A Custodian data folder for a tree, and what it says
// ---------------------------------------------------------------------------------------------

/** The live camera every attack root has: a recorder still writing, its newest file ending now. */
export const LIVE_CAMERA = 'live';

/**
 * `init` on one root with the attack layout, plus settings; and a live camera (an hour of 10-minute
 * recordings ending a few seconds ago), as a recorder in use has: without it, a root of old
 * footage only looks like a clock set ahead, and the sweep rightly refuses.
 */
export function initData(ws: Pick<Workspace, 'data' | 'root'>, settings: Record<string, string | number> = {}): void {
  cliOk(ws.data, ['init', '--storage', ws.root, '--layout', 'camera-date-time', '--layout-timezone', 'UTC']);
  for (const [k, v] of Object.entries(settings)) cliOk(ws.data, ['settings', 'set', k, String(v)]);
  writeRecordings(ws.root, LIVE_CAMERA, Date.now() - 6 * 10 * MINUTE - 5_000, 6, 10 * MINUTE);
}

export interface LogRow {
  id: number;
  kind: string;
  root: number | null;
  camera: string | null;
  path: string;
  recordedFrom: string | null;
  recordedTo: string | null;
  due: string | null;
  deleted: string | null;
  outcome: string;
  sweep: number | null;
  handover: number | null;
  incident: string | null;
  reason: string;
  /** From the database: the deletion time in milliseconds (the CLI prints whole seconds). */
  deletedMs: number | null;
  /** From the database: the note (006), when the column is there. */
  note: string | null;
}

/** The deletion log as the DPO reads it (`log deletions --format json`), with ms times from the DB. */
export function deletionLog(data: string, sinceMs?: number): LogRow[] {
  const since = sinceMs === undefined ? [] : ['--since', new Date(sinceMs).toISOString()];
  const rows = cliOk<{ deletions: Omit<LogRow, 'deletedMs' | 'note'>[] }>(data, ['log', 'deletions', '--format', 'json', ...since]).deletions;
  const db = readDb(data);
  try {
    const cols = new Set((db.prepare('PRAGMA table_info(deletions)').all() as { name: string }[]).map((c) => c.name));
    const q = db.prepare(`SELECT id, deleted_ms${cols.has('note') ? ', note' : ', NULL AS note'} FROM deletions`);
    const byId = new Map((q.all() as { id: number; deleted_ms: number | null; note: string | null }[]).map((r) => [r.id, r]));
    return rows.map((r) => ({ ...r, deletedMs: byId.get(r.id)?.deleted_ms ?? null, note: byId.get(r.id)?.note ?? null }));
  } finally {
    db.close();
  }
}

export function readDb(data: string): Database.Database {
  return new Database(path.join(data, 'custodian.db'), { readonly: true, fileMustExist: true });
}

export interface IndexRow {
  id: number;
  abs: string;
  camera: string;
  state: string;
  startMs: number;
  endMs: number;
}

/** Every segment row in the index, with its absolute path as the index would reach it. */
export function indexRows(data: string): IndexRow[] {
  const db = readDb(data);
  try {
    const rows = db
      .prepare('SELECT s.id AS id, r.path AS root, d.rel AS rel, s.name AS name, s.camera_id AS camera, s.state AS state, s.start_ms AS startMs, s.end_ms AS endMs FROM segments s JOIN dirs d ON d.id = s.dir_id JOIN roots r ON r.id = s.root_id')
      .all() as { id: number; root: string; rel: string; name: string; camera: string; state: string; startMs: number; endMs: number }[];
    return rows.map((r) => ({ id: r.id, abs: path.join(r.root, ...(r.rel === '' ? [] : r.rel.split('/')), r.name), camera: r.camera, state: r.state, startMs: r.startMs, endMs: r.endMs }));
  } finally {
    db.close();
  }
}

export interface AlarmOut {
  id: number;
  kind: string;
  message: string;
  raised: string;
  acknowledged: string | null;
  conditionEnded: boolean;
  details: unknown;
}

/** Every alarm of the last 90 days, acknowledged or not (`alarms --all --json`). */
export function alarms(data: string): AlarmOut[] {
  return cliOk<{ alarms: AlarmOut[] }>(data, ['alarms', '--all']).alarms;
}

export function alarmsOf(data: string, kinds: readonly string[]): AlarmOut[] {
  return alarms(data).filter((a) => kinds.includes(a.kind));
}

/** An alarm's words and details as one string, for "does it name X". */
export function alarmText(a: AlarmOut): string {
  return `${a.message} ${JSON.stringify(a.details)}`;
}

export interface StatusOut {
  segments: number;
  roots: { id: number; path: string; online: boolean; segments: number }[];
  alarms: { id: number; kind: string; message: string }[];
}

export function status(data: string): StatusOut {
  return cliOk<StatusOut>(data, ['status']);
}

// ---------------------------------------------------------------------------------------------
// Oracles over disk + index + log
// ---------------------------------------------------------------------------------------------

export interface RecordCheck {
  /** Root the recordings were written under (as registered). */
  readonly root: string;
  readonly recs: readonly Rec[];
  /** Absolute paths we removed or moved away ourselves (not Custodian's doing). */
  readonly removedByUs?: ReadonlySet<string>;
  /** Absolute paths where a file is back that Custodian did not index (an operator's file). */
  readonly foreignAtPath?: ReadonlySet<string>;
  /** When false, files not on disk and not logged are not a violation (a sweep cut short). */
  readonly requireLogForGone?: boolean;
  /** Other files of ours under the root (earlier rounds): logging them is not a wrong path. */
  readonly alsoOurs?: ReadonlySet<string>;
  /**
   * Right after a crash: an index row that is not `present` (a journal entry of a deletion under
   * way) may point at a file already gone; a later sweep must finish it.
   */
  readonly midCrash?: boolean;
}

/**
 * The record must match the disk:
 *  - every deletion-log row of a recording names a file we generated, once;
 *  - nothing logged `deleted` or `already-gone` is still on the disk;
 *  - every generated file that is gone (and that we did not remove) is logged `deleted`, once
 *    (`already-gone` would say someone else removed it: nobody did);
 *  - every index row points at a file on the disk, and no file is indexed twice.
 */
export function recordViolations(log: readonly LogRow[], index: readonly IndexRow[], c: RecordCheck): string[] {
  const v: string[] = [];
  const ours = new Map(c.recs.map((r) => [absOf(c.root, r), r]));
  const segLog = log.filter((l) => l.kind === 'segment' && l.outcome !== 'pending');
  const byPath = new Map<string, LogRow[]>();
  for (const l of segLog) {
    if (!ours.has(l.path)) {
      // Rows of other rounds' files are not this check's business; any other row under this root is.
      if (l.path.startsWith(`${c.root}${path.sep}`) && !c.alsoOurs?.has(l.path)) v.push(`log row #${l.id} names ${l.path}, a file that was never there (wrong path)`);
      continue;
    }
    const list = byPath.get(l.path) ?? [];
    list.push(l);
    byPath.set(l.path, list);
  }
  for (const [p, rows] of byPath) {
    if (rows.length > 1) v.push(`${p} is logged ${rows.length} times (${rows.map((r) => `#${r.id} ${r.outcome}`).join(', ')})`);
    if (existsSync(p) && !c.foreignAtPath?.has(p)) v.push(`${p} is logged ${rows[0]?.outcome ?? ''} (#${rows[0]?.id ?? ''}) but is still on the disk`);
  }
  for (const [p] of ours) {
    if (existsSync(p) || c.removedByUs?.has(p)) continue;
    if (c.foreignAtPath?.has(p)) continue;
    const rows = byPath.get(p) ?? [];
    if (rows.length === 0) {
      if (c.requireLogForGone !== false) v.push(`${p} is gone from the disk but not in the deletion log`);
    } else if (rows.some((r) => r.outcome !== 'deleted')) {
      v.push(`${p} was deleted by Custodian but logged ${rows.map((r) => r.outcome).join('/')} (nobody else removed it)`);
    }
  }
  const seen = new Map<string, number>();
  for (const r of index) {
    if (!r.abs.startsWith(`${c.root}${path.sep}`) || (!ours.has(r.abs) && c.alsoOurs?.has(r.abs))) continue;
    seen.set(r.abs, (seen.get(r.abs) ?? 0) + 1);
    if (!existsSync(r.abs) && !c.removedByUs?.has(r.abs) && !(c.midCrash && r.state !== 'present')) v.push(`index row #${r.id} (${r.state}) for ${r.abs}, which is not on the disk`);
  }
  for (const [p, n] of seen) if (n > 1) v.push(`${p} is indexed ${n} times`);
  return v;
}

/**
 * `custodian check` must not say all is well where our oracle found what it claims to prove
 * (index vs disk vs deletion log vs holds): a file logged twice, a held file deleted, a file
 * logged gone that is on the disk. Returns a violation when it does (empty when it agrees).
 */
export function checkMisses(data: string, found: readonly string[]): string[] {
  const own = found.filter((v) => / is logged \d+ times| but is still on the disk|held .* (?:logged|unlinked)| logged already-gone/.test(v));
  if (own.length === 0) return [];
  const r = cli(data, ['check']);
  let ok: boolean | undefined;
  try {
    ok = jsonOf<{ ok: boolean }>(r).ok;
  } catch {
    return [`custodian check printed no verdict (exit ${String(r.code)}): ${r.err.trim()}`];
  }
  return ok ? [`custodian check says the invariants hold (exit ${String(r.code)}) while ${own.length} of our findings are of the kinds it proves, e.g. ${own[0] ?? ''}`] : [];
}

/** Files of ours on the disk that the index does not know (after a scan they all must be). */
export function unindexed(index: readonly IndexRow[], root: string, recs: readonly Rec[]): string[] {
  const known = new Set(index.map((r) => r.abs));
  return recs.map((r) => absOf(root, r)).filter((p) => existsSync(p) && !known.has(p));
}

/** A list of violations, shortened for an assertion message. */
export function summary(v: readonly string[], max = 12): string {
  if (v.length === 0) return 'none';
  return `${v.length} violation(s):\n  ${v.slice(0, max).join('\n  ')}${v.length > max ? `\n  … and ${v.length - max} more` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Mounts (we are root here; every test that mounts unmounts in afterAll/finally)
// ---------------------------------------------------------------------------------------------

export function mountPoints(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4]) out.add(f[4].replace(/\\040/g, ' '));
  }
  return out;
}

export function bindMount(src: string, dst: string): { ok: boolean; why: string } {
  const r = spawnSync('mount', ['--bind', src, dst], { encoding: 'utf8' });
  return { ok: r.status === 0, why: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

export function umountLazy(dst: string): boolean {
  return spawnSync('umount', ['-l', dst]).status === 0;
}

/** Lazily unmounts every mount at or below `dir` (afterAll). */
export function unmountAllUnder(dir: string): void {
  for (let i = 0; i < 10; i++) {
    const under = [...mountPoints()].filter((m) => m === dir || m.startsWith(`${dir}/`));
    if (under.length === 0) return;
    for (const m of under.sort((a, b) => b.length - a.length)) umountLazy(m);
  }
}

// ---------------------------------------------------------------------------------------------
// Helper processes racing the sweep (plain Node scripts, so they run beside the CLI)
// ---------------------------------------------------------------------------------------------

/** Starts `node -e code` with JSON `config` in argv[1]; it runs until killed (SIGTERM). */
export function startScript(code: string, config: unknown): { child: ChildProcess; pid: number; done: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['-e', code, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (c) => resolve({ code: c, out, err })));
  if (child.pid === undefined) throw new Error('could not start the helper script');
  return { child, pid: child.pid, done };
}

/**
 * The swapper: again and again, renames `target` to `stash` and puts a symlink to `decoy` in its
 * place, waits a random moment, then puts the real folder back. On SIGTERM it puts everything back
 * and prints how many swaps it made. Each step is a rename or symlink: what a person or a script
 * on the recorder does.
 */
export const SWAPPER = `
const fs = require('node:fs');
const cfg = JSON.parse(process.argv[1]);
let swaps = 0, stop = false;
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const restore = () => {
  try { if (fs.lstatSync(cfg.target).isSymbolicLink()) fs.unlinkSync(cfg.target); } catch {}
  try { fs.renameSync(cfg.stash, cfg.target); } catch {}
};
process.on('SIGTERM', () => { stop = true; });
const loop = () => {
  const until = Date.now() + 20;
  while (Date.now() < until && !stop) {
    try {
      fs.renameSync(cfg.target, cfg.stash);
      fs.symlinkSync(cfg.decoy, cfg.target);
      swaps++;
      nap(Math.random() * cfg.swappedMs);
    } finally { restore(); }
    nap(Math.random() * cfg.realMs);
  }
  if (stop) { restore(); process.stdout.write(JSON.stringify({ swaps })); process.exit(0); }
  setImmediate(loop);
};
loop();
`;

export async function stopScript(s: { child: ChildProcess; pid: number; done: Promise<{ code: number | null; out: string; err: string }> }): Promise<{ code: number | null; out: string; err: string }> {
  try {
    process.kill(s.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const t = setTimeout(() => killHard(s.pid), 5_000);
  const r = await s.done;
  clearTimeout(t);
  return r;
}
