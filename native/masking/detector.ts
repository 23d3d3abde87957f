/**
 * The person detector inside one process: @vladmandic/human's CenterNet model on the
 * TensorFlow.js WebAssembly backend, fed raw RGB frames. WebAssembly runs on one thread here,
 * so a machine uses one process per core (see pool.ts); this module is what each runs.
 *
 * Offline by construction: the library loads its model through the global `fetch`, which in
 * Node 20 cannot read `file://`. We replace it, for the whole process, with `fileOnlyFetch`:
 * it serves `file:` URLs from disk and refuses everything else, and a refused attempt is kept
 * so the caller fails loudly (the library would otherwise swallow the error and find nobody).
 *
 * Small people: the model sees a 512×512 picture, whatever the frame's size. A 1080p frame
 * shrunk to that turns a 50 px person into 24 px, below what the model finds, so large frames
 * are also cut into overlapping tiles, each shrunk less (planTiles); the detections of the
 * tiles and of the whole frame are merged.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { failure } from '../../common/errors.js';
import { MODEL_JSON, humanWasmBuild, wasmDir } from './model.js';

const require = createRequire(import.meta.url);

/** A detected person in pixels of the frame it was found in. */
export interface PixelDetection {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

export interface Tile {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** 'auto': whole frame, plus tiles when the frame is larger than 720p; 'off': whole frame only. */
export type TileMode = 'auto' | 'off' | { readonly cols: number; readonly rows: number };

/** The model's input is 512×512; a tile of at most this height keeps 50 px people ≥ 45 px in it. */
const TILE_MAX_HEIGHT = 576;
const TILE_MAX_WIDTH = 1024;

/**
 * The regions the model looks at: always the whole frame (large people, and people cut by a
 * tile edge), then a grid of tiles overlapping by a tenth of the frame height (so a small
 * person cut by one tile's edge is whole in the next).
 */
export function planTiles(width: number, height: number, mode: TileMode): Tile[] {
  const whole: Tile = { x: 0, y: 0, w: width, h: height };
  if (mode === 'off') return [whole];
  const cols = mode === 'auto' ? Math.ceil(width / TILE_MAX_WIDTH) : mode.cols;
  const rows = mode === 'auto' ? Math.ceil(height / TILE_MAX_HEIGHT) : mode.rows;
  if (cols <= 1 && rows <= 1) return [whole];
  const overlap = Math.round(height / 10);
  const tiles: Tile[] = [whole];
  const tw = Math.ceil((width + (cols - 1) * overlap) / cols);
  const th = Math.ceil((height + (rows - 1) * overlap) / rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = Math.min(width - tw, Math.max(0, c * (tw - overlap)));
      const y = Math.min(height - th, Math.max(0, r * (th - overlap)));
      tiles.push({ x, y, w: Math.min(tw, width), h: Math.min(th, height) });
    }
  }
  return tiles;
}

const areaOf = (b: PixelDetection): number => b.w * b.h;
function overlapArea(a: PixelDetection, b: PixelDetection): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Merges detections of one frame from several tiles: two boxes that are mostly the same region
 * (IoU ≥ 0.5, or the smaller lies 70 % inside the larger, as when a tile edge cut a person) are
 * one person, kept as the UNION of the two (a mask errs towards hiding more) with the higher
 * score.
 */
export function mergeDetections(dets: readonly PixelDetection[]): PixelDetection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const out: PixelDetection[] = [];
  for (const d of sorted) {
    let merged = false;
    for (let i = 0; i < out.length; i++) {
      const o = out[i] as PixelDetection;
      const inter = overlapArea(o, d);
      const iou = inter / (areaOf(o) + areaOf(d) - inter);
      if (iou >= 0.5 || inter >= 0.7 * Math.min(areaOf(o), areaOf(d))) {
        const x = Math.min(o.x, d.x);
        const y = Math.min(o.y, d.y);
        out[i] = { x, y, w: Math.max(o.x + o.w, d.x + d.w) - x, h: Math.max(o.y + o.h, d.y + d.h) - y, score: Math.max(o.score, d.score) };
        merged = true;
        break;
      }
    }
    if (!merged) out.push(d);
  }
  return out;
}

// --- the library, as much of its surface as we use -------------------------------------------

interface TfTensor {
  readonly shape: number[];
  dispose(): void;
}
interface TfApi {
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'float32' | 'int32'): TfTensor;
  slice(x: TfTensor, begin: number[], size: number[]): TfTensor;
  getBackend(): string;
  memory(): { numTensors: number };
}
interface HumanObjectResult {
  readonly score: number;
  readonly label: string;
  readonly box: readonly [number, number, number, number];
}
interface HumanResult {
  readonly object: readonly HumanObjectResult[];
  readonly error: string | null;
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: TfTensor): Promise<HumanResult>;
  readonly tf: TfApi;
  readonly models: { stats(): { modelStats: readonly { name: string; loaded: boolean }[] } };
}
interface HumanModule {
  Human: new (config: Record<string, unknown>) => HumanInstance;
}

