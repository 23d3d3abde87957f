/**
 * The sweep against the physical floor: a first installation on a recorder that already holds
 * more than two months. On each cached tree (bench/trees.ts, 58 days) eight days older than the
 * retention cutoff are written (the tree's cameras, layout and grid; ≈ 12 % of the files), the whole is indexed,
 * and `custodian sweep` deletes what is due (the eight days, nothing else), against
 * `find COPY -type f -delete` of a copy of exactly those files, per file, the two runs side by
 * side (sync before each):
 *  - per file, ours vs find's: goal ≤ 1.5×
 *  - time per deleted file at 1 M / 2.5 M / 5 M: within 20 % of each other (linear)
 *  - a sweep with nothing due right after: its own time (goal ≤ 200 ms)
 * The tree is back as it was afterwards (the sweep removes the eight days and their folders).
 *
 *   npm run build && npx tsx bench/sweep.bench.ts [--shape frigate,five-min] [--sizes 1m,2.5m,5m] [--runs 1]
 *   npx tsx bench/sweep.bench.ts --small
 *   npx tsx bench/sweep.bench.ts --shape five-min --sizes 1m --due-hours 12.5   (≈ 9,000 due: a steady-state sweep's size at 5 M)
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { retentionCutoff } from '../common/time.js';
import { ensureTree, plantSegments, SITE_TZ, TREE_STORE, type Tree } from './trees.js';
import { BENCH_OUT, custodian, initOn, fmtMs, loadNote, median, perFile, scaleArgs, timeCommand } from './lib.js';

const DUE_DAYS = 8;

export interface SweepFigures {
  tree: string;
  indexed: number;
  deleted: number;
  baseFiles: number;
  oursMs: number;
  sweepMs: number;
  findMs: number;
  idleMs: number;
  idleProcessMs: number;
}

function firstInstallSweep(tree: Tree, dueMs: number, log: (m: string) => void): SweepFigures {
  // Eight days on the tree's grid that are surely due (they end an hour before the cutoff).
  const step = tree.segmentSeconds * 1000;
  const cutoff = retentionCutoff(Date.now(), 2, SITE_TZ);
  const to = tree.fromMs - Math.ceil((tree.fromMs - (cutoff - 3_600_000)) / step) * step;
  const from = to - dueMs;
  const copy = path.join(TREE_STORE, `${tree.name}-due-copy`);
  rmSync(copy, { recursive: true, force: true });
  const planted = plantSegments(tree, tree.root, from, to, true);
  const base = plantSegments(tree, copy, from, to, false);
  const data = path.join(BENCH_OUT, 'data', `sweep-${tree.name}`);
  rmSync(data, { recursive: true, force: true });
  try {
    initOn(data, tree.root, tree.layout);
    const scan = custodian(data, ['scan', '--json']);
    const indexed = (JSON.parse(scan.stdout) as { roots: { added: number }[] }).roots[0]?.added ?? 0;
    // A first installation deletes a large share at once: a person acknowledges that (safety rule 2b); here the setting stands in.
    custodian(data, ['settings', 'set', 'massDeletionShare', '1']);
    // A tree built a while ago has no recording from the last 12 hours: not a clock fault here.
    custodian(data, ['settings', 'set', 'clockCheckHours', String(366 * 24)]);
    timeCommand('sync', []);
    const ours = custodian(data, ['sweep', '--json']);
    const r = JSON.parse(ours.stdout) as { deleted: number; durationMs: number; refused: string | null };
    if (r.refused) throw new Error(`the sweep refused: ${r.refused}`);
    timeCommand('sync', []);
    const find = timeCommand('find', [copy, '-type', 'f', '-delete']);
    timeCommand('sync', []);
    const idle = custodian(data, ['sweep', '--json']);
    const ir = JSON.parse(idle.stdout) as { durationMs: number };
    log(`  ${tree.name}: ${indexed.toLocaleString('en')} indexed, planted ${planted.files.toLocaleString('en')}; sweep deleted ${r.deleted.toLocaleString('en')} in ${fmtMs(ours.ms)} (${fmtMs(r.durationMs)} in the sweep) vs find -delete of ${base.files.toLocaleString('en')} in ${fmtMs(find.ms)}; ${loadNote()}`);
    return { tree: tree.name, indexed, deleted: r.deleted, baseFiles: base.files, oursMs: ours.ms, sweepMs: r.durationMs, findMs: find.ms, idleMs: ir.durationMs, idleProcessMs: idle.ms };
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    // Whatever the sweep did not delete (it refused, it failed) goes, so the tree stays the cached one.
    for (const d of planted.folders) rmSync(d, { recursive: true, force: true });
  }
}

export function printSweep(all: readonly SweepFigures[], log: (m: string) => void): void {
  log('');
  log('tree                  | due deleted | custodian sweep (process) | find -delete | per file: ours / find = ratio | nothing due');
  for (const f of all) {
    const ratio = f.oursMs / f.deleted / (f.findMs / f.baseFiles);
    log(
      `${f.tree.padEnd(22)}| ${f.deleted.toLocaleString('en').padEnd(11)} | ${`${fmtMs(f.oursMs)} (${fmtMs(f.sweepMs)} in the sweep)`.padEnd(25)} | ${fmtMs(f.findMs).padEnd(12)} | ${perFile(f.oursMs, f.deleted)} / ${perFile(f.findMs, f.baseFiles)} = ${ratio.toFixed(2)}×${ratio <= 1.5 ? '' : ' NOT met'} | ${f.idleMs} ms in the sweep (${fmtMs(f.idleProcessMs)} process)${f.idleMs <= 200 ? '' : ' NOT met'}`,
    );
  }
  log('goals: ≤ 1.5× find per file; per file within 20 % across sizes; nothing due ≤ 200 ms');
  for (const shape of new Set(all.map((f) => f.tree.replace(/-[^-]+$/, '')))) {
    const group = all.filter((f) => f.tree.replace(/-[^-]+$/, '') === shape);
    if (group.length < 2) continue;
    const per = group.map((f) => f.oursMs / f.deleted);
    const spread = Math.max(...per) / Math.min(...per) - 1;
    log(`linearity ${shape} sweep: per deleted file ${per.map((p) => `${(p * 1000).toFixed(2)} µs`).join(' / ')} = spread ${(spread * 100).toFixed(0)} %${spread <= 0.2 ? '' : ' NOT met'} (goal ≤ 20 %)`);
  }
}

function main(): void {
  const args = scaleArgs(process.argv.slice(2), { shapes: 'frigate,five-min', runs: 1 });
  const log = (m: string): void => console.log(m);
  // --due-hours 12.5: the steady state's quarter-hourly sweep at 5 M (≈ 9,000 due) on a smaller tree.
  const dueHours = Number(args.flags.get('due-hours') ?? DUE_DAYS * 24);
  const dueMs = dueHours * 3_600_000;
  log(`sweep bench (${dueHours} hours due): ${args.shapes.join(', ')} at ${args.sizes.join(', ')}, ${args.runs} run(s); ${loadNote()}`);
  const all: SweepFigures[] = [];
  for (const shape of args.shapes) {
    for (const size of args.sizes) {
      // Its own recordings must not fall due while the bench runs.
      const tree = ensureTree(shape, size, { mode: 'recorder', notDueWithinMs: 6 * 3_600_000, log });
      const runs = Array.from({ length: args.runs }, () => firstInstallSweep(tree, dueMs, log));
      const mid = [...runs].sort((a, b) => a.oursMs / a.deleted / (a.findMs / a.baseFiles) - b.oursMs / b.deleted / (b.findMs / b.baseFiles))[Math.floor(runs.length / 2)] as SweepFigures;
      all.push({ ...mid, idleMs: median(runs.map((r) => r.idleMs)) });
    }
  }
  printSweep(all, log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
