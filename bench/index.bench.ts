/**
 * The index against the physical floor, on cached trees of empty files (bench/trees.ts), at each
 * size, each figure beside its baseline run (interleaved: find, cold, rescan, find, …):
 *  - cold index (`custodian scan` on a new data folder, process start-up included) vs
 *    `find ROOT -type f -printf '%p %s %T@\n'`: goal ≤ 1.0×
 *  - rescan with nothing changed vs the same find: goal ≤ 0.3×
 *  - time per segment of each at 1 M / 2.5 M / 5 M: within 20 % of each other (linear)
 *  - the database's bytes per segment (the whole file, and the segments table with its
 *    indexes): goal ≤ 200 B
 *
 *   npm run build && npx tsx bench/index.bench.ts [--shape frigate,five-min] [--sizes 1m,2.5m,5m] [--mode recorder,recent] [--runs 3]
 *   npx tsx bench/index.bench.ts --small      (the CI run: one small tree, one run)
 */
import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureTree, type Tree } from './trees.js';
import { BENCH_OUT, custodian, initOn, fmtMs, loadNote, median, perFile, scaleArgs, timeCommand } from './lib.js';

export interface IndexFigures {
  tree: string;
  mode: string;
  files: number;
  indexed: number;
  findMs: number;
  coldMs: number;
  rescanMs: number;
  dbBytes: number;
  segmentBytes: number;
}

/** A new data folder on `tree` that will not delete from it (retention 12 months). */
export function newDataFolder(tree: Tree, name: string): string {
  const data = path.join(BENCH_OUT, 'data', name);
  rmSync(data, { recursive: true, force: true });
  initOn(data, tree.root, tree.layout);
  custodian(data, ['settings', 'set', 'retentionMonths', '12']);
  return data;
}

/** Bytes of the database file after a checkpoint, and of the segments table with its indexes. */
export function databaseBytes(data: string): { db: number; segments: number; rows: number } {
  const file = path.join(data, 'custodian.db');
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rows = (db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n;
    const seg = db.prepare("SELECT COALESCE(SUM(pgsize), 0) AS b FROM dbstat WHERE name = 'segments' OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'segments' AND type = 'index')").get() as { b: number };
    return { db: statSync(file).size, segments: seg.b, rows };
  } finally {
    db.close();
  }
}

function findOnce(root: string): number {
  return timeCommand('sh', ['-c', `find '${root}' -type f -printf '%p %s %T@\\n' > /dev/null`]).ms;
}

export function measureIndex(tree: Tree, runs: number, log: (m: string) => void): IndexFigures {
  findOnce(tree.root); // the page cache warm for both sides
  const finds: number[] = [];
  const colds: number[] = [];
  const rescans: number[] = [];
  let indexed = 0;
  let data = '';
  for (let i = 0; i < runs; i++) {
    finds.push(findOnce(tree.root));
    data = newDataFolder(tree, `index-${tree.name}-${i}`);
    const cold = custodian(data, ['scan', '--json']);
    colds.push(cold.ms);
    indexed = (JSON.parse(cold.stdout) as { roots: { added: number }[] }).roots[0]?.added ?? 0;
    const rescan = custodian(data, ['scan', '--json']);
    rescans.push(rescan.ms);
    log(`  run ${i + 1}: find ${fmtMs(finds[i] as number)}, cold ${fmtMs(cold.ms)} (${indexed.toLocaleString('en')} indexed), rescan ${fmtMs(rescan.ms)}; ${loadNote()}`);
    if (i < runs - 1) rmSync(data, { recursive: true, force: true });
  }
  const bytes = databaseBytes(data);
  rmSync(data, { recursive: true, force: true });
  return { tree: tree.name, mode: tree.mode, files: tree.files, indexed, findMs: median(finds), coldMs: median(colds), rescanMs: median(rescans), dbBytes: bytes.db, segmentBytes: bytes.segments };
}

export function printIndex(all: readonly IndexFigures[], log: (m: string) => void): void {
  log('');
  log("tree (mtimes)              | find -printf  | cold index            | rescan                | per segment: find / cold / rescan | DB bytes per segment (segments table)");
  for (const f of all) {
    const cold = f.coldMs / f.findMs;
    const re = f.rescanMs / f.findMs;
    log(
      `${`${f.tree} (${f.mode})`.padEnd(27)}| ${fmtMs(f.findMs).padEnd(13)} | ${`${fmtMs(f.coldMs)} = ${cold.toFixed(2)}×${cold <= 1.0 ? '' : ' NOT met'}`.padEnd(21)} | ${`${fmtMs(f.rescanMs)} = ${re.toFixed(2)}×${re <= 0.3 ? '' : ' NOT met'}`.padEnd(21)} | ${perFile(f.findMs, f.files)} / ${perFile(f.coldMs, f.files)} / ${perFile(f.rescanMs, f.files)} | ${(f.dbBytes / Math.max(1, f.indexed)).toFixed(0)} (${(f.segmentBytes / Math.max(1, f.indexed)).toFixed(0)})`,
    );
  }
  log('goals: cold ≤ 1.0×, rescan ≤ 0.3× of find; per segment within 20 % across sizes; ≤ 200 B per segment');
  for (const mode of new Set(all.map((f) => `${f.tree.replace(/-[^-]+$/, '')}|${f.mode}`))) {
    const group = all.filter((f) => `${f.tree.replace(/-[^-]+$/, '')}|${f.mode}` === mode);
    if (group.length < 2) continue;
    for (const key of ['coldMs', 'rescanMs'] as const) {
      const per = group.map((f) => f[key] / f.files);
      const spread = Math.max(...per) / Math.min(...per) - 1;
      log(`linearity ${mode.replace('|', ' (')}) ${key === 'coldMs' ? 'cold' : 'rescan'}: per segment ${per.map((p) => `${(p * 1000).toFixed(2)} µs`).join(' / ')} = spread ${(spread * 100).toFixed(0)} %${spread <= 0.2 ? '' : ' NOT met'} (goal ≤ 20 %)`);
    }
  }
}

function main(): void {
  const args = scaleArgs(process.argv.slice(2), { shapes: 'frigate,five-min', modes: 'recorder,recent' });
  const log = (m: string): void => console.log(m);
  log(`index bench: ${args.shapes.join(', ')} at ${args.sizes.join(', ')}, mtimes ${args.modes.join(', ')}, ${args.runs} run(s) each; ${loadNote()}`);
  const all: IndexFigures[] = [];
  for (const shape of args.shapes) {
    for (const mode of args.modes) {
      for (const size of args.sizes) {
        const tree = ensureTree(shape, size, { mode, log });
        log(`${tree.name} (${mode}): ${tree.files.toLocaleString('en')} files in ${tree.folders.toLocaleString('en')} folders`);
        all.push(measureIndex(tree, args.runs, log));
      }
    }
  }
  printIndex(all, log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
