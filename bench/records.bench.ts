/**
 * What the record chain costs a sweep. In one process, on a generated tree of empty files:
 *  - a sweep deleting ~10,000 due segments (synchronous=FULL, as Custodian runs), its own time;
 *  - the chaining work inside it, measured by redoing it: reading back and hashing every
 *    deletion row the sweep wrote, as `insertFinalDeletions` does in the sweep's transaction;
 *  - the same sweep on a fresh copy with synchronous=NORMAL (what the fsync per commit costs);
 *  - `find -type f -delete` of the same files, the named baseline.
 * Run: npx tsx bench/records.bench.ts   (BENCH_SEGMENTS per camera, 4 cameras; default 5000)
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openCtx } from '../core/context.js';
import { scanAll } from '../core/indexer.js';
import { sweep } from '../core/retention.js';
import { addRoot } from '../core/roots.js';
import { changeSetting } from '../core/settings.js';
import { digestRun } from '../db/ledger.js';
import { writeSegments } from '../test/helpers.js';
import { BENCH_OUT, ratioLine, timeCommand } from './lib.js';

const PER_CAMERA = Number(process.env.BENCH_SEGMENTS ?? 5000);
const base = path.join(BENCH_OUT, 'records');

function prepare(name: string): { data: string; root: string } {
  const dir = path.join(base, name);
  const root = path.join(dir, 'rec');
  mkdirSync(root, { recursive: true });
  for (let c = 0; c < 4; c++) writeSegments(root, `cam${c}`, Date.now() - 70 * 86_400_000, PER_CAMERA, 5 * 60_000);
  const ctx = openCtx({ dataDir: path.join(dir, 'data') });
  addRoot(ctx, { path: root });
  changeSetting(ctx, 'massDeletionShare', 1);
  scanAll(ctx);
  ctx.close();
  return { data: path.join(dir, 'data'), root };
}

function sweepOnce(data: string, synchronous: 'FULL' | 'NORMAL'): { ms: number; deleted: number; chainMs: number } {
  const ctx = openCtx({ dataDir: data });
  try {
    ctx.db.pragma(`synchronous = ${synchronous}`);
    const r = sweep(ctx);
    // The chaining work again: every run of deletion rows read back and hashed.
    const runs = ctx.db.prepare("SELECT first_id, last_id FROM ledger WHERE tbl = 'deletions'").all() as { first_id: number; last_id: number }[];
    const t = performance.now();
    for (const run of runs) digestRun(ctx.db, 'deletions', run.first_id, run.last_id);
    return { ms: r.durationMs, deleted: r.deleted, chainMs: performance.now() - t };
  } finally {
    ctx.close();
  }
}

rmSync(base, { recursive: true, force: true });
const full = prepare('full');
const normal = path.join(base, 'normal');
cpSync(path.join(base, 'full'), normal, { recursive: true });
const find = path.join(base, 'find');
cpSync(full.root, find, { recursive: true });
// Written-back before each timed step: the copies above leave the disk busy for a while.
timeCommand('sync', []);
const a = sweepOnce(full.data, 'FULL');
// The copy's root path is still the first tree's in its database: point it at the copy.
const ctx = openCtx({ dataDir: path.join(normal, 'data') });
ctx.db.prepare('UPDATE roots SET path = ?').run(path.join(normal, 'rec'));
ctx.close();
timeCommand('sync', []);
const b = sweepOnce(path.join(normal, 'data'), 'NORMAL');
timeCommand('sync', []);
const f = timeCommand('find', [find, '-type', 'f', '-name', '*.mp4', '-delete']);
console.log(`deleted ${a.deleted} (FULL) and ${b.deleted} (NORMAL)`);
console.log(ratioLine(`sweep of ${a.deleted}, synchronous=FULL`, a.ms, 'find -type f -delete', f.ms, 'report'));
console.log(ratioLine(`sweep of ${b.deleted}, synchronous=NORMAL`, b.ms, 'find -type f -delete', f.ms, 'report'));
console.log(`chaining the ${a.deleted} deletion rows (read back and hashed): ${a.chainMs.toFixed(0)} ms = ${((100 * a.chainMs) / a.ms).toFixed(0)}% of the sweep`);
