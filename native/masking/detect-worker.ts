/**
 * One detection worker process (started by pool.ts, one per core): loads the detector once,
 * then analyses the chunks of clip it is sent, decoding each with its own ffmpeg, and reports
 * every analysed frame's boxes over IPC. It exits when told to stop or when its parent goes.
 */
import { CustodianError } from '../../common/errors.js';
import { openDetector, type Detector } from './detector.js';
import { sampleFrames } from './frames.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

function send(m: FromWorker): void {
  process.send?.(m);
}

function sendError(e: unknown): void {
  if (e instanceof CustodianError) send({ type: 'error', code: e.code, message: e.message, msg: e.msg ?? null, details: e.details ?? null });
  else send({ type: 'error', code: 'internal', message: e instanceof Error ? (e.stack ?? e.message) : String(e), msg: null, details: null });
}

let init: WorkerInit | null = null;
let detector: Detector | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'stop') {
    process.disconnect?.();
    process.exit(0);
  }
  if (m.type === 'init') {
    init = m;
    detector = await openDetector({ modelDir: m.modelDir, minScore: m.minScore, tiles: m.tiles });
    send({ type: 'ready', backend: detector.backend });
    return;
  }
  const det = detector;
  if (!init || !det) throw new Error('chunk before init');
  const r = await sampleFrames(init.ffmpeg, m.clip, m.width, m.height, { fromS: m.fromS, durationS: m.durationS, rate: m.rate }, async (f) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const boxes = await det.detect(f.rgb, m.width, m.height);
    const c1 = process.cpuUsage(c0);
    send({ type: 'frame', chunk: m.id, t: f.t, ms: performance.now() - t0, cpuMs: (c1.user + c1.system) / 1000, boxes: boxes.map((b) => [b.x, b.y, b.w, b.h, b.score] as const) });
  });
  send({ type: 'chunk-done', chunk: m.id, frames: r.frames, exitCode: r.exitCode, stderrTail: r.stderrTail, rssBytes: process.memoryUsage().rss });
}

process.on('message', (m: ToWorker) => {
  queue = queue.then(() => handle(m)).catch((e: unknown) => sendError(e));
});
// The parent went away (crashed or killed): nothing left to report to.
process.on('disconnect', () => process.exit(0));
