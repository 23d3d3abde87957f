/**
 * The service (`custodian run`, and hosted by the desktop app): watches where recordings are
 * being written, rescans periodically (the scan is the truth; the watcher only speeds up
 * noticing), sweeps on a schedule and after each scan, and probes in the background.
 * start() opens everything it uses and stop() closes all of it.
 */
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { isCustodianRootFile } from '../common/domain.js';
import { messageOf } from '../common/errors.js';
import { dirsChangedSince } from '../db/dirs.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { fileFacts, folderEntries, relComponents } from '../native/recorder-fs.js';
import type { Ctx } from './context.js';
import { indexFile, scanAll, type ScanReport } from './indexer.js';
import { layoutOf } from './roots.js';
import { fillSizes, probeSome } from './probe-queue.js';
import { archiveIncident, flagOverdue, incidents } from './incidents.js';
import { pruneLogs } from './log-retention.js';
import { requestUpkeep } from './access-requests/register.js';
import { recordsUpkeep } from './records-upkeep.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { sweep, type SweepReport } from './retention.js';

/** A new folder is listed again this long after it appeared (files written while the watch was being set up). */
const NEW_FOLDER_RELIST_MS = [400, 1_500];
/** Files in a new folder modified within this long are indexed at once; older ones are left to the scan. */
const RECENT_FILE_MS = 10 * 60_000;

export interface ServiceEvents {
  log(line: string): void;
  scanned?(reports: ScanReport[]): void;
  swept?(report: SweepReport): void;
  indexed?(file: string, result: string): void;
}

export interface ServiceOptions {
  /** Folders changed within this window are watched (recorders write only in their newest folders). */
  activeWindowMs?: number;
  probe?: boolean;
  watch?: boolean;
}

export class RetentionService {
  private watcher: FSWatcher | null = null;
  private timers: NodeJS.Timeout[] = [];
  private watched = new Set<string>();
  private busy = Promise.resolve();
  private stopped = true;
  private probing = false;
  private rescanSoon: NodeJS.Timeout | null = null;
  private readonly retryAfter = new Map<string, number>();
  private readonly sizeCursor = { id: 0 };
  private readonly probeCursor = { id: Number.MAX_SAFE_INTEGER };

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
      const settle = Math.max(200, this.ctx.settings().settleSeconds * 1000);
      this.watcher = watch([], {
        depth: 0,
        ignoreInitial: true,
        followSymlinks: false,
        awaitWriteFinish: { stabilityThreshold: settle, pollInterval: 100 },
        // chokidar takes one inotify watch per file it tracks. Closed files (not modified for a
        // minute) are the scan's business, so only files still being written are tracked, and
        // each is dropped again once indexed.
        ignored: (p: string, stats?: Stats) => isCustodianRootFile(path.basename(p)) || (stats !== undefined && stats.isFile() && stats.mtimeMs < Date.now() - 60_000),
      });
      this.watcher.on('add', (file: string) => this.serial(() => this.onAdd(file)));
      this.watcher.on('addDir', (dir: string) => this.onAddDir(dir));
      this.watcher.on('error', (e: unknown) => this.events.log(`watcher: ${messageOf(e)}`));
      this.refreshWatches();
      await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
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
    if (this.watcher) await this.watcher.close();
    this.watcher = null;
    this.watched.clear();
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

  private onAdd(file: string): void {
    const root = this.rootOf(file);
    if (!root) return;
    const result = indexFile(this.ctx, root, file);
    this.events.indexed?.(file, result);
    if (result !== 'pending') void this.watcher?.unwatch(file);
    if (result === 'pending') {
      // Again as soon as it has been still for the settle time (not a fixed delay from now).
      const settleMs = this.ctx.settings().settleSeconds * 1000;
      const mtime = fileFacts(file)?.mtimeMs ?? this.ctx.now();
      this.later(Math.max(50, mtime + settleMs - this.ctx.now() + 20), () => this.onAdd(file));
    }
    // A recording that moved here: the scan keeps its row and holds; run one soon.
    if (result === 'moved' && this.rescanSoon === null) {
      this.rescanSoon = setTimeout(() => {
        this.rescanSoon = null;
        void this.serial(() => this.scanAndSweep(false));
      }, 2_000);
    }
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
   * A new folder (a recorder's new day folder at midnight, a new hour): watched from now on, and
   * listed at once and again shortly after, because its first file is often already in it
   * before the watch is in place, and no event will come for that file.
   */
  private onAddDir(dir: string): void {
    this.addWatch(dir);
    void this.serial(() => this.listNewFolder(dir));
    for (const ms of NEW_FOLDER_RELIST_MS) this.later(ms, () => this.listNewFolder(dir));
  }

  private listNewFolder(dir: string, depth = 0): void {
    const root = this.rootOf(dir);
    if (!root) return;
    const entries = folderEntries(dir);
    if (!entries) return;
    const now = this.ctx.now();
    const maxDepth = layoutOf(this.ctx, root).depth;
    for (const e of entries) {
      // Only what is being written now: older files are the scan's (a folder moved in with a
      // year of recordings is not indexed file by file here).
      if (e.mtimeMs < now - RECENT_FILE_MS) continue;
      const abs = path.join(dir, e.name);
      if (e.kind === 'file') this.onAdd(abs);
      else if (e.kind === 'dir' && depth < maxDepth) {
        this.addWatch(abs);
        this.listNewFolder(abs, depth + 1);
      }
    }
  }

  private rootOf(file: string): RootRow | undefined {
    return listRoots(this.ctx.db).find((r) => {
      const rel = path.relative(r.path, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  private addWatch(dir: string): void {
    if (!this.watcher || this.watched.has(dir)) return;
    this.watched.add(dir);
    this.watcher.add(dir);
  }

  /**
   * Watch each root, every folder changed recently, and the folders above those: a camera
   * folder last changed yesterday is where today's folder appears at midnight. Forget folders
   * that went quiet.
   */
  private refreshWatches(): void {
    if (!this.watcher) return;
    const since = this.ctx.now() - (this.options.activeWindowMs ?? 6 * 3_600_000);
    const want = new Set<string>();
    for (const r of listRoots(this.ctx.db)) {
      if (!r.online) continue;
      want.add(r.path);
      for (const d of dirsChangedSince(this.ctx.db, r.id, since)) {
        const comps = relComponents(d.rel);
        for (let n = comps.length; n > 0; n--) {
          const p = path.join(r.path, ...comps.slice(0, n));
          if (want.has(p)) break;
          want.add(p);
        }
      }
    }
    for (const w of [...this.watched]) {
      if (!want.has(w)) {
        void this.watcher.unwatch(w);
        this.watched.delete(w);
      }
    }
    for (const w of want) this.addWatch(w);
  }

  watchedFolders(): string[] {
    return [...this.watched];
  }

  private async background(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      await this.serial(() => {
        fillSizes(this.ctx, 5_000, this.sizeCursor);
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
