/**
 * The running service on a big tree: its memory (RSS) and how soon it indexes what recorders
 * write. On a cached tree (bench/trees.ts) indexed first by `custodian scan`, `custodian run
 * --json --no-probe` runs for `--minutes` (10 by default) while every camera writes a new
 * segment, named now, into its newest folder every `--every` seconds (a recorder's pace,
 * compressed). VmRSS of the service is sampled each second; each file's latency is from its
 * write to the service's `indexed` event.
 *  - RSS ≤ 300 MB in both mtime modes (recorder-like, all recent), whatever the tree's size
 *  - every new segment indexed within 2 s
 *
 *   npm run build && npx tsx bench/service.bench.ts [--shape five-min] [--sizes 1m] [--mode recorder,recent] [--minutes 10] [--every 10]
 *   npx tsx bench/service.bench.ts --small      (the CI run: the small tree, 20 s)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatLayoutPath } from '../common/layout.js';
import { newDataFolder } from './index.bench.js';
import { CLI, custodian, fmtMs, loadNote, rssMb, scaleArgs } from './lib.js';
import { ensureTree, layoutOfTree, type Tree } from './trees.js';

/** Cameras writing each round at most (a 300-camera tree writes through 20 of them, in turn). */
const WRITERS = 20;

export interface ServiceFigures {
  tree: string;
  mode: string;
  files: number;
  minutes: number;
  peakRssMb: number;
  lastRssMb: number;
  written: number;
  indexed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  watched: number | null;
}

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}

export async function measureService(tree: Tree, minutes: number, everySeconds: number, log: (m: string) => void): Promise<ServiceFigures> {
  const data = newDataFolder(tree, `service-${tree.name}`);
  const written = new Map<string, number>();
  /** Every file this run wrote (the cached tree is put back as it was). */
  const planted: string[] = [];
  const latencies: number[] = [];
  let peak = 0;
  let last = 0;
  let watched: number | null = null;
  try {
    const cold = custodian(data, ['scan', '--json']);
    log(`  ${tree.name} (${tree.mode}): indexed in ${fmtMs(cold.ms)}; the service runs ${Number(minutes.toFixed(2))} min; ${loadNote()}`);
    const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : [];
    const child = spawn(process.execPath, [...prof, CLI, '--data', data, '--json', 'run', '--no-probe', '--exit-after', String(minutes * 60 + 3)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let ev: { event?: string; file?: string; result?: string; message?: string };
        try {
          ev = JSON.parse(line) as typeof ev;
        } catch {
          continue;
        }
        if (ev.event === 'indexed' && ev.result === 'indexed' && ev.file !== undefined) {
          const t0 = written.get(ev.file);
          if (t0 !== undefined) {
            latencies.push(performance.now() - t0);
            written.delete(ev.file);
          }
        } else if (ev.event === 'log' && ev.message !== undefined) {
          const m = /^watching (\d+) folders/.exec(ev.message);
          if (m) watched = Number(m[1]);
        }
      }
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Until the service says it watches (its start-up scan done), nothing is written.
    while (watched === null && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    const layout = layoutOfTree(tree);
    const started = performance.now();
    let round = 0;
    let lastWrite = 0;
    while (performance.now() - started < minutes * 60_000 && child.exitCode === null) {
      const r = child.pid === undefined ? null : rssMb(child.pid);
      if (r) {
        peak = Math.max(peak, r.peak);
        last = r.rss;
      }
      if (performance.now() - lastWrite >= everySeconds * 1000) {
        lastWrite = performance.now();
        const now = Math.floor(Date.now() / 1000) * 1000;
        for (let k = 0; k < Math.min(WRITERS, tree.cameras.length); k++) {
          const cam = tree.cameras[(round * WRITERS + k) % tree.cameras.length] as string;
          const file = path.join(tree.root, ...formatLayoutPath(layout, cam, now));
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, '');
          written.set(file, performance.now());
          planted.push(file);
        }
        round++;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    child.kill('SIGTERM');
    await exited;
    const missed = written.size;
    return {
      tree: tree.name,
      mode: tree.mode,
      files: tree.files,
      minutes,
      peakRssMb: peak,
      lastRssMb: last,
      written: latencies.length + missed,
      indexed: latencies.length,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      maxMs: missed > 0 ? Number.POSITIVE_INFINITY : Math.max(...latencies),
      watched,
    };
  } finally {
    // What the bench wrote goes (the cached tree stays as built); so does the data folder.
    for (const file of planted) rmSync(file, { force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

export function printService(all: readonly ServiceFigures[], log: (m: string) => void): void {
  log('');
  log('tree (mtimes)              | minutes | RSS peak / last | folders watched | new segments indexed | latency p50 / p95 / max');
  for (const f of all) {
    log(
      `${`${f.tree} (${f.mode})`.padEnd(27)}| ${String(Number(f.minutes.toFixed(2))).padEnd(7)} | ${`${f.peakRssMb.toFixed(0)} / ${f.lastRssMb.toFixed(0)} MB${f.peakRssMb <= 300 ? '' : ' NOT met'}`.padEnd(15)} | ${String(f.watched ?? '?').padEnd(15)} | ${`${f.indexed} of ${f.written}`.padEnd(20)} | ${f.p50Ms.toFixed(0)} / ${f.p95Ms.toFixed(0)} / ${Number.isFinite(f.maxMs) ? f.maxMs.toFixed(0) : 'missed'} ms${f.maxMs <= 2_000 ? '' : ' NOT met'}`,
    );
  }
  log('goals: RSS ≤ 300 MB; every new segment indexed within 2 s');
}

async function main(): Promise<void> {
  const args = scaleArgs(process.argv.slice(2), { shapes: 'five-min', sizes: '1m', modes: 'recorder,recent' });
  const minutes = Number(args.flags.get('minutes') ?? (args.small ? 1 / 3 : 10));
  const every = Number(args.flags.get('every') ?? 10);
  const log = (m: string): void => console.log(m);
  log(`service bench: ${args.shapes.join(', ')} at ${args.sizes.join(', ')}, mtimes ${args.modes.join(', ')}, ${Number(minutes.toFixed(2))} min each, a segment per writing camera every ${every} s; ${loadNote()}`);
  const all: ServiceFigures[] = [];
  for (const shape of args.shapes) {
    for (const mode of args.modes) {
      for (const size of args.sizes) {
        const tree = ensureTree(shape, size, { mode, log });
        all.push(await measureService(tree, minutes, every, log));
      }
    }
  }
  printService(all, log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) void main();
