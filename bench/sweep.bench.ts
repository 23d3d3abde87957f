/**
 * The sweep against the physical floor, on generated trees of empty files:
 *  - `custodian sweep` deleting ~100,000 due segments of a ~1,000,000-segment index
 *    (50 cameras × 68 days × 288 five-minute segments; the oldest ~7 days are due) vs
 *    `find … -type f -delete` of a copy of exactly those files: goal ≤ 1.5×
 *  - a sweep with nothing due on that index: goal ≤ 200 ms (the sweep's own time; the process
 *    start-up is printed beside it)
 * Destructive: the trees are made anew every run. Run: npm run build && npx tsx bench/sweep.bench.ts
 */
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { retentionCutoff } from '../common/time.js';
import { makeRecorderTree } from '../fixtures/recorder-tree.js';
import { settleFolderTimes, BENCH_OUT, custodian, ratioLine, timeCommand } from './lib.js';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 68);
const TZ = 'Europe/Stockholm';
const now = Math.floor(Date.now() / 300_000) * 300_000;
const root = path.join(BENCH_OUT, 'sweep-tree');
const copy = path.join(BENCH_OUT, 'sweep-find-copy');
const data = path.join(BENCH_OUT, 'sweep-data');
const cams = Array.from({ length: CAMERAS }, (_, i) => `cam${String(i).padStart(2, '0')}`);

function main(): void {
  for (const d of [root, copy, data]) rmSync(d, { recursive: true, force: true });
  const t0 = performance.now();
  const from = now - DAYS * 86_400_000;
  const tree = makeRecorderTree({ root, layout: 'camera-date-time', siteTimeZone: TZ, cameras: cams, fromMs: from, toMs: now - 300_000, segmentSeconds: 300, media: 'empty' });
  // The copy for find: exactly the files that are due.
  const cutoff = retentionCutoff(now, 2, TZ);
  const layout = compileLayout('camera-date-time', TZ);
  let due = 0;
  const made = new Set<string>();
  for (const cam of cams) {
    for (let s = from; s + 300_000 <= cutoff; s += 300_000) {
      const file = path.join(copy, ...formatLayoutPath(layout, cam, s));
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      closeSync(openSync(file, 'w'));
      due++;
    }
  }
  settleFolderTimes(root);
  console.log(`generated ${tree.files} files (${due} due) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  custodian(data, ['init', '--storage', root, '--layout', 'camera-date-time']);
  custodian(data, ['scan']);
  custodian(data, ['settings', 'set', 'massDeletionShare', '0.5']);
  timeCommand('sync', []);
  const ours = custodian(data, ['sweep', '--json']);
  const r = JSON.parse(ours.stdout) as { deleted: number; durationMs: number };
  timeCommand('sync', []);
  const base = timeCommand('find', [copy, '-type', 'f', '-delete']);
  console.log(`deleted ${r.deleted} (find deleted ${due})`);
  console.log(ratioLine(`sweep of ${r.deleted} due segments`, ours.ms, 'find -type f -delete', base.ms, '≤ 1.5×'));
  const idle = custodian(data, ['sweep', '--json']);
  const ir = JSON.parse(idle.stdout) as { deleted: number; durationMs: number };
  console.log(`sweep with nothing due on a ${tree.files - r.deleted}-segment index: ${ir.durationMs} ms in the sweep, ${idle.ms.toFixed(0)} ms for the whole process (goal ≤ 200 ms)`);
}

main();
