/**
 * Archive benchmark: cutting one hour of one camera into an archived clip and hashing it.
 *
 *   npx tsx bench/archive.bench.ts
 *
 * (a) the product path: cutClip over 60 one-minute segments for the whole hour, then
 *     sha256File of the result (native/hash.ts);
 * (b) the hand-run baseline a technician would type:
 *     ffmpeg -f concat -safe 0 -i list.txt -c copy -an -movflags +faststart out.mp4 && sha256sum out.mp4
 * Each runs 3 times by default (`npx tsx bench/archive.bench.ts 7` for 7; alternating, after one untimed warm-up); medians and the ratio (goal ≤ 1.15×) are printed on one line.
 *
 * The hour of 1080p footage is generated once and cached in bench/out/archive/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cutClip } from '../native/clip.js';
import { runTool } from '../native/ffmpeg-run.js';
import { sha256File } from '../native/hash.js';
import { resolveMediaTools, type MediaTools } from '../native/media-tools.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_OUT = path.join(here, 'out');
const SEG_DIR = path.join(BENCH_OUT, 'archive', 'segments-1080p');
export const SEGMENT_COUNT = 60;
/**
 * Distinct minutes actually encoded; the rest of the hour are byte copies of them (separate
 * files). Cutting and hashing cost the same whatever the pictures show, and encoding a whole
 * hour of 1080p takes over an hour on this shared 2-core machine.
 */
const DISTINCT = 10;
/** The recording settings of the generated camera (see bench/archive.md). */
export const GENERATED = `1920x1080 testsrc2, 25 fps, H.264 libx264 -preset veryfast, 2 Mbit/s (maxrate 2M), keyframe every 2 s, no audio, 60 s MP4 segments (${DISTINCT} distinct minutes, each file copied to fill the hour)`;

export interface Segment {
  readonly path: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** A fixed wall-clock origin for the generated hour (2026-03-02 08:00 UTC). */
export const HOUR_START_MS = Date.UTC(2026, 2, 2, 8, 0, 0);

export function segmentList(count = SEGMENT_COUNT): Segment[] {
  return Array.from({ length: count }, (_, i) => ({
    path: path.join(SEG_DIR, `seg${String(i).padStart(2, '0')}.mp4`),
    startMs: HOUR_START_MS + i * 60_000,
    endMs: HOUR_START_MS + (i + 1) * 60_000,
  }));
}

/** Generates the hour once (one ffmpeg run of the segment muxer, niced so others keep working). */
export async function ensureHourOfSegments(tools: MediaTools): Promise<Segment[]> {
  const segs = segmentList();
  const done = path.join(SEG_DIR, '.complete');
  if (existsSync(done) && segs.every((s) => existsSync(s.path))) return segs;
  rmSync(SEG_DIR, { recursive: true, force: true });
  mkdirSync(SEG_DIR, { recursive: true });
  console.log(`Generating ${SEGMENT_COUNT} one-minute segments (${GENERATED}) in ${SEG_DIR} — once; this takes a while…`);
  const t0 = performance.now();
  const args = [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=25:d=${DISTINCT * 60}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '2M', '-maxrate', '2M', '-bufsize', '4M',
    '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-f', 'segment', '-segment_time', '60', '-segment_format', 'mp4', '-reset_timestamps', '1',
    path.join(SEG_DIR, 'seg%02d.mp4'),
  ];
  const nice = process.platform === 'linux' && spawnSync('nice', ['--version']).status === 0;
  await runTool(nice ? 'nice' : tools.ffmpeg, nice ? ['-n', '10', tools.ffmpeg, ...args] : args);
  for (let i = DISTINCT; i < SEGMENT_COUNT; i++) copyFileSync((segs[i % DISTINCT] as Segment).path, (segs[i] as Segment).path);
  writeFileSync(done, new Date().toISOString());
  console.log(`Generated in ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
  return segs;
}

export function totalBytes(files: readonly string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function quote(p: string): string {
  return `'${p.replace(/'/g, "'\\''")}'`;
}

interface Timed {
  readonly ms: number;
  /** The cut (product: cutClip incl. probes and fsync; baseline: the ffmpeg run). */
  readonly cutMs: number;
  readonly sha: string;
}

