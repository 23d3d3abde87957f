/**
 * Hashing throughput: native/hash.ts sha256File against GNU `sha256sum` on the same files.
 * Run: npx tsx bench/hash.bench.ts   (env: HASH_BENCH_FILES=5 HASH_BENCH_MB=200 HASH_BENCH_ROUNDS=3)
 *
 * The files (random bytes) are generated once under bench/out/ (git-ignored) and reused. Both
 * sides read the same files, alternately, several rounds; the best round of each counts, so both
 * are measured with the files in the page cache (the export's case right after a copy).
 * Goal: sha256File ≥ 0.8× sha256sum.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256File } from '../native/hash.js';

const FILES = Number(process.env.HASH_BENCH_FILES ?? 5);
const MB = Number(process.env.HASH_BENCH_MB ?? 200);
const ROUNDS = Number(process.env.HASH_BENCH_ROUNDS ?? 3);
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'hash');

function ensureFiles(): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let i = 0; i < FILES; i++) {
    const f = join(outDir, `data-${i}-${MB}MB.bin`);
    files.push(f);
    let size = -1;
    try {
      size = statSync(f).size;
    } catch {
      size = -1;
    }
    if (size === MB * (1 << 20)) continue;
    const fd = openSync(f, 'w');
    try {
      for (let m = 0; m < MB; m++) {
        randomFillSync(chunk);
        writeSync(fd, chunk);
      }
    } finally {
      closeSync(fd);
    }
  }
  return files;
}

async function timeNode(files: string[]): Promise<{ seconds: number; hashes: string[] }> {
  const t0 = process.hrtime.bigint();
  const hashes: string[] = [];
  for (const f of files) hashes.push(await sha256File(f));
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, hashes };
}

function timeSha256sum(files: string[]): { seconds: number; hashes: string[] } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sha256sum', files, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr || r.error?.message}`);
  const hashes = r.stdout.trim().split('\n').map((l) => l.slice(0, 64));
  return { seconds, hashes };
}

const files = ensureFiles();
const totalMB = (FILES * MB * (1 << 20)) / 1e6;
let bestNode = Infinity;
let bestSum = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  const n = await timeNode(files);
  const s = timeSha256sum(files);
  if (n.hashes.join() !== s.hashes.join()) throw new Error('sha256File and sha256sum disagree on the same files');
  bestNode = Math.min(bestNode, n.seconds);
  bestSum = Math.min(bestSum, s.seconds);
}
const nodeRate = totalMB / bestNode;
const sumRate = totalMB / bestSum;
const ratio = nodeRate / sumRate;
console.log(
  `hash bench (${FILES} × ${MB} MiB, best of ${ROUNDS}): sha256File ${nodeRate.toFixed(0)} MB/s, sha256sum ${sumRate.toFixed(0)} MB/s, ` +
    `ratio ${ratio.toFixed(2)}× (goal ≥ 0.80×) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}`,
);
if (ratio < 0.8) process.exitCode = 1;
