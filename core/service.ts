/**
 * The service (`custodian run`, and hosted by the desktop app): watches where recordings are
 * being written, rescans periodically (the scan is the truth; the watcher only speeds up
 * noticing), sweeps on a schedule and after each scan, and probes in the background.
 * start() opens everything it uses and stop() closes all of it.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { messageOf } from '../common/errors.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { fileFacts, folderEntries } from '../native/recorder-fs.js';
import type { Ctx } from './context.js';
import { indexFile, scanAll, type ScanReport } from './indexer.js';
import { layoutOf } from './roots.js';
import { fillSizes, probeSome } from './probe-queue.js';
import { archiveIncident, flagOverdue, incidents } from './incidents.js';
import { pruneLogs } from './log-retention.js';
import { requestUpkeep } from './access-requests/register.js';
import { recordsUpkeep } from './records-upkeep.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { activeFolders, RecorderWatch } from './recorder-watch.js';
import { sweep, type SweepReport } from './retention.js';

/** A new folder is listed again this long after it appeared (files written while the watch was being set up). */
const NEW_FOLDER_RELIST_MS = [400, 1_500];
/** Files in a new folder modified within this long are indexed at once; older ones are left to the scan. */
const RECENT_FILE_MS = 10 * 60_000;
/** A new folder with more entries than this (a tree copied in) is left to a scan, run soon. */
const NEW_FOLDER_MAX_ENTRIES = 2_000;
/** A folder that appeared while running stays watched this long, whatever the index says. */
const KEEP_NEW_FOLDER_MS = 2 * 3_600_000;
/** Sizes filled in the background per step, and the time one round of steps may take. */
const FILL_STEP = 250;
const FILL_BUDGET_MS = 150;
/** Files indexed lately: their further events (writes, the recorder's touch) are not looked at again. */
const DONE_MEMORY = 4_096;

export interface ServiceEvents {
  log(line: string): void;
  scanned?(reports: ScanReport[]): void;
  swept?(report: SweepReport): void;
  indexed?(file: string, result: string): void;
}

export interface ServiceOptions {
  probe?: boolean;
  watch?: boolean;
}

export class RetentionService {
  private watch: RecorderWatch | null = null;
  private timers: NodeJS.Timeout[] = [];
  private busy = Promise.resolve();
  private stopped = true;
  private probing = false;
  private rescanSoon: NodeJS.Timeout | null = null;
  private readonly retryAfter = new Map<string, number>();
  private readonly sizeCursor = { id: 0 };
  private readonly probeCursor = { id: Number.MAX_SAFE_INTEGER };
  /** Files with a look queued or waiting for them to settle: further events for them change nothing. */
  private readonly tracking = new Set<string>();
  /** Files looked at lately (insertion-ordered, bounded). */
  private readonly done = new Set<string>();
  private watchProblems = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly events: ServiceEvents,
    private readonly options: ServiceOptions = {},
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    if (this.options.probe !== false) {
      // Checked now, with a clear error, rather than at the first segment to probe.
      const s = this.ctx.settings();
      resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
    }
    await this.scanAndSweep(true);
    if (this.options.watch !== false) {
      this.watch = new RecorderWatch({
        entry: (dir, name) => this.onEntry(dir, name),
        folder: (dir) => void this.serial(() => this.listFolder(dir, 0, false)),
        problem: (dir, e) => {
          // Said once per run (a system limit on watches would otherwise say it for every folder).
          if (this.watchProblems++ === 0) this.events.log(`watcher: ${dir}: ${messageOf(e)} (the rescan still finds what is written there)`);
        },
      });
      this.refreshWatches();
    }
    const s = this.ctx.settings();
    this.timers.push(setInterval(() => void this.serial(() => this.scanAndSweep(false)), s.scanIntervalMinutes * 60_000));
    this.timers.push(setInterval(() => void this.serial(() => this.sweepNow()), s.sweepIntervalMinutes * 60_000));
    this.timers.push(setInterval(() => void this.background(), 2_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.rescanSoon) clearTimeout(this.rescanSoon);
    this.rescanSoon = null;
    await this.busy;
    this.watch?.close();
    this.watch = null;
    this.tracking.clear();
  }

