/**
 * Links the people found in sampled frames into tracks (one per person, ideally), and turns each
 * into a mask track: key boxes padded generously, held a little before the first and after the
 * last sighting, thinned where interpolation already covers them.
 *
 * Linking is greedy by cost between each open track's PREDICTED box (its last box moved on by
 * its recent velocity) and each detection of the next frame: close centres (measured in box
 * sizes, so it works for near and far people alike), overlap, and similar height. A track that
 * finds no match is kept open for `maxGapMs` (the detector misses a person in some frames: a
 * gap is bridged and interpolated over, not split into two tracks). Errors go one way on
 * purpose: a missed link makes two tracks, both masked; a wrong link at worst moves a mask
 * between two people who are close together, both of whom are then masked.
 */
import {
  iou,
  padRect,
  simplifyKeys,
  type KeyBox,
  type MaskTrack,
  type Rect,
} from '../../common/mask-track.js';

export interface Detection extends Rect {
  readonly score: number;
}

export interface SampledDetections {
  /** Milliseconds of the clip's timeline. */
  readonly t: number;
  /** Relative boxes (0..1). */
  readonly boxes: readonly Detection[];
}

export interface TrackerOptions {
  /** Longest run of frames without a sighting that a track bridges, ms. */
  readonly maxGapMs: number;
  /** Extra width on each side, as a share of the box width. */
  readonly padX: number;
  /** Extra height above and below, as a share of the box height. */
  readonly padY: number;
  /** How long before its first and after its last sighting a track still masks, ms. */
  readonly holdMs: number;
  /** Clip length, ms: held keys stay inside [0, durationMs]. */
  readonly durationMs: number;
}

interface OpenTrack {
  readonly raw: KeyBox[];
  scoreMax: number;
  last: Rect;
  lastT: number;
  /** Centre velocity in relative units per ms. */
  vx: number;
  vy: number;
}

const cx = (r: Rect): number => r.x + r.w / 2;
const cy = (r: Rect): number => r.y + r.h / 2;

function predict(tr: OpenTrack, t: number): Rect {
  const dt = t - tr.lastT;
  return { ...tr.last, x: tr.last.x + tr.vx * dt, y: tr.last.y + tr.vy * dt };
}

/** Centre distance in box sizes (x in widths, y in heights): scale-free and aspect-free. */
function normDistance(a: Rect, b: Rect): number {
  const w = (a.w + b.w) / 2;
  const h = (a.h + b.h) / 2;
  return Math.hypot((cx(a) - cx(b)) / w, (cy(a) - cy(b)) / h);
}

/** The link cost, or null when the two cannot be the same person. */
function linkCost(tr: OpenTrack, det: Detection, t: number): number | null {
  const p = predict(tr, t);
  const ratio = det.h / p.h;
  if (ratio < 0.55 || ratio > 1.8) return null;
  const d = normDistance(p, det);
  const dtS = (t - tr.lastT) / 1000;
  // A walking person's centre moves about two box widths a second; prediction takes most of
  // that out, the gate allows the rest and grows with the time since the last sighting.
  const gate = 0.9 + 1.2 * dtS;
  const overlap = iou(p, det);
  if (d > gate && overlap <= 0) return null;
  return d - overlap + Math.abs(Math.log(ratio));
}