async function productRun(tools: MediaTools, segs: readonly Segment[], out: string): Promise<Timed & { span: string }> {
  rmSync(out, { force: true });
  const first = segs[0] as Segment;
  const last = segs[segs.length - 1] as Segment;
  const t0 = performance.now();
  const r = await cutClip({ tools, sources: [...segs], fromMs: first.startMs, toMs: last.endMs, out });
  const cutMs = performance.now() - t0;
  const sha = await sha256File(out);
  const ms = performance.now() - t0;
  return { ms, cutMs, sha, span: `${((r.endMs - r.startMs) / 1000).toFixed(2)} s, ${r.durationMs} ms of video` };
}

function baselineRun(tools: MediaTools, segs: readonly Segment[], dir: string, out: string): Timed {
  rmSync(out, { force: true });
  const list = path.join(dir, 'list.txt');
  writeFileSync(list, segs.map((s) => `file ${quote(s.path)}\n`).join(''));
  const t0 = performance.now();
  const ff = spawnSync(tools.ffmpeg, ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-an', '-movflags', '+faststart', out]);
  if (ff.status !== 0) throw new Error(`baseline ffmpeg failed: ${String(ff.stderr)}`);
  const cutMs = performance.now() - t0;
  const sum = spawnSync('sha256sum', [out], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (sum.status !== 0) throw new Error(`sha256sum failed: ${sum.stderr}`);
  return { ms, cutMs, sha: sum.stdout.split(' ')[0] ?? '' };
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? 3) || 3);
  const tools = resolveMediaTools();
  const segs = await ensureHourOfSegments(tools);
  const work = path.join(BENCH_OUT, 'archive', 'run');
  mkdirSync(work, { recursive: true });
  for (const f of readdirSync(work)) rmSync(path.join(work, f), { force: true });
  const inBytes = totalBytes(segs.map((s) => s.path));
  console.log(`Input: ${segs.length} segments, ${(inBytes / 1e6).toFixed(0)} MB (${GENERATED}).`);

  const productOut = path.join(work, 'product.mp4');
  const baseOut = path.join(work, 'baseline.mp4');
  const product: number[] = [];
  const baseline: number[] = [];
  const productCut: number[] = [];
  const baselineCut: number[] = [];
  // One untimed warm-up of each so both read the segments from the page cache.
  await productRun(tools, segs, productOut);
  baselineRun(tools, segs, work, baseOut);
  for (let i = 0; i < runs; i++) {
    const b = baselineRun(tools, segs, work, baseOut);
    baseline.push(b.ms);
    baselineCut.push(b.cutMs);
    const p = await productRun(tools, segs, productOut);
    product.push(p.ms);
    productCut.push(p.cutMs);
    const s = (ms: number): string => (ms / 1000).toFixed(2);
    console.log(`  run ${i + 1}: product ${s(p.ms)} s (cut ${s(p.cutMs)} + hash ${s(p.ms - p.cutMs)}; ${p.span}), baseline ${s(b.ms)} s (ffmpeg ${s(b.cutMs)} + sha256sum ${s(b.ms - b.cutMs)}); clip ${(statSync(productOut).size / 1e6).toFixed(0)} MB, sha256 ${p.sha === b.sha ? 'identical to' : 'differs from'} the baseline's`);
  }
  const pm = median(product);
  const bm = median(baseline);
  const ratio = pm / bm;
  console.log(
    `archive 60×1 min 1080p → 1 clip + sha256: product median ${(pm / 1000).toFixed(2)} s vs baseline (ffmpeg concat copy + sha256sum) ${(bm / 1000).toFixed(2)} s = ${ratio.toFixed(2)}× (goal ≤ 1.15×) ${ratio <= 1.15 ? 'OK' : 'OVER GOAL'}`,
  );
  const pc = median(productCut);
  const bc = median(baselineCut);
  console.log(
    `  (the cut alone, without hashing: cutClip ${(pc / 1000).toFixed(2)} s — probes of every source, fsync, rename — vs the bare ffmpeg run ${(bc / 1000).toFixed(2)} s = ${(pc / bc).toFixed(2)}×; the hash: Node's sha256 is several times faster than coreutils sha256sum here)`,
  );
  rmSync(work, { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
