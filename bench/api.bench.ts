/**
 * The API under the index it must serve: "segments of one camera for one day" on a
 * 1,000,000-segment index (50 cameras × 70 days × 288 five-minute segments), through the whole
 * browser-mode path (HTTP on 127.0.0.1, session cookie, Host/Origin checks, permission matrix,
 * zod parsing, the query, JSON), against the bare query as the baseline:
 *  - latency: sequential requests for random cameras and days; goal p95 ≤ 20 ms
 *  - throughput: a bounded load (BENCH_CONCURRENCY clients for BENCH_SECONDS, at most
 *    BENCH_MAX_REQUESTS requests), loopback only; requests per second
 * The index rows are inserted directly with the db modules (no files). Run:
 *   npx tsx bench/api.bench.ts
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureCamera } from '../db/cameras.js';
import { upsertDir } from '../db/dirs.js';
import { segmentsForCamera, insertSegment } from '../db/segments.js';
import { openCtx } from '../core/context.js';
import { addRoot } from '../core/roots.js';
import { addUser } from '../core/users.js';
import { CustodianServer } from '../server/server.js';
import { BENCH_OUT } from './lib.js';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 70);
const PER_DAY = 288;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 50_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const DAY = 86_400_000;

/** The load generator: plain JavaScript in a worker thread, `clients` fetch loops each. */
const LOAD_WORKER = `
const { parentPort, workerData: d } = require('node:worker_threads');
const until = performance.now() + d.seconds * 1000;
let done = 0, failed = 0; const lat = [];
async function client(k) {
  let i = d.offset + k;
  while (performance.now() < until && done + failed < d.maxRequests) {
    const camera = d.cams[(i * 7919) % d.cams.length];
    const from = d.first + ((i * 104729) % d.days) * d.day;
    const s = performance.now();
    try {
      const res = await fetch(d.url + 'api/segments.list', { method: 'POST', headers: { 'content-type': 'application/json', cookie: d.cookie }, body: JSON.stringify({ camera, from, to: from + d.day }) });
      const body = await res.json();
      if (body.ok) { done++; lat.push(performance.now() - s); } else failed++;
    } catch { failed++; }
    i += 7;
  }
}
Promise.all(Array.from({ length: d.clients }, (_, k) => client(k))).then(() => parentPort.postMessage({ done, failed, lat }));
`;
const SEG = 300_000;

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${pct(s, 0.5).toFixed(2)} ms, p95 ${pct(s, 0.95).toFixed(2)} ms, p99 ${pct(s, 0.99).toFixed(2)} ms, max ${(s[s.length - 1] ?? 0).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const dir = path.join(BENCH_OUT, 'api');
  rmSync(dir, { recursive: true, force: true });
  const rec = path.join(dir, 'rec');
  mkdirSync(rec, { recursive: true });
  const now = Math.floor(Date.now() / DAY) * DAY;
  const first = now - DAYS * DAY;
  const ctx = openCtx({ dataDir: path.join(dir, 'data') });
  const root = addRoot(ctx, { path: rec });
  const cams = Array.from({ length: CAMERAS }, (_, i) => `cam${String(i).padStart(2, '0')}`);

  let t = performance.now();
  ctx.db.transaction(() => {
    for (const cam of cams) {
      ensureCamera(ctx.db, cam, first);
      for (let d = 0; d < DAYS; d++) {
        const day = first + d * DAY;
        const dirId = upsertDir(ctx.db, root.id, `${cam}/${new Date(day).toISOString().slice(0, 10)}`, day + DAY);
        for (let k = 0; k < PER_DAY; k++) {
          const start = day + k * SEG;
          insertSegment(ctx.db, { rootId: root.id, dirId, name: `${String(k).padStart(3, '0')}.mp4`, cameraId: cam, startMs: start, endMs: start + SEG, endSource: 'mtime', size: 50_000_000, mtimeMs: start + SEG });
        }
      }
    }
  })();
  ctx.db.exec('ANALYZE');
  const rows = CAMERAS * DAYS * PER_DAY;
  console.log(`index: ${rows.toLocaleString('en')} segments (${CAMERAS} cameras × ${DAYS} days × ${PER_DAY}) inserted in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  await addUser(ctx, { name: 'bench', role: 'officer', password: 'bench password 1234' });
  const server = new CustodianServer({ ctx, port: 0, staticDir: null });
  const { url } = await server.start();
  const login = await fetch(`${url}api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password: 'bench password 1234' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const headers = { 'content-type': 'application/json', cookie };
  const pick = (i: number): { camera: string; from: number; to: number } => {
    const camera = cams[(i * 7919) % CAMERAS] as string;
    const from = first + ((i * 104_729) % DAYS) * DAY;
    return { camera, from, to: from + DAY };
  };
  const request = async (i: number): Promise<number> => {
    const res = await fetch(`${url}api/segments.list`, { method: 'POST', headers, body: JSON.stringify(pick(i)) });
    const body = (await res.json()) as { ok: boolean; data?: { segments: unknown[] } };
    if (!body.ok) throw new Error(`segments.list failed: ${JSON.stringify(body)}`);
    return body.data?.segments.length ?? 0;
  };

  // Baseline: the bare indexed query, no HTTP, no checks, no JSON.
  const direct: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const p = pick(i);
    t = performance.now();
    segmentsForCamera(ctx.db, p.camera, p.from, p.to, 60 * 60_000);
    direct.push(performance.now() - t);
  }

  for (let i = 0; i < 50; i++) await request(i); // warm-up
  const lat: number[] = [];
  let n = 0;
  for (let i = 0; i < SAMPLES; i++) {
    t = performance.now();
    n = await request(i);
    lat.push(performance.now() - t);
  }
  const p95 = pct([...lat].sort((a, b) => a - b), 0.95);
  const p95direct = pct([...direct].sort((a, b) => a - b), 0.95);
  const sample = await fetch(`${url}api/segments.list`, { method: 'POST', headers, body: JSON.stringify(pick(0)) });
  const bytes = (await sample.arrayBuffer()).byteLength;
  console.log(`segments of one camera for one day (${n} segments, ${(bytes / 1024).toFixed(0)} KB of JSON): ${SAMPLES} sequential requests`);
  console.log(`  through the API over HTTP: ${summary(lat)}`);
  console.log(`  baseline, the bare query:  ${summary(direct)}`);
  console.log(`  API p95 ${p95.toFixed(2)} ms vs bare query p95 ${p95direct.toFixed(3)} ms = ${(p95 / p95direct).toFixed(1)}× (goal: API p95 ≤ 20 ms: ${p95 <= 20 ? 'met' : 'NOT met'})`);

  // Throughput under a bounded local load, from worker threads (not the server's event loop).
  const t0 = performance.now();
  const perWorker = Math.ceil(CONCURRENCY / WORKERS);
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, w) =>
      new Promise<{ done: number; failed: number; lat: number[] }>((resolve, reject) => {
        const worker = new Worker(LOAD_WORKER, {
          eval: true,
          workerData: { url, cookie, clients: perWorker, seconds: SECONDS, maxRequests: Math.ceil(MAX_REQUESTS / WORKERS), offset: w * perWorker, cams, first, days: DAYS, day: DAY },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  const done = results.reduce((a, r) => a + r.done, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const loadLat = results.flatMap((r) => r.lat);
  console.log(
    `throughput: ${WORKERS * perWorker} concurrent clients (${WORKERS} worker threads) for ${secs.toFixed(1)} s on 127.0.0.1: ${done.toLocaleString('en')} requests, ${(done / secs).toFixed(0)} requests/s, ${failed} failed; latency under load ${summary(loadLat)}`,
  );

  await server.stop();
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
