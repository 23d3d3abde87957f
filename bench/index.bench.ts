/**
 * The index against the physical floor, on a generated tree of empty files
 * (50 cameras × 70 days × 288 five-minute segments = 1,008,000 files, camera-date-time layout):
 *  - cold index (`custodian scan` on a new data folder) vs `find ROOT -type f -printf '%p %s %T@\n'`: goal ≤ 2.0×
 *  - rescan with nothing changed vs the same find: goal ≤ 1.5×
 *  - RSS of `custodian run` watching the tree after its first scan: goal ≤ 300 MB
 *  - latency from a segment closing to it being indexed while running: goal ≤ 2 s at p95
 * Run: npm run build && npx tsx bench/index.bench.ts   (BENCH_CAMERAS, BENCH_DAYS to shrink it)
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { makeRecorderTree } from '../fixtures/recorder-tree.js';
import { settleFolderTimes, BENCH_OUT, CLI, custodian, median, ratioLine, timeCommand } from './lib.js';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 70);
const TZ = 'Europe/Stockholm';
const root = path.join(BENCH_OUT, `tree-${CAMERAS}x${DAYS}`);
const now = Math.floor(Date.now() / 300_000) * 300_000;

function ensureTree(): void {
  if (existsSync(`${root}.complete`)) {
    settleFolderTimes(root);
    return;
  }
  rmSync(root, { recursive: true, force: true });
  const t0 = performance.now();
  const cams = Array.from({ length: CAMERAS }, (_, i) => `cam${String(i).padStart(2, '0')}`);
  const r = makeRecorderTree({ root, layout: 'camera-date-time', siteTimeZone: TZ, cameras: cams, fromMs: now - DAYS * 86_400_000, toMs: now - 300_000, segmentSeconds: 300, media: 'empty' });
  settleFolderTimes(root);
  closeSync(openSync(`${root}.complete`, 'w'));
  console.log(`generated ${r.files} empty files in ${r.folders} folders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  ensureTree();
  // warm the page cache for both sides
  timeCommand('find', [root, '-type', 'f', '-printf', '%p %s %T@\\n'], {});
  const findMs = median([0, 1, 2].map(() => timeCommand('sh', ['-c', `find '${root}' -type f -printf '%p %s %T@\\n' > /dev/null`]).ms));

  const colds: number[] = [];
  const rescans: number[] = [];
  let data = '';
  for (let i = 0; i < 3; i++) {
    data = path.join(BENCH_OUT, `index-data-${i}`);
    rmSync(data, { recursive: true, force: true });
    custodian(data, ['init', '--storage', root, '--layout', 'camera-date-time']);
    // The service below must not delete from the benchmark tree.
    custodian(data, ['settings', 'set', 'retentionMonths', '12']);
    const cold = custodian(data, ['scan', '--json']);
    colds.push(cold.ms);
    const added = (JSON.parse(cold.stdout) as { roots: { added: number }[] }).roots[0]?.added;
    if (i === 0) console.log(`indexed ${added} segments`);
    rescans.push(custodian(data, ['scan', '--json']).ms);
  }
  console.log(ratioLine('cold index', median(colds), "find -printf '%p %s %T@'", findMs, '≤ 2.0×'));
  console.log(ratioLine('rescan, nothing changed', median(rescans), "find -printf '%p %s %T@'", findMs, '≤ 1.5×'));

  // The service: RSS after its first scan, then latency of new segments.
  const child = spawn(process.execPath, [CLI, '--data', data, 'run', '--json', '--no-probe'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const closedAt = new Map<string, number>();
  const latencies: number[] = [];
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  let allIndexed: () => void = () => undefined;
  const indexedP = new Promise<void>((r) => (allIndexed = r));
  const SAMPLES = 30;
  lines.on('line', (l) => {
    const e = JSON.parse(l) as { event: string; message?: string; file?: string; result?: string };
    if (e.event === 'log' && e.message?.startsWith('watching')) ready();
    if (e.event === 'indexed' && e.result === 'indexed' && e.file && closedAt.has(e.file)) {
      latencies.push(performance.now() - (closedAt.get(e.file) as number));
      if (latencies.length === SAMPLES) allIndexed();
    }
  });
  await readyP;
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
  console.log(`custodian run RSS after its first scan: ${rss.toFixed(0)} MB (peak ${hwm.toFixed(0)} MB) (goal ≤ 300 MB)`);

  const layout = compileLayout('camera-date-time', TZ);
  for (let i = 0; i < SAMPLES; i++) {
    const start = now + i * 1000;
    const file = path.join(root, ...formatLayoutPath(layout, 'cam00', start));
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(file, 'w');
    writeSync(fd, Buffer.alloc(64 * 1024));
    closeSync(fd);
    closedAt.set(file, performance.now());
    await new Promise((r) => setTimeout(r, 150));
  }
  await Promise.race([indexedP, new Promise((r) => setTimeout(r, 20_000))]);
  child.kill('SIGTERM');
  for (const f of closedAt.keys()) rmSync(f, { force: true });
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))] ?? NaN;
  console.log(`close → indexed latency: p50 ${(latencies[Math.floor(latencies.length / 2)] ?? NaN).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms over ${latencies.length}/${SAMPLES} segments (goal ≤ 2000 ms at p95)`);
}

void main();