/** Links detections (frames in time order) into raw tracks: the sighted boxes of each person. */
export function linkDetections(frames: readonly SampledDetections[], maxGapMs: number): { raw: KeyBox[]; score: number }[] {
  const open: OpenTrack[] = [];
  const closed: OpenTrack[] = [];
  for (const f of frames) {
    for (let i = open.length - 1; i >= 0; i--) {
      if (f.t - (open[i] as OpenTrack).lastT > maxGapMs) closed.push(...open.splice(i, 1));
    }
    const pairs: { ti: number; di: number; cost: number }[] = [];
    open.forEach((tr, ti) => {
      f.boxes.forEach((det, di) => {
        const cost = linkCost(tr, det, f.t);
        if (cost !== null) pairs.push({ ti, di, cost });
      });
    });
    pairs.sort((a, b) => a.cost - b.cost);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.ti) || usedD.has(p.di)) continue;
      usedT.add(p.ti);
      usedD.add(p.di);
      const tr = open[p.ti] as OpenTrack;
      const det = f.boxes[p.di] as Detection;
      const dt = f.t - tr.lastT;
      if (dt > 0) {
        const vx = (cx(det) - cx(tr.last)) / dt;
        const vy = (cy(det) - cy(tr.last)) / dt;
        // The first link sets the velocity; later ones smooth it (detector boxes jitter).
        const first = tr.raw.length === 1;
        tr.vx = first ? vx : 0.5 * tr.vx + 0.5 * vx;
        tr.vy = first ? vy : 0.5 * tr.vy + 0.5 * vy;
      }
      tr.raw.push({ t: f.t, box: rectOf(det) });
      tr.last = rectOf(det);
      tr.lastT = f.t;
      tr.scoreMax = Math.max(tr.scoreMax, det.score);
    }
    f.boxes.forEach((det, di) => {
      if (usedD.has(di)) return;
      open.push({ raw: [{ t: f.t, box: rectOf(det) }], scoreMax: det.score, last: rectOf(det), lastT: f.t, vx: 0, vy: 0 });
    });
  }
  closed.push(...open);
  return closed.map((tr) => ({ raw: tr.raw, score: tr.scoreMax })).sort((a, b) => (a.raw[0] as KeyBox).t - (b.raw[0] as KeyBox).t);
}

function rectOf(d: Rect): Rect {
  return { x: d.x, y: d.y, w: d.w, h: d.h };
}

/** The union of two rectangles. */
function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * A raw track → a mask track. Held before the first sighting and after the last (a person is in
 * the picture a little before the detector is sure of them): the held box is the union of the
 * box standing still and the box carried on at the track's speed. Then padded, then thinned.
 */
export function toMaskTrack(id: string, raw: readonly KeyBox[], score: number, opts: TrackerOptions): MaskTrack {
  const first = raw[0] as KeyBox;
  const last = raw[raw.length - 1] as KeyBox;
  const speed = (a: KeyBox, b: KeyBox): { vx: number; vy: number } => {
    const dt = b.t - a.t;
    return dt > 0 ? { vx: (cx(b.box) - cx(a.box)) / dt, vy: (cy(b.box) - cy(a.box)) / dt } : { vx: 0, vy: 0 };
  };
  const startV = raw.length > 1 ? speed(first, raw[Math.min(2, raw.length - 1)] as KeyBox) : { vx: 0, vy: 0 };
  const endV = raw.length > 1 ? speed(raw[Math.max(0, raw.length - 3)] as KeyBox, last) : { vx: 0, vy: 0 };
  const before = Math.min(opts.holdMs, first.t);
  const after = Math.min(opts.holdMs, Math.max(0, opts.durationMs - last.t));
  const keys: KeyBox[] = [];
  if (before > 0) {
    const moved = { ...first.box, x: first.box.x - startV.vx * before, y: first.box.y - startV.vy * before };
    keys.push({ t: first.t - before, box: union(first.box, moved) });
  }
  keys.push(...raw);
  if (after > 0) {
    const moved = { ...last.box, x: last.box.x + endV.vx * after, y: last.box.y + endV.vy * after };
    keys.push({ t: last.t + after, box: union(last.box, moved) });
  }
  if (keys.length === 1) keys.push({ t: first.t, box: first.box });
  const padded = keys.map((k) => ({ t: Math.round(k.t * 10) / 10, box: padRect(k.box, opts.padX, opts.padY) }));
  return { id, origin: 'detected', keys: simplifyKeys(padded), score: Math.round(score * 100) / 100 };
}

/** Sampled detections → mask tracks, ids P1, P2, … in order of first sighting. */
export function buildTracks(frames: readonly SampledDetections[], opts: TrackerOptions): MaskTrack[] {
  return linkDetections(frames, opts.maxGapMs).map((r, i) => toMaskTrack(`P${i + 1}`, r.raw, r.score, opts));
}
