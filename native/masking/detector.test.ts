/**
 * The detector in this process (vitest runs each file in a process of its own): it loads the
 * bundled model from disk, finds people in a real frame, and refuses the network.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { VTEST_EXCERPT } from '../../fixtures/masking.js';
import { resolveMediaTools } from '../media-tools.js';
import { fileOnlyFetch, mergeDetections, openDetector, planTiles, refusedFetches } from './detector.js';
import { defaultModelDir, wasmDir } from './model.js';

describe('tiles', () => {
  it('looks at small frames whole and at 1080p whole plus four overlapping tiles', () => {
    expect(planTiles(640, 360, 'auto')).toEqual([{ x: 0, y: 0, w: 640, h: 360 }]);
    const t = planTiles(1920, 1080, 'auto');
    expect(t).toHaveLength(5);
    for (const tile of t.slice(1)) {
      expect(tile.x + tile.w).toBeLessThanOrEqual(1920);
      expect(tile.y + tile.h).toBeLessThanOrEqual(1080);
      expect(tile.h).toBeLessThanOrEqual(600);
    }
    // Every pixel lies in some tile, and neighbouring tiles overlap by a tenth of the height.
    const [a, b] = [t[1], t[2]];
    expect((a?.x ?? 0) + (a?.w ?? 0) - (b?.x ?? 0)).toBeGreaterThanOrEqual(100);
    expect(planTiles(1920, 1080, 'off')).toHaveLength(1);
    expect(planTiles(1920, 1080, { cols: 3, rows: 2 })).toHaveLength(7);
  });

  it('merges one person found in two tiles into one box covering both', () => {
    const merged = mergeDetections([
      { x: 100, y: 100, w: 40, h: 100, score: 0.5 },
      { x: 100, y: 100, w: 20, h: 100, score: 0.7 }, // cut by a tile edge
      { x: 400, y: 100, w: 40, h: 100, score: 0.3 },
    ]);
    expect(merged).toEqual([
      { x: 100, y: 100, w: 40, h: 100, score: 0.7 },
      { x: 400, y: 100, w: 40, h: 100, score: 0.3 },
    ]);
  });
});

describe('offline', () => {
  it('fileOnlyFetch reads files and refuses every other URL', async () => {
    const ok = await fileOnlyFetch(new URL(`file://${wasmDir()}tfjs-backend-wasm.wasm`));
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await fileOnlyFetch('file:///nonexistent/model.json')).status).toBe(404);
    await expect(fileOnlyFetch('https://cdn.example.invalid/model.json')).rejects.toMatchObject({ msg: { key: 'masking:networkRefused' } });
    expect(refusedFetches()).toContain('https://cdn.example.invalid/model.json');
  });

  it('loads the bundled model with the global fetch replaced, and finds people in a real frame', async () => {
    const detector = await openDetector({ modelDir: defaultModelDir(), minScore: 0.2, tiles: 'auto' });
    expect(detector.backend).toBe('wasm');
    // Any fetch in this process now goes through the file-only fetch.
    await expect(fetch('http://127.0.0.1:9/')).rejects.toMatchObject({ msg: { key: 'masking:networkRefused' } });
    const { ffmpeg } = resolveMediaTools();
    const r = spawnSync(ffmpeg, ['-v', 'error', '-ss', '2.5', '-i', VTEST_EXCERPT, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 26 });
    const people = await detector.detect(new Uint8Array(r.stdout), 640, 480);
    // Frame 25 of the excerpt shows seven labelled people; most are found in one frame alone.
    expect(people.length).toBeGreaterThanOrEqual(5);
    for (const p of people) {
      expect(p.score).toBeGreaterThanOrEqual(0.2);
      expect(p.x + p.w).toBeLessThanOrEqual(641);
    }
    await expect(detector.detect(new Uint8Array(10), 640, 480)).rejects.toThrow(/not 640x480/);
  });
});
