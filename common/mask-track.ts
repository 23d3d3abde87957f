/**
 * Mask tracks: what is hidden in a clip, as data (issue 14, "Masking"). A track is one thing to
 * hide (usually one person) as rectangles over time: KEY boxes at some instants, and in between
 * the box moves and grows linearly from one key to the next. Outside its first and last key a
 * track hides nothing. The same model holds tracks Custodian proposed (assisted masking) and
 * tracks an officer drew or corrected in the UI, and it is what an export's manifest records
 * next to the hash of the clip the masked copy came from.
 *
 * Units, chosen so a track means the same thing in the UI, in ffmpeg and in a manifest:
 * - boxes are relative to the picture: x, y, w, h in 0..1 from the top-left corner (like the
 *   cameras' privacy masks), so a track drawn on a scaled preview fits the full-size clip;
 * - times are milliseconds of the clip's own timeline: a frame's presentation time minus the
 *   file's start time (what ffmpeg's filters call `t`, and what a player shows as the position).
 *
 * Runtime-neutral (the renderer draws and edits tracks with the same functions).
 */
import { z } from 'zod';

export const MASK_TRACKS_FORMAT = 'custodian-mask-tracks/1';

/** A rectangle relative to the picture (0..1 from the top-left corner). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface KeyBox {
  /** Milliseconds of the clip's timeline. */
  readonly t: number;
  readonly box: Rect;
}

/** Where a track came from: proposed by the detector, or drawn or corrected by a person. */
export const TRACK_ORIGINS = ['detected', 'manual'] as const;
export type TrackOrigin = (typeof TRACK_ORIGINS)[number];

export interface MaskTrack {
  /** Unique within its set; stable, so a choice "keep T3 visible" survives edits of other tracks. */
  readonly id: string;
  readonly origin: TrackOrigin;
  /** Sorted by time, at least one. */
  readonly keys: readonly KeyBox[];
  /** For detected tracks: the best detector score seen (0..1), to help a person judge it. */
  readonly score?: number | undefined;
}

/** Everything a masked copy was made from, as recorded in its manifest. */
export interface MaskTrackSet {
  readonly format: typeof MASK_TRACKS_FORMAT;
  /** The picture the tracks were made on, in pixels (the boxes themselves are relative). */
  readonly width: number;
  readonly height: number;
  readonly durationMs: number;
  readonly tracks: readonly MaskTrack[];
  /** Tracks left visible (the requester); every other track is masked. */
  readonly keep: readonly string[];
}

const unit = z.number().min(0).max(1);

export const RectSchema = z
  .object({ x: unit, y: unit, w: z.number().gt(0).max(1), h: z.number().gt(0).max(1) })
  .refine((r) => r.x + r.w <= 1 + 1e-9 && r.y + r.h <= 1 + 1e-9, 'a box must lie inside the picture');

export const KeyBoxSchema = z.object({ t: z.number().min(0).finite(), box: RectSchema });

export const TRACK_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const MaskTrackSchema = z.object({
  id: z.string().regex(TRACK_ID_RE, 'a track id of letters, digits, ".", "-" or "_" (at most 64)'),
  origin: z.enum(TRACK_ORIGINS),
  keys: z
    .array(KeyBoxSchema)
    .min(1)
    .refine((ks) => ks.every((k, i) => i === 0 || k.t >= (ks[i - 1] as KeyBox).t), 'key boxes must be in time order'),
  score: z.number().min(0).max(1).optional(),
});

export const MaskTrackSetSchema = z
  .object({
    format: z.literal(MASK_TRACKS_FORMAT),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    durationMs: z.number().min(0).finite(),
    tracks: z.array(MaskTrackSchema),
    keep: z.array(z.string()),
  })
  .refine((s) => new Set(s.tracks.map((t) => t.id)).size === s.tracks.length, 'track ids must be unique')
  .refine((s) => s.keep.every((id) => s.tracks.some((t) => t.id === id)), 'every kept track must be one of the tracks');

/** The first problem with a track, in words, or null when it is a valid track. */
export function trackProblem(track: MaskTrack): string | null {
  const r = MaskTrackSchema.safeParse(track);
  if (r.success) return null;
  const issue = r.error.issues[0];
  return issue ? `${issue.path.join('.') || 'track'}: ${issue.message}` : 'invalid track';
}

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f;

export function lerpRect(a: Rect, b: Rect, f: number): Rect {
  return { x: lerp(a.x, b.x, f), y: lerp(a.y, b.y, f), w: lerp(a.w, b.w, f), h: lerp(a.h, b.h, f) };
}

/** The time span a track hides something in: [first key, last key]. */
export function trackSpan(track: MaskTrack): { from: number; to: number } {
  const first = track.keys[0];
  const last = track.keys[track.keys.length - 1];
  if (!first || !last) return { from: 0, to: -1 };
  return { from: first.t, to: last.t };
}

/**
 * The box a track hides at time `t` (ms): interpolated linearly between the keys around `t`,
 * exactly a key's box at its time, null before the first key and after the last.
 */
