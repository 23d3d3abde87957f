/** Messages between the detection pool (pool.ts) and its worker processes (detect-worker.ts). */
import type { Msg } from '../../common/i18n/catalog.js';
import type { TileMode } from './detector.js';

export interface WorkerInit {
  readonly type: 'init';
  readonly ffmpeg: string;
  readonly modelDir: string;
  readonly minScore: number;
  readonly tiles: TileMode;
}

export interface WorkerChunk {
  readonly type: 'chunk';
  readonly id: number;
  readonly clip: string;
  readonly width: number;
  readonly height: number;
  readonly fromS: number;
  readonly durationS: number;
  readonly rate: number;
}

export type ToWorker = WorkerInit | WorkerChunk | { readonly type: 'stop' };

/** One analysed frame: boxes as [x, y, w, h, score] in pixels of the frame. */
export interface FrameResult {
  readonly type: 'frame';
  readonly chunk: number;
  readonly t: number;
  readonly boxes: readonly (readonly [number, number, number, number, number])[];
  /** Milliseconds the detector spent on this frame, wall clock and CPU (for the benchmark). */
  readonly ms: number;
  readonly cpuMs: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | FrameResult
  | { readonly type: 'chunk-done'; readonly chunk: number; readonly frames: number; readonly exitCode: number | null; readonly stderrTail: string; readonly rssBytes: number }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly msg: Msg | null; readonly details: Record<string, unknown> | null };
