/**
 * The cameras-and-timeline screen's state: one shared view (the window on screen), per camera
 * the segments loaded for a window a little wider than the view (so panning does not refetch at
 * every step), the selected moment (what the player plays) and the selected range (what becomes
 * an incident). Only what is on screen is ever asked for.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SegmentView, SegmentsView } from '../../common/api/types.js';
import { errorText, unwrap, type Api } from '../lib/api.js';
import { startOfSiteDay } from '../lib/format.js';
import { DAY, clampView, covers, fetchWindow, panView, selectionSpan, zoomView, type Span, type View } from '../lib/timeline.js';

/** The API answers at most 31 days per request. */
export const MAX_FETCH_MS = 31 * DAY;
export const TIMELINE_MAX_SPAN_MS = 31 * DAY;
const LIMIT = 50_000;

interface Loaded {
  window: View;
  segments: SegmentView[];
  holds: SegmentsView['holds'];
  windows: SegmentsView['windows'];
  cutoffMs: number;
  truncated: boolean;
}

/** Windows kept per camera, so going back to a day just seen draws it without asking again. */
export const TRACK_CACHE = 6;

export interface Track {
  window: View | null;
  /** Recently loaded windows, newest first (the current one included). */
  cache: Loaded[];
  pending: View | null;
  segments: SegmentView[];
  holds: SegmentsView['holds'];
  /** Incident windows and holds, released ones too. */
  windows: SegmentsView['windows'];
  cutoffMs: number | null;
  truncated: boolean;
  loading: boolean;
  error: string | null;
  seq: number;
}

export interface Selection extends Span {
  camera: string;
}

export interface Moment {
  camera: string;
  ms: number;
}

export interface TimelineState {
  view: View;
  tracks: Record<string, Track>;
  selection: Selection | null;
  moment: Moment | null;
  setView(v: View): void;
  zoom(factor: number, anchorMs?: number): void;
  pan(fraction: number): void;
  showDay(anyMsInDay: number, tz: string): void;
  ensure(camera: string): Promise<void>;
  select(camera: string, aMs: number, bMs: number): void;
  clearSelection(): void;
  seek(camera: string, ms: number): void;
  /** Forget what was loaded (after a hold or incident changed what is held). */
  invalidate(): void;
}

export type TimelineStore = StoreApi<TimelineState>;

const emptyTrack = (): Track => ({ window: null, cache: [], pending: null, segments: [], holds: [], windows: [], cutoffMs: null, truncated: false, loading: false, error: null, seq: 0 });

/** The window to fetch for a view, within what one request may ask. */
export function requestWindow(view: View): View {
  const w = fetchWindow(view);
  if (w.toMs - w.fromMs <= MAX_FETCH_MS) return w;
  const mid = (view.fromMs + view.toMs) / 2;
  const half = Math.max(MAX_FETCH_MS, view.toMs - view.fromMs) / 2;
  return { fromMs: Math.floor(Math.max(w.fromMs, mid - half)), toMs: Math.ceil(Math.min(w.toMs, mid + half)) };
}

function clamp(v: View): View {
  const c = clampView(v);
  return c.toMs - c.fromMs > TIMELINE_MAX_SPAN_MS ? { fromMs: c.fromMs, toMs: c.fromMs + TIMELINE_MAX_SPAN_MS } : c;
}

export function createTimelineStore(api: Api, now: () => number = () => Date.now()): TimelineStore {
  const initialTo = now();
  return createStore<TimelineState>()((set, get) => {
    const track = (camera: string): Track => get().tracks[camera] ?? emptyTrack();
    const putTrack = (camera: string, patch: Partial<Track>): void => {
      set({ tracks: { ...get().tracks, [camera]: { ...track(camera), ...patch } } });
    };
    return {
      view: { fromMs: initialTo - DAY, toMs: initialTo },
      tracks: {},
      selection: null,
      moment: null,
      setView(v) {
        set({ view: clamp(v) });
      },
      zoom(factor, anchorMs) {
        const v = get().view;
        const m = get().moment?.ms;
        const anchor = anchorMs ?? (m !== undefined && m >= v.fromMs && m <= v.toMs ? m : (v.fromMs + v.toMs) / 2);
        set({ view: clamp(zoomView(v, factor, anchor)) });
      },
      pan(fraction) {
        const v = get().view;
        set({ view: clamp(panView(v, (v.toMs - v.fromMs) * fraction)) });
      },
      showDay(anyMsInDay, tz) {
        const from = startOfSiteDay(anyMsInDay, tz);
        const to = startOfSiteDay(from + DAY + 3 * 3_600_000, tz);
        set({ view: { fromMs: from, toMs: to } });
      },
      async ensure(camera) {
        const want = get().view;
        const t = track(camera);
        if (covers(t.window, want) || covers(t.pending, want)) return;
        const hit = t.cache.find((c) => covers(c.window, want));
        if (hit) {
          putTrack(camera, { window: hit.window, segments: hit.segments, holds: hit.holds, windows: hit.windows, cutoffMs: hit.cutoffMs, truncated: hit.truncated, cache: [hit, ...t.cache.filter((c) => c !== hit)] });
          return;
        }
        const win = requestWindow(want);
        const seq = t.seq + 1;
        putTrack(camera, { pending: win, loading: true, seq, error: null });
        try {
          const r = await unwrap(api.call('segments.list', { camera, from: win.fromMs, to: win.toMs, limit: LIMIT }));
          if (track(camera).seq !== seq) return;
          const loaded: Loaded = { window: win, segments: r.segments, holds: r.holds, windows: r.windows, cutoffMs: r.retentionCutoffMs, truncated: r.truncated };
          putTrack(camera, { window: win, pending: null, loading: false, segments: r.segments, holds: r.holds, windows: r.windows, cutoffMs: r.retentionCutoffMs, truncated: r.truncated, cache: [loaded, ...track(camera).cache].slice(0, TRACK_CACHE) });
        } catch (e) {
          if (track(camera).seq !== seq) return;
          putTrack(camera, { pending: null, loading: false, error: errorText(e) });
        }
      },
      select(camera, aMs, bMs) {
        const s = selectionSpan(aMs, bMs);
        set({ selection: { camera, ...s } });
      },
      clearSelection() {
        set({ selection: null });
      },
      seek(camera, ms) {
        set({ moment: { camera, ms } });
      },
      invalidate() {
        const next: Record<string, Track> = {};
        for (const [cam, t] of Object.entries(get().tracks)) next[cam] = { ...t, window: null, cache: [], pending: null, seq: t.seq + 1 };
        set({ tracks: next });
      },
    };
  });
}
