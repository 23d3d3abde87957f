/**
 * The detection pool: one worker process per core, each with its own detector (≈ 200–250 MB:
 * WebAssembly here is single-threaded, so processes, not threads, use the cores) and its own
 * ffmpeg. The clip is cut into chunks of time on the sampling grid (frames.ts), handed out one
 * at a time so a fast worker takes more; the boxes come back per frame and are put in time
 * order here.
 *
 * A worker runs the compiled `detect-worker.js` beside this file; from the TypeScript sources
 * (tests, benchmarks) it runs `detect-worker.ts` through tsx.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustodianError, failure, type ErrorCode } from '../../common/errors.js';
import type { TileMode } from './detector.js';
import type { FrameResult, FromWorker, ToWorker, WorkerChunk } from './protocol.js';

export interface PoolOptions {
  readonly workers: number;
  readonly ffmpeg: string;
  readonly modelDir: string;
  readonly minScore: number;
  readonly tiles: TileMode;
  readonly signal?: AbortSignal | undefined;
}

export interface ClipGeometry {
  readonly clip: string;
  readonly width: number;
  readonly height: number;
  readonly durationS: number;
}

export interface PoolResult {
  /** Every analysed frame, in time order. */
  readonly frames: readonly FrameResult[];
  /** Samples the grid has over the clip's duration (an upper bound: the last may not exist). */
  readonly expected: number;
  readonly workers: number;
  /** Wall time from the first worker's start to the last frame, ms. */
  readonly wallMs: number;
  /** Wall time until every worker had its model loaded, ms. */
  readonly startMs: number;
  /** The largest resident memory a worker reported, bytes. */
  readonly workerRssBytes: number;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  const js = path.join(dir, 'detect-worker.js');
  if (here.endsWith('.js') && existsSync(js)) return { file: js, execArgv: [] };
  return { file: path.join(dir, 'detect-worker.ts'), execArgv: ['--import', import.meta.resolve('tsx')] };
}

/** Chunks of at most 30 s of samples, at least 4 samples, and about four per worker. */
export function planChunks(durationS: number, rate: number, workers: number): { fromS: number; durationS: number; samples: number }[] {
  const total = Math.max(1, Math.ceil(durationS * rate - 1e-9));
  const size = Math.min(Math.max(4, Math.ceil(total / (workers * 4))), Math.max(4, Math.round(30 * rate)));
  const out: { fromS: number; durationS: number; samples: number }[] = [];
  for (let k = 0; k < total; k += size) {
    const n = Math.min(size, total - k);
    const fromS = k / rate;
    // The last chunk reads to the clip's end (its duration may hold a partial bucket).
    const dur = k + n >= total ? Math.max(durationS - fromS, 1 / rate) + 1 : n / rate;
    out.push({ fromS, durationS: dur, samples: n });
  }
  return out;
}

function errorFrom(m: Extract<FromWorker, { type: 'error' }>): CustodianError {
  return new CustodianError(m.code as ErrorCode, m.message, m.details ?? undefined, m.msg ?? undefined);
}

export async function detectInClip(geo: ClipGeometry, rate: number, opts: PoolOptions, onFrame?: (done: number, expected: number) => void): Promise<PoolResult> {
  const chunks = planChunks(geo.durationS, rate, opts.workers);
  const expected = chunks.reduce((s, c) => s + c.samples, 0);
  const n = Math.max(1, Math.min(opts.workers, chunks.length));
  const entry = workerEntry();
  const frames: FrameResult[] = [];
  const t0 = performance.now();
  let startMs = 0;
  let rss = 0;
  let ready = 0;
  let next = 0;
  const children: ChildProcess[] = [];

  return new Promise<PoolResult>((resolve, reject) => {
    let settled = false;
    let running = 0;
    const finish = (err: unknown, result?: PoolResult): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) {
          if (err) c.kill('SIGKILL');
          else if (c.connected) c.send({ type: 'stop' } satisfies ToWorker);
        }
      }
      if (err) reject(err);
      else resolve(result as PoolResult);
    };
    const onAbort = (): void => finish(opts.signal?.reason ?? new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }

    const giveWork = (child: ChildProcess): void => {
      const c = chunks[next];
      if (!c) {
        if (running === 0) {
          frames.sort((a, b) => a.t - b.t);
          finish(null, { frames, expected, workers: n, wallMs: performance.now() - t0, startMs, workerRssBytes: rss });
        }
        return;
      }
      const msg: WorkerChunk = { type: 'chunk', id: next, clip: geo.clip, width: geo.width, height: geo.height, fromS: c.fromS, durationS: c.durationS, rate };
      next++;
      running++;
      child.send(msg);
    };

    for (let i = 0; i < n; i++) {
      const child = fork(entry.file, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      children.push(child);
      let said = '';
      const keep = (d: Buffer): void => {
        said = (said + d.toString('utf8')).slice(-4000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('message', (m: FromWorker) => {
        if (settled) return;
        switch (m.type) {
          case 'ready':
            ready++;
            if (ready === n) startMs = performance.now() - t0;
            giveWork(child);
            break;
          case 'frame':
            frames.push(m);
            onFrame?.(frames.length, expected);
            break;
          case 'chunk-done': {
            running--;
            rss = Math.max(rss, m.rssBytes);
            const c = chunks[m.chunk];
            if (m.exitCode !== 0) {
              finish(failure('invalid_request', 'masking:clipDamaged', { file: geo.clip, seconds: Math.round(c?.fromS ?? 0), detail: m.stderrTail || `ffmpeg exit ${m.exitCode ?? 'signal'}` }));
              return;
            }
            giveWork(child);
            break;
          }
          case 'error':
            finish(errorFrom(m));
            break;
        }
      });
      child.on('error', (e) => finish(failure('internal', 'masking:workerFailed', { detail: e.message })));
      child.on('exit', (code, sig) => {
        if (!settled) finish(failure('internal', 'masking:workerFailed', { detail: `worker exited (${sig ?? code}): ${said.trim().split('\n').slice(-3).join(' | ')}` }));
      });
      child.send({ type: 'init', ffmpeg: opts.ffmpeg, modelDir: opts.modelDir, minScore: opts.minScore, tiles: opts.tiles } satisfies ToWorker);
    }
  });
}