  /** One thing at a time against the database from this process. */
  private serial(fn: () => Promise<void> | void): Promise<void> {
    this.busy = this.busy.then(async () => {
      if (this.stopped) return;
      try {
        await fn();
      } catch (e) {
        this.events.log(`error: ${messageOf(e)}`);
      }
    });
    return this.busy;
  }

  /**
   * A rescan, full for each root whose last full scan (kept in the database, so a restart does
   * not reset the day) is a day old: every file's size and mtime compared.
   */
  async scanAndSweep(initial: boolean): Promise<void> {
    const reports = scanAll(this.ctx, { full: 'daily' });
    if (initial || reports.some((r) => r.full)) {
      const pruned = pruneLogs(this.ctx);
      if (pruned.deletions || pruned.handovers) this.events.log(`pruned ${pruned.deletions} deletion and ${pruned.handovers} handover log rows past their retention`);
    }
    this.events.scanned?.(reports);
    await recordsUpkeep(this.ctx, (line) => this.events.log(line));
    this.refreshWatches();
    await this.sweepNow();
    const overdue = flagOverdue(this.ctx);
    if (overdue.length > 0) this.events.log(`${overdue.length} incident(s) overdue for review: ${overdue.map((i) => i.ref).join(', ')}`);
    requestUpkeep(this.ctx, (line) => this.events.log(line));
  }

  /** Incidents created with --no-wait (or interrupted) are archived here, one at a time. */
  private async archivePending(): Promise<void> {
    for (const inc of incidents(this.ctx).filter((i) => i.status === 'open')) {
      if ((this.retryAfter.get(inc.ref) ?? 0) > this.ctx.now()) continue;
      try {
        const r = await archiveIncident(this.ctx, inc.ref);
        this.events.log(`archived ${inc.ref}: ${r.clips.length} clip(s)`);
      } catch (e) {
        this.retryAfter.set(inc.ref, this.ctx.now() + 5 * 60_000);
        this.events.log(`archiving ${inc.ref} failed: ${messageOf(e)} (hold kept; retried in 5 minutes)`);
      }
    }
  }

  async sweepNow(): Promise<void> {
    const r = sweep(this.ctx);
    this.events.swept?.(r);
  }

  /** An event in a watched folder: a new folder is watched and listed, a file is looked at. */
  private onEntry(dir: string, name: string): void {
    const abs = path.join(dir, name);
    if (this.tracking.has(abs) || this.done.has(abs) || this.stopped) return;
    let isDir: boolean;
    try {
      const st = lstatSync(abs);
      if (!st.isFile() && !st.isDirectory()) return;
      isDir = st.isDirectory();
    } catch {
      return; // gone again (deleted, renamed away)
    }
    if (isDir) {
      if (!this.watch?.has(abs)) this.onNewFolder(abs);
      return;
    }
    this.tracking.add(abs);
    void this.serial(() => this.lookAt(abs));
  }

  /** Indexes a file once it has been still for the settle time (it may be growing now). */
  private lookAt(file: string): void {
    const root = this.rootOf(file);
    if (!root) {
      this.tracking.delete(file);
      return;
    }
    const result = indexFile(this.ctx, root, file);
    this.events.indexed?.(file, result);
    if (result === 'pending') {
      // Again as soon as it has been still for the settle time (not a fixed delay from now).
      const settleMs = this.ctx.settings().settleSeconds * 1000;
      const mtime = fileFacts(file)?.mtimeMs ?? this.ctx.now();
      this.later(Math.max(50, mtime + settleMs - this.ctx.now() + 20), () => this.lookAt(file));
      return;
    }
    this.tracking.delete(file);
    this.done.add(file);
    if (this.done.size > DONE_MEMORY) this.done.delete(this.done.values().next().value as string);
    // A recording that moved here: the scan keeps its row and holds; run one soon.
    if (result === 'moved') this.scanSoon();
  }

