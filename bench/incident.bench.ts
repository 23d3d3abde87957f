/**
 * The product's archive path end to end: `archiveIncident` for a 1-hour incident over 60 one-minute
 * 1080p segments (hash every source at copy time, stream-copy concat, hash the clip, record it),
 * against the same work by hand: `sha256sum` of the 60 sources, `ffmpeg -f concat -c copy -an
 * -movflags +faststart`, `sha256sum` of the result. Also printed: the ratio against the issue's
 * literal baseline, which skips hashing the sources (goal ≤ 1.15×).
 * Run: npx tsx bench/incident.bench.ts   (segments are generated once by bench/archive.bench.ts's helper)
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { openCtx } from '../core/context.js';
import { exportPackage } from '../core/exports.js';
import { archiveIncident, createIncident } from '../core/incidents.js';
import { scanAll } from '../core/indexer.js';
import { addRoot } from '../core/roots.js';
import { changeSetting } from '../core/settings.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { ensureHourOfSegments, HOUR_START_MS } from './archive.bench.js';
import { BENCH_OUT, median } from './lib.js';

async function main(): Promise<void> {
  const tools = resolveMediaTools();
  const segs = await ensureHourOfSegments(tools);
  const work = path.join(BENCH_OUT, 'incident');
  const runs = Number(process.argv[2] ?? 3);
  const ours: number[] = [];
  const exportOurs: number[] = [];
  const exportByHand: number[] = [];
  const byHand: number[] = [];
  const literal: number[] = [];
  for (let run = 0; run < runs; run++) {
    rmSync(work, { recursive: true, force: true });
    const root = path.join(work, 'rec');
    const layout = compileLayout('camera-date-time', 'UTC');
    for (const s of segs) {
      const dest = path.join(root, ...formatLayoutPath(layout, 'cam1080', s.startMs));
      mkdirSync(path.dirname(dest), { recursive: true });
      linkSync(s.path, dest);
      utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
    }
    const ctx = openCtx({ dataDir: path.join(work, 'data'), now: () => HOUR_START_MS + 2 * 86_400_000 });
    changeSetting(ctx, 'siteTimeZone', 'UTC');
    addRoot(ctx, { path: root, layout: 'camera-date-time', layoutTimeZone: 'UTC' });
    scanAll(ctx);
    const inc = createIncident(ctx, { reason: 'crime-on-premises', justification: 'benchmark incident, one hour', title: 'bench', fromMs: HOUR_START_MS, toMs: HOUR_START_MS + 3_600_000, cameras: ['cam1080'] });
    spawnSync('sync');
    const t0 = performance.now();
    await archiveIncident(ctx, inc.ref);
    ours.push(performance.now() - t0);
    // Export the hour for the Police (stream copy, signed, SHA256SUMS) vs copying the clip and
    // hashing it by hand.
    const pkg = path.join(work, 'police');
    spawnSync('sync');
    const t4 = performance.now();
    const ex = await exportPackage(ctx, inc.ref, { audience: 'police', outDir: pkg });
    exportOurs.push(performance.now() - t4);
    const clip = path.join(ex.dir, 'clips', readdirSync(path.join(ex.dir, 'clips'))[0] as string);
    const hand = path.join(work, 'byhand-police');
    mkdirSync(hand);
    spawnSync('sync');
    const t5 = performance.now();
    spawnSync('cp', [clip, hand]);
    spawnSync('sha256sum', [path.join(hand, path.basename(clip))], { stdio: 'ignore' });
    exportByHand.push(performance.now() - t5);
    ctx.close();

    const list = path.join(work, 'list.txt');
    writeFileSync(list, segs.map((s) => `file '${s.path}'`).join('\n'));
    const out = path.join(work, 'byhand.mp4');
    spawnSync('sync');
    const t1 = performance.now();
    spawnSync('sha256sum', segs.map((s) => s.path), { stdio: 'ignore' });
    const t2 = performance.now();
    spawnSync(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-map', '0:v:0', '-c', 'copy', '-an', '-movflags', '+faststart', out], { stdio: 'ignore' });
    spawnSync('sha256sum', [out], { stdio: 'ignore' });
    const t3 = performance.now();
    byHand.push(t3 - t1);
    literal.push(t3 - t2);
  }
  const o = median(ours);
  const e = median(exportOurs);
  console.log(`export a 1-hour police package: custodian ${e.toFixed(0)} ms vs cp + sha256sum of the clip ${median(exportByHand).toFixed(0)} ms = ${(e / median(exportByHand)).toFixed(2)}× (goal ≤ 1.15×)`);
  console.log(`archive a 1-hour incident (60 × 1-min 1080p): custodian ${o.toFixed(0)} ms vs by hand (sha256sum sources + ffmpeg concat -c copy + sha256sum) ${median(byHand).toFixed(0)} ms = ${(o / median(byHand)).toFixed(2)}×; vs ffmpeg concat + sha256sum only ${median(literal).toFixed(0)} ms = ${(o / median(literal)).toFixed(2)}× (goal ≤ 1.15×)`);
}

void main();
