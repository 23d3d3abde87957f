/**
 * Redaction benchmark: burning masks into 10 minutes of 1080p footage.
 *
 *   npx tsx bench/redact.bench.ts [runs]      (default 1 run of each; each takes minutes)
 *
 * (a) the product path: redactClip with two masks;
 * (b) a hand-run ffmpeg doing the same: the same filter graph and the same encoder settings
 *     (REDACT_ENCODER_ARGS), written straight to out.mp4.
 * Prints the time, the encoder settings and the ratio product/baseline.
 *
 * Input: a 10-minute archived clip cut (with cutClip) from the first 10 generated one-minute
 * segments of bench/archive.bench.ts, cached in bench/out/redact/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cutClip } from '../native/clip.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { REDACT_ENCODER_ARGS, maskBoxes, maskFilter, redactClip, type Mask } from '../native/redact.js';
import { BENCH_OUT, GENERATED, ensureHourOfSegments, median } from './archive.bench.js';

/** A face-sized box by a door and a wide band across a desk. */
const MASKS: Mask[] = [
  { x: 0.1, y: 0.2, w: 0.15, h: 0.3 },
  { x: 0.4, y: 0.6, w: 0.5, h: 0.15 },
];

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? 1) || 1);
  const tools = resolveMediaTools();
  const segs = (await ensureHourOfSegments(tools)).slice(0, 10);
  const dir = path.join(BENCH_OUT, 'redact');
  mkdirSync(dir, { recursive: true });
  const input = path.join(dir, 'input-10min-1080p.mp4');
  if (!existsSync(input)) {
    const first = segs[0];
    const last = segs[segs.length - 1];
    if (!first || !last) throw new Error('no segments');
    await cutClip({ tools, sources: segs, fromMs: first.startMs, toMs: last.endMs, out: input });
  }
  console.log(`Input: ${input}, ${(statSync(input).size / 1e6).toFixed(0)} MB, 10 min of ${GENERATED.split(',').slice(0, 3).join(',')}.`);

  const boxes = maskBoxes(MASKS, 1920, 1080);
  const filter = maskFilter(boxes);
  const productOut = path.join(dir, 'product.mp4');
  const baseOut = path.join(dir, 'baseline.mp4');
  const baseArgs = ['-v', 'error', '-y', '-i', input, '-map', '0:v:0', '-an', '-vf', filter, ...REDACT_ENCODER_ARGS, '-vsync', 'passthrough', '-movflags', '+faststart', baseOut];
  console.log(`Baseline: ffmpeg ${baseArgs.join(' ')}`);

  const product: number[] = [];
  const baseline: number[] = [];
  let settings = '';
  for (let i = 0; i < runs; i++) {
    rmSync(baseOut, { force: true });
    let t0 = performance.now();
    const ff = spawnSync(tools.ffmpeg, baseArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (ff.status !== 0) throw new Error(`baseline ffmpeg failed: ${String(ff.stderr)}`);
    baseline.push(performance.now() - t0);

    rmSync(productOut, { force: true });
    t0 = performance.now();
    const r = await redactClip({ tools, input, masks: MASKS, out: productOut });
    product.push(performance.now() - t0);
    settings = r.settings;
    const frames = 10 * 60 * 25;
    console.log(
      `  run ${i + 1}: product ${((product[i] ?? 0) / 1000).toFixed(1)} s (${(frames / ((product[i] ?? 1) / 1000)).toFixed(0)} fps, ${(statSync(productOut).size / 1e6).toFixed(0)} MB), baseline ${((baseline[i] ?? 0) / 1000).toFixed(1)} s`,
    );
  }
  const pm = median(product);
  const bm = median(baseline);
  console.log(`Encoder settings: ${settings}`);
  console.log(
    `redact 10 min 1080p (2 masks): product ${runs > 1 ? 'median ' : ''}${(pm / 1000).toFixed(1)} s vs hand-run ffmpeg, same filter and settings, ${(bm / 1000).toFixed(1)} s = ${(pm / bm).toFixed(2)}× (${(600_000 / pm).toFixed(1)}× real time)`,
  );
  rmSync(productOut, { force: true });
  rmSync(baseOut, { force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