// --- offline fetch ------------------------------------------------------------------------------

const refusedUrls: string[] = [];

/** URLs something in this process tried to fetch from the network (always refused). */
export function refusedFetches(): readonly string[] {
  return refusedUrls;
}

/** A `fetch` that reads `file:` URLs and refuses any other: nothing is fetched at run time. */
export async function fileOnlyFetch(input: string | URL | Request): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) {
    refusedUrls.push(url);
    throw failure('internal', 'masking:networkRefused', { url });
  }
  try {
    return new Response(await readFile(fileURLToPath(url)), { status: 200 });
  } catch (e) {
    // A Response, not a throw: the loader then reports "status 404" for the file it wanted.
    return new Response(String((e as Error).message), { status: 404, statusText: 'Not Found' });
  }
}

let fetchInstalled = false;
function installFileOnlyFetch(): void {
  if (fetchInstalled) return;
  // Process-wide on purpose: this code runs in a worker process of its own (pool.ts).
  globalThis.fetch = fileOnlyFetch as typeof globalThis.fetch;
  fetchInstalled = true;
}

// --- the detector ---------------------------------------------------------------------------------

export interface DetectorOptions {
  /** Folder with centernet.json/.bin (checked by checkModelFiles before a worker starts). */
  readonly modelDir: string;
  /** Lowest score a detection is kept at; low, because a missed person costs more than a masked rock. */
  readonly minScore: number;
  readonly tiles: TileMode;
}

export interface Detector {
  /** People in one RGB24 frame, in pixels of that frame. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<PixelDetection[]>;
  readonly backend: string;
}

export async function openDetector(opts: DetectorOptions): Promise<Detector> {
  installFileOnlyFetch();
  // Loaded by path (see model.ts for why); the module is CommonJS and has no types we can use.
  const mod = require(humanWasmBuild()) as HumanModule;
  const human = new mod.Human({
    backend: 'wasm',
    wasmPath: wasmDir(),
    wasmPlatformFetch: false,
    modelBasePath: pathToFileURL(opts.modelDir).href + '/',
    cacheModels: false,
    debug: false,
    warmup: 'none',
    // Every frame is analysed for itself: no result caching between frames (the library's
    // default skips up to 99 frames or 2 s when the picture changes little).
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: MODEL_JSON, minConfidence: opts.minScore, iouThreshold: 0.4, maxDetected: 100, skipFrames: 0, skipTime: 0 },
  });
  const refusedBefore = refusedUrls.length;
  try {
    await human.load();
  } catch (e) {
    throw failure('internal', 'masking:modelLoadFailed', { detail: (e as Error).message }, { assistedMasking: 'unavailable' });
  }
  const refused = refusedUrls[refusedBefore];
  if (refused) throw failure('internal', 'masking:networkRefused', { url: refused });
  const stat = human.models.stats().modelStats.find((m) => m.name === 'centernet');
  if (!stat?.loaded) throw failure('internal', 'masking:modelLoadFailed', { detail: `${MODEL_JSON} did not load` }, { assistedMasking: 'unavailable' });
  const tf = human.tf;

  return {
    backend: tf.getBackend(),
    async detect(rgb, width, height) {
      if (rgb.length !== width * height * 3) throw new Error(`frame of ${rgb.length} bytes is not ${width}x${height} RGB`);
      const before = refusedUrls.length;
      const full = tf.tensor3d(rgb, [height, width, 3], 'float32');
      const found: PixelDetection[] = [];
      try {
        for (const tile of planTiles(width, height, opts.tiles)) {
          const input = tile.w === width && tile.h === height ? full : tf.slice(full, [tile.y, tile.x, 0], [tile.h, tile.w, 3]);
          try {
            const r = await human.detect(input);
            if (r.error) throw new Error(r.error);
            for (const o of r.object) {
              if (o.label !== 'person' || o.score < opts.minScore) continue;
              const [bx, by, bw, bh] = o.box;
              found.push({ x: tile.x + bx, y: tile.y + by, w: bw, h: bh, score: o.score });
            }
          } finally {
            if (input !== full) input.dispose();
          }
        }
      } finally {
        full.dispose();
      }
      const late = refusedUrls[before];
      if (late) throw failure('internal', 'masking:networkRefused', { url: late });
      return mergeDetections(found);
    },
  };
}
