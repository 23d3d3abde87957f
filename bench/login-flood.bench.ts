/**
 * Issue 13, item 2: a flood of logins for names that are not users, sent by other programs on
 * the same machine, against a signed-in officer's footage and API calls. A real `custodian serve`
 * (its own process) on 127.0.0.1; this process is the officer: sequential 64 KB Range requests
 * of a recording and `status` calls, first alone (the baseline), then while flood clients
 * (bench/login-flood-client.mjs, each in its own process, sending the next login as soon as the
 * last is answered) hammer `auth.login`:
 *
 *   one OS user   48 connections from one other OS user
 *   many users    6 connections from each of 9 other OS users: the per-client back-off then
 *                 lets ~45 hashes through, so the global hashing bound is what keeps footage fast
 *
 * Run as root, each round's flood comes from OS users not seen before (any uid will do). Without
 * and with the flood alternate (BENCH_ROUNDS rounds of BENCH_SECONDS each, default 3 × 4 s), so
 * a machine whose load changes meanwhile weighs on both alike. Loopback only, bounded in time.
 * The figure is the ratio of the footage request's median (and p95) during the flood to the
 * same without it. Run:
 *   npm run build && npx tsx bench/login-flood.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { openCtx } from '../core/context.js';
import { scanAll } from '../core/indexer.js';
import { addRoot } from '../core/roots.js';
import { addUser } from '../core/users.js';
import { BENCH_OUT, CLI, median } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const FLOOD = path.join(HERE, 'login-flood-client.mjs');
const PW = 'the officer password 4711';
const asRoot = process.getuid?.() === 0;

const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

async function prepare(dir: string): Promise<{ data: string; segmentId: number }> {
  rmSync(dir, { recursive: true, force: true });
  const data = path.join(dir, 'data');
  const root = path.join(dir, 'rec');
  const t0 = Date.now() - 2 * 86_400_000;
  const file = path.join(root, ...formatLayoutPath(compileLayout('camera-date-time', 'Europe/Stockholm'), 'lobby', t0));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, randomBytes(8 * 1024 * 1024));
  utimesSync(file, new Date(t0 + 60_000), new Date(t0 + 60_000));
  const ctx = openCtx({ dataDir: data });
  try {
    addRoot(ctx, { path: root });
    scanAll(ctx);
    await addUser(ctx, { name: 'olle', role: 'officer', password: PW });
    const row = ctx.db.prepare("SELECT id FROM segments WHERE camera_id = 'lobby'").get() as { id: number };
    return { data, segmentId: row.id };
  } finally {
    ctx.close();
  }
}

function startServe(data: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, '--data', data, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`custodian serve printed no URL: ${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"url":"(http:\/\/127\.0\.0\.1:\d+\/)"\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, child });
      }
    });
  });
}

interface FloodResult {
  sent: number;
  byStatus: Record<string, number>;
}

function flood(port: number, uid: number | null, connections: number, ms: number): { started: Promise<void>; done: Promise<FloodResult>; stop(): void } {
  const child = spawn(process.execPath, [FLOOD, String(port), String(connections), String(ms)], { stdio: ['pipe', 'pipe', 'inherit'], cwd: '/', ...(uid !== null ? { uid, gid: uid } : {}) });
  let out = '';
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((r) => (markStarted = r));
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('flooding')) markStarted();
  });
  const done = new Promise<FloodResult>((resolve) => child.on('exit', () => resolve(JSON.parse(out.trim().split('\n').pop() ?? '{"sent":0,"byStatus":{}}') as FloodResult)));
  return { started, done, stop: () => child.stdin?.end() };
}

async function officer(url: string, segmentId: number): Promise<{ sample: (ms: number) => Promise<{ footage: number[]; api: number[] }> }> {
  const r = await fetch(`${url}api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'olle', password: PW }) });
  if (r.status !== 200) throw new Error(`the officer could not log in: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    sample: async (ms) => {
      const footage: number[] = [];
      const api: number[] = [];
      const until = performance.now() + ms;
      for (let i = 0; performance.now() < until; i++) {
        const off = (i * 65_536 * 7) % (8 * 1024 * 1024 - 65_536);
        const a = performance.now();
        const m = await fetch(`${url}media/segment/${segmentId}`, { headers: { cookie, range: `bytes=${off}-${off + 65_535}` } });
        const got = (await m.arrayBuffer()).byteLength;
        const b = performance.now();
        const s = await fetch(`${url}api/status`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
        await s.arrayBuffer();
        const c = performance.now();
        if (m.status !== 206 || got !== 65_536 || s.status !== 200) throw new Error(`the officer's requests failed: ${m.status} ${got} ${s.status}`);
        footage.push(b - a);
        api.push(c - b);
      }
      return { footage, api };
    },
  };
}

function line(what: string, base: number[], during: number[]): string {
  const b50 = median(base);
  const d50 = median(during);
  return `${what}: p50 ${b50.toFixed(1)} ms → ${d50.toFixed(1)} ms (${(d50 / b50).toFixed(1)}×), p95 ${p95(base).toFixed(1)} → ${p95(during).toFixed(1)} ms, ${during.length} requests`;
}

async function main(): Promise<void> {
  const dir = path.join(BENCH_OUT, 'login-flood');
  const { data, segmentId } = await prepare(dir);
  const { url, child } = await startServe(data);
  const port = Number(new URL(url).port);
  try {
    const o = await officer(url, segmentId);
    await o.sample(1_000); // warm up
    console.log(`custodian serve on ${url}; ${ROUNDS} rounds of ${SECONDS} s without, then ${SECONDS} s with the flood, per scenario`);
    // Fresh OS users each round (as root any uid will do): a client already backing off from the
    // last round would not send hashes any more.
    const scenarios: [string, (round: number) => [number | null, number][]][] = [
      [`one other OS user, 48 connections`, (r) => [[asRoot ? 20_000 + 100 * r : null, 48]]],
      ...(asRoot ? ([['9 other OS users × 6 connections', (r: number) => Array.from({ length: 9 }, (_, k) => [20_050 + 100 * r + k, 6])]] as [string, (round: number) => [number | null, number][]][]) : []),
    ];
    for (const [label, clients] of scenarios) {
      const base = { footage: [] as number[], api: [] as number[] };
      const during = { footage: [] as number[], api: [] as number[] };
      const byStatus: Record<string, number> = {};
      let sent = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const b = await o.sample(SECONDS * 1000);
        base.footage.push(...b.footage);
        base.api.push(...b.api);
        const floods = clients(round).map(([uid, n]) => flood(port, uid, n, (SECONDS + 5) * 1000));
        await Promise.all(floods.map((f) => f.started));
        await new Promise((r) => setTimeout(r, 300));
        const d = await o.sample(SECONDS * 1000);
        during.footage.push(...d.footage);
        during.api.push(...d.api);
        for (const f of floods) f.stop();
        for (const r of await Promise.all(floods.map((f) => f.done))) {
          sent += r.sent;
          for (const [k, v] of Object.entries(r.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
        }
        // Let the queue drain (answers held back 1 s) before the next baseline.
        await new Promise((r) => setTimeout(r, 1_500));
      }
      console.log(`flood: ${label}${asRoot ? '' : ' (not root: the flood runs as this user)'}: ${sent} logins sent, answers ${JSON.stringify(byStatus)}`);
      console.log(`  ${line('64 KB footage range', base.footage, during.footage)}`);
      console.log(`  ${line('API status', base.api, during.api)}`);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
