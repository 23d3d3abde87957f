import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { boxAt, type KeyBox, type MaskTrack, type Rect } from '../../common/mask-track.js';
import { VTEST_EXCERPT, decodeFrames, regionStats } from '../../fixtures/masking.js';
import { sha256File } from '../hash.js';
import { resolveMediaTools } from '../media-tools.js';
import { tempDir } from '../../test/helpers.js';
import { burnMasks, laneAt, lanesOf, piecesOf } from './burn.js';

const tools = resolveMediaTools();
const W = 640;
const H = 480;

function meanAbsDiff(a: Buffer, b: Buffer, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        sum += Math.abs((a[i] as number) - (b[i] as number));
        n++;
      }
    }
  }
  return n ? sum / n : 0;
}

/** A box in pixels, shrunk by `m` on every side (the edge pixels of a box share chroma with outside). */
function px(b: Rect, m: number): [number, number, number, number] {
  return [Math.ceil(b.x * W) + m, Math.ceil(b.y * H) + m, Math.floor((b.x + b.w) * W) - m, Math.floor((b.y + b.h) * H) - m];
}

const work = tempDir('custodian-burn-');
afterAll(() => work.cleanup());

describe('burnMasks on real footage', () => {
  // A moves right and grows (a person walking towards the camera); K is kept visible.
  const A: MaskTrack = {
    id: 'A',
    origin: 'manual',
    keys: [
      { t: 500, box: { x: 0.05, y: 0.3, w: 0.08, h: 0.15 } },
      { t: 2000, box: { x: 0.35, y: 0.35, w: 0.12, h: 0.25 } },
      { t: 3500, box: { x: 0.6, y: 0.3, w: 0.2, h: 0.45 } },
    ],
  };
  const K: MaskTrack = { id: 'K', origin: 'detected', keys: [{ t: 0, box: { x: 0.55, y: 0.3, w: 0.1, h: 0.2 } }, { t: 3900, box: { x: 0.6, y: 0.35, w: 0.1, h: 0.2 } }] };
  const out = path.join(work.dir, 'masked.mp4');

  it('paints every frame of a masked track solid black where it moves, and leaves the kept track as it was', async () => {
    const progress: number[] = [];
    const r = await burnMasks(VTEST_EXCERPT, [A, K], ['K'], out, (f) => progress.push(f), { tools });
    expect(r.maskedTrackIds).toEqual(['A']);
    expect(r.sourceSha256).toBe(await sha256File(VTEST_EXCERPT));
    expect(r.sha256).toBe(await sha256File(out));
    expect(r.set.keep).toEqual(['K']);
    expect(progress.at(-1)).toBe(1);

    const src = decodeFrames(VTEST_EXCERPT, W, H);
    const dst = decodeFrames(out, W, H);
    expect(dst.length).toBe(src.length);
    let checked = 0;
    let keptChecked = 0;
    dst.forEach((frame, i) => {
      const t = i * 100;
      const a = boxAt(A, t);
      if (a) {
        const [x0, y0, x1, y1] = px(a, 1);
        expect(regionStats(frame, W, x0, y0, x1, y1).max, `frame ${i}: A's box is black`).toBeLessThanOrEqual(24);
        checked++;
      }
      const k = boxAt(K, t) as Rect;
      const [kx0, ky0, kx1, ky1] = px(k, 0);
      // Where A is well clear of K, K's pixels are the source's (up to the re-encode). A's
      // black rectangle is larger than A's box (a piece's largest box, plus a margin).
      if (!a || a.x > k.x + k.w + 0.05 || a.x + a.w + 0.1 < k.x) {
        expect(meanAbsDiff(frame, src[i] as Buffer, W, kx0, ky0, kx1, ky1), `frame ${i}: K untouched`).toBeLessThan(8);
        expect(regionStats(frame, W, kx0, ky0, kx1, ky1).mean).toBeGreaterThan(40);
        keptChecked++;
      }
    });
    expect(checked).toBe(31); // frames 5..35 inclusive
    expect(keptChecked).toBeGreaterThan(20);

    // Before A starts, its first box shows the picture (nothing is masked outside a track's span).
    const first = px((A.keys[0] as KeyBox).box, 0);
    expect(meanAbsDiff(dst[2] as Buffer, src[2] as Buffer, W, ...first)).toBeLessThan(8);
    // And the source really had something there to hide.
    expect(regionStats(src[20] as Buffer, W, ...px(boxAt(A, 2000) as Rect, 1)).mean).toBeGreaterThan(60);
  });

  it('writes H.264 with no audio stream', () => {
    const p = spawnSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', out], { encoding: 'utf8' });
    expect(p.stdout.trim().split('\n')).toEqual(['h264,video']);
  });

  it('refuses a kept track that is not there, a broken track, and an existing output, and writes nothing', async () => {
    const o2 = path.join(work.dir, 'never.mp4');
    await expect(burnMasks(VTEST_EXCERPT, [A], ['Z'], o2, undefined, { tools })).rejects.toMatchObject({ msg: { key: 'masking:unknownKeptTrack' } });
    const bad = { ...A, keys: [...A.keys].reverse() };
    await expect(burnMasks(VTEST_EXCERPT, [bad], [], o2, undefined, { tools })).rejects.toMatchObject({ msg: { key: 'masking:invalidTrack' } });
    await expect(burnMasks(VTEST_EXCERPT, [A, A], [], o2, undefined, { tools })).rejects.toMatchObject({ msg: { key: 'masking:duplicateTrack' } });
    await expect(burnMasks(VTEST_EXCERPT, [A], [], out, undefined, { tools })).rejects.toMatchObject({ code: 'conflict' });
    expect(existsSync(o2)).toBe(false);
    expect(existsSync(o2 + '.partial')).toBe(false);
  });
});