  private scanSoon(): void {
    if (this.rescanSoon !== null || this.stopped) return;
    this.rescanSoon = setTimeout(() => {
      this.rescanSoon = null;
      void this.serial(() => this.scanAndSweep(false));
    }, 2_000);
  }

  /** Runs `fn` in the serial queue after `ms`; stop() cancels it. */
  private later(ms: number, fn: () => Promise<void> | void): void {
    const t = setTimeout(() => {
      this.timers = this.timers.filter((x) => x !== t);
      void this.serial(fn);
    }, ms);
    this.timers.push(t);
  }

  /**
   * A new folder (a recorder's new day folder at midnight, a new hour): watched from now on, then
   * listed (in that order, so nothing written in between is missed), and listed again shortly
   * after, because its first file is often already in it before the watch is in place, and no
   * event will come for that file.
   */
  private onNewFolder(dir: string): void {
    if (!this.watch) return;
    this.watch.add(dir, this.ctx.now());
    void this.serial(() => this.listFolder(dir, 0, true));
    for (const ms of NEW_FOLDER_RELIST_MS) this.later(ms, () => this.listFolder(dir, 0, true));
  }

  /** Looks at what is being written now in a folder (and, for a new one, in new folders inside it). */
  private listFolder(dir: string, depth: number, isNew: boolean): void {
    const root = this.rootOf(dir);
    if (!root) return;
    const entries = folderEntries(dir);
    if (!entries) return;
    if (isNew && entries.length > NEW_FOLDER_MAX_ENTRIES) {
      // A tree copied or moved in, not a recorder's new folder: the scan lists it (and sees moves).
      this.scanSoon();
      return;
    }
    const now = this.ctx.now();
    const maxDepth = layoutOf(this.ctx, root).depth;
    for (const e of entries) {
      // Only what is being written now: older files are the scan's (a folder moved in with a
      // year of recordings is not indexed file by file here).
      if (e.mtimeMs < now - RECENT_FILE_MS) continue;
      const abs = path.join(dir, e.name);
      if (e.kind === 'file') {
        if (this.tracking.has(abs) || this.done.has(abs)) continue;
        this.tracking.add(abs);
        this.lookAt(abs);
      } else if (e.kind === 'dir' && isNew && depth < maxDepth && this.watch) {
        this.watch.add(abs, now);
        this.listFolder(abs, depth + 1, true);
      }
    }
  }

  private rootOf(file: string): RootRow | undefined {
    return listRoots(this.ctx.db).find((r) => {
      const rel = path.relative(r.path, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  /**
   * Watch what is being written now: each camera's newest folders and the folders above them
   * (see activeFolders), and the folders that appeared while running. Forget the rest.
   */
  private refreshWatches(): void {
    if (!this.watch) return;
    const want = new Set<string>();
    for (const r of listRoots(this.ctx.db)) {
      if (!r.online) continue;
      for (const d of activeFolders(this.ctx, r)) want.add(d);
    }
    this.watch.set(want, this.ctx.now(), KEEP_NEW_FOLDER_MS);
  }

  watchedFolders(): string[] {
    return this.watch?.folders() ?? [];
  }

  private async background(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      // Small steps within a time budget: a file event waits behind this in the queue, and
      // 5,000 stat's and their commit in one step held new segments back 3–8 s on 1 M.
      await this.serial(() => {
        const until = performance.now() + FILL_BUDGET_MS;
        while (fillSizes(this.ctx, FILL_STEP, this.sizeCursor) > 0 && performance.now() < until);
      });
      await this.serial(() => this.archivePending());
      if (this.options.probe !== false) {
        let r = { probed: 0, audio: 0, errors: 0 };
        await this.serial(async () => {
          r = await probeSome(this.ctx, 4, this.probeCursor);
        });
        if (r.audio > 0) this.events.log(`${r.audio} segment(s) with an audio stream: policy deviation alarm raised`);
      }
    } finally {
      this.probing = false;
    }
  }
}