export function boxAt(track: MaskTrack, t: number): Rect | null {
  const keys = track.keys;
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (!first || !last || t < first.t || t > last.t) return null;
  // Binary search for the last key at or before t.
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((keys[mid] as KeyBox).t <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = keys[lo] as KeyBox;
  const b = keys[lo + 1];
  if (!b || b.t === a.t) return a.box;
  return lerpRect(a.box, b.box, (t - a.t) / (b.t - a.t));
}

/** Every box hidden at time `t`: all tracks except the kept ones. */
export function maskedBoxesAt(tracks: readonly MaskTrack[], keep: ReadonlySet<string>, t: number): Rect[] {
  const out: Rect[] = [];
  for (const tr of tracks) {
    if (keep.has(tr.id)) continue;
    const b = boxAt(tr, t);
    if (b) out.push(b);
  }
  return out;
}

/** Clamps a rectangle into the picture; null when nothing of it is left. */
export function clampRect(r: Rect): Rect | null {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(1, r.x + r.w);
  const y1 = Math.min(1, r.y + r.h);
  if (!(x1 > x0) || !(y1 > y0)) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Grows a box by a share of its own size on every side (`px` of its width left and right, `py`
 * of its height above and below), clamped into the picture. Masks err towards hiding too much:
 * a person's hair, feet and elbows stick out of a detector's box, and a walking person moves
 * between two sampled frames.
 */
export function padRect(r: Rect, px: number, py: number): Rect {
  const dx = r.w * px;
  const dy = r.h * py;
  return clampRect({ x: r.x - dx, y: r.y - dy, w: r.w + 2 * dx, h: r.h + 2 * dy }) ?? r;
}

export function rectArea(r: Rect): number {
  return Math.max(0, r.w) * Math.max(0, r.h);
}

export function intersection(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Rect, b: Rect): number {
  const i = intersection(a, b);
  const u = rectArea(a) + rectArea(b) - i;
  return u > 0 ? i / u : 0;
}

/** True when `outer` contains `inner` (within a small tolerance for rounding). */
export function containsRect(outer: Rect, inner: Rect, eps = 1e-9): boolean {
  return inner.x >= outer.x - eps && inner.y >= outer.y - eps && inner.x + inner.w <= outer.x + outer.w + eps && inner.y + inner.h <= outer.y + outer.h + eps;
}

/**
 * The share of `target` that a set of boxes covers (0..1), exact: the union is measured on the
 * grid the boxes' edges make, so overlapping masks are not counted twice.
 */
export function coveredShare(target: Rect, boxes: readonly Rect[]): number {
  const area = rectArea(target);
  if (area <= 0) return 1;
  const clipped = boxes
    .map((b) => {
      const x0 = Math.max(b.x, target.x);
      const y0 = Math.max(b.y, target.y);
      const x1 = Math.min(b.x + b.w, target.x + target.w);
      const y1 = Math.min(b.y + b.h, target.y + target.h);
      return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
    })
    .filter((b): b is { x0: number; y0: number; x1: number; y1: number } => b !== null);
  if (clipped.length === 0) return 0;
  const xs = [...new Set(clipped.flatMap((b) => [b.x0, b.x1]))].sort((a, b) => a - b);
  let covered = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const xa = xs[i] as number;
    const xb = xs[i + 1] as number;
    const spans = clipped
      .filter((b) => b.x0 <= xa && b.x1 >= xb)
      .map((b) => [b.y0, b.y1] as const)
      .sort((p, q) => p[0] - q[0]);
    let len = 0;
    let cur: [number, number] | null = null;
    for (const [s, e] of spans) {
      if (!cur || s > cur[1]) {
        if (cur) len += cur[1] - cur[0];
        cur = [s, e];
      } else if (e > cur[1]) cur[1] = e;
    }
    if (cur) len += cur[1] - cur[0];
    covered += len * (xb - xa);
  }
  return Math.min(1, covered / area);
}

/**
 * Drops key boxes that interpolation between their neighbours already covers: a kept key's
 * neighbours are interpolated, and a key may go only if the interpolated box still contains
 * every dropped key's box at its time. Coverage never shrinks, so a simplified track hides at
 * least what the full one hid at every key (and between keys the boxes are padded anyway).
 * Long tracks from a detector sampling 5 frames a second shrink to a key every second or so,
 * which keeps manifests small and the burn-in's filter graph short.
 */
export function simplifyKeys(keys: readonly KeyBox[]): KeyBox[] {
  if (keys.length <= 2) return [...keys];
  const out: KeyBox[] = [keys[0] as KeyBox];
  let anchor = 0;
  let i = 2;
  while (i < keys.length) {
    const a = keys[anchor] as KeyBox;
    const b = keys[i] as KeyBox;
    let ok = true;
    for (let j = anchor + 1; j < i; j++) {
      const k = keys[j] as KeyBox;
      const f = b.t === a.t ? 0 : (k.t - a.t) / (b.t - a.t);
      if (!containsRect(lerpRect(a.box, b.box, f), k.box)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      anchor = i - 1;
      out.push(keys[anchor] as KeyBox);
    }
    i++;
  }
  out.push(keys[keys.length - 1] as KeyBox);
  return out;
}