describe('pieces of a track', () => {
  const arbRect = fc.record({
    x: fc.double({ min: 0, max: 0.7, noNaN: true }),
    y: fc.double({ min: 0, max: 0.7, noNaN: true }),
    w: fc.double({ min: 0.01, max: 0.3, noNaN: true }),
    h: fc.double({ min: 0.01, max: 0.3, noNaN: true }),
  });
  const arbTrack = fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), arbRect), { minLength: 1, maxLength: 60 }).map((steps): MaskTrack => {
    let t = 0;
    return { id: 'T', origin: 'manual', keys: steps.map(([dt, box]) => ({ t: (t += dt), box })) };
  });

  it('cover the track box at every instant, in pixels, after overlay rounds to even pixels', () => {
    fc.assert(
      fc.property(fc.array(arbTrack, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (tracks, f) => {
        const lanes = lanesOf(tracks.flatMap((tr) => piecesOf(tr, 1920, 1080)));
        return tracks.every((tr) => {
          const first = tr.keys[0] as KeyBox;
          const last = tr.keys[tr.keys.length - 1] as KeyBox;
          const t = first.t + f * (last.t - first.t);
          const b = boxAt(tr, t) as Rect;
          const need = [b.x * 1920, b.y * 1080, (b.x + b.w) * 1920, (b.y + b.h) * 1080] as const;
          return lanes.some((lane) => {
            const at = laneAt(lane, t / 1000);
            // overlay truncates x/y to even pixels for 4:2:0
            const x = Math.trunc(at.x) & ~1;
            const y = Math.trunc(at.y) & ~1;
            return x <= need[0] && y <= need[1] && x + lane.w >= need[2] && y + lane.h >= need[3];
          });
        });
      }),
      { numRuns: 400 },
    );
  });

  it('share lanes: many short tracks one after another need few rectangles', () => {
    const tracks: MaskTrack[] = Array.from({ length: 200 }, (_, i) => ({
      id: `T${i}`,
      origin: 'detected',
      keys: [
        { t: i * 1000, box: { x: 0.1, y: 0.3, w: 0.05, h: 0.2 } },
        { t: i * 1000 + 800, box: { x: 0.3, y: 0.3, w: 0.05, h: 0.2 } },
      ],
    }));
    const lanes = lanesOf(tracks.flatMap((tr) => piecesOf(tr, 640, 360)));
    expect(lanes.length).toBe(1);
  });

  it('are few for a steady walker and bounded in how much they over-mask', () => {
    const walker: MaskTrack = { id: 'W', origin: 'detected', keys: Array.from({ length: 100 }, (_, i) => ({ t: i * 200, box: { x: 0.005 * i, y: 0.3, w: 0.05, h: 0.2 + 0.001 * i } })) };
    const pieces = piecesOf(walker, 1920, 1080);
    expect(pieces.length).toBeLessThanOrEqual(4);
    for (const p of pieces) expect(p.h).toBeLessThanOrEqual(Math.ceil(0.3 * 1080 * 1.25) + 6);
  });
});
