/**
 * Plays a run of recorded files as one: two <video> elements, one showing, the other holding the
 * next file loaded and paused at its first frame, so at a file's end the next one is already
 * there and starts in the same frame (no black, no load). Seeking to a moment finds the file
 * that holds it (or, with `gaps: 'skip'`, the next one after a gap; with 'wait', it shows the gap
 * until asked again, as a synchronised grid does). Always muted: the policy says no sound is
 * recorded (P7), and nothing plays one.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type ReactNode, type Ref } from 'react';
import { DEFAULT_FPS, locate, type Source } from '../lib/playback.js';

export interface VideoPairHandle {
  /** Shows the moment `ms`; plays from there when `play`. */
  goTo(ms: number, play: boolean): void;
  /** A quick seek while a playhead is dragged: inside the file showing it only moves, across files it loads at most every 200 ms. */
  scrub(ms: number): void;
  play(): void;
  pause(): void;
  isPlaying(): boolean;
  setRate(rate: number): void;
  /** Pauses and moves `frames` frames (negative: back), across files. */
  step(frames: number): void;
  /** The wall time at the playhead (null: nothing loaded). */
  currentMs(): number | null;
}

export type VideoMessage = 'loading' | 'failed' | 'gap' | 'end' | null;

export interface VideoPairProps {
  sources: readonly Source[];
  urlFor(src: Source): Promise<string>;
  gaps: 'skip' | 'wait';
  label: string;
  /** The wall time at the playhead, about four times a second while playing. */
  onTime?(ms: number): void;
  onPlaying?(playing: boolean): void;
  /** Playback passed the last file (its end time). */
  onEnd?(ms: number): void;
  onMessage?(m: VideoMessage): void;
  ref?: Ref<VideoPairHandle>;
}

interface Slot {
  /** The file's "kind:id" (the list of files changes as the view moves; the key does not). */
  key: string;
  index: number;
  ready: boolean;
  /** Where to put the playhead once the file's metadata is in (seconds). */
  seekS: number;
}

export function VideoPair(p: VideoPairProps): ReactNode {
  const v0 = useRef<HTMLVideoElement>(null);
  const v1 = useRef<HTMLVideoElement>(null);
  const videos = [v0, v1] as const;
  const [active, setActiveState] = useState<0 | 1>(0);
  const activeRef = useRef<0 | 1>(0);
  const slots = useRef<[Slot, Slot]>([
    { key: '', index: -1, ready: false, seekS: 0 },
    { key: '', index: -1, ready: false, seekS: 0 },
  ]);
  const wantPlay = useRef(false);
  const rate = useRef(1);
  const fps = useRef(DEFAULT_FPS);
  const loadSeq = useRef<[number, number]>([0, 0]);
  const lastScrubLoad = useRef(0);
  const endedAt = useRef<number | null>(null);
  const [swapGapMs, setSwapGapMs] = useState<number | null>(null);
  const [firstFrame, setFirstFrame] = useState(false);
  // Slots live in a ref (events read them synchronously); this re-renders their attributes.
  const [, setVersion] = useState(0);
  const { sources, urlFor, onTime, onPlaying, onEnd, onMessage } = p;
  const sourcesRef = useRef(sources);
  sourcesRef.current = sources;
  const lastTime = useRef(0);

  const setActive = (k: 0 | 1): void => {
    activeRef.current = k;
    setActiveState(k);
  };
  const el = (k: 0 | 1): HTMLVideoElement | null => videos[k].current;
  const wallOf = (k: 0 | 1): number | null => {
    const s = sourcesRef.current[slots.current[k].index];
    const v = el(k);
    return s && v ? s.startMs + v.currentTime * 1000 : null;
  };

  const startPlaying = useCallback((k: 0 | 1): void => {
    const v = el(k);
    if (!v) return;
    v.playbackRate = rate.current;
    void v.play().catch(() => undefined);
  }, []);

  /** Loads source `index` into slot `k`, the playhead at `offsetS`. */
  const load = useCallback(
    async (k: 0 | 1, index: number, offsetS: number): Promise<void> => {
      const src = sourcesRef.current[index];
      const v = el(k);
      if (!src || !v) return;
      const seq = ++loadSeq.current[k];
      slots.current[k] = { key: `${src.kind}:${src.id}`, index, ready: false, seekS: Math.max(0, offsetS) };
      if (k === activeRef.current) onMessage?.('loading');
      let url: string;
      try {
        url = await urlFor(src);
      } catch {
        if (k === activeRef.current) onMessage?.('failed');
        return;
      }
      if (loadSeq.current[k] !== seq) return;
      v.src = url;
      v.load();
    },
    [urlFor, onMessage],
  );

  const preloadNext = useCallback((): void => {
    const a = activeRef.current;
    const other: 0 | 1 = a === 0 ? 1 : 0;
    const next = slots.current[a].index + 1;
    if (next < 0 || next >= sourcesRef.current.length) return;
    if (slots.current[other].index === next) return;
    void load(other, next, 0);
  }, [load]);

  const goTo = useCallback(
    (ms: number, play: boolean): void => {
      wantPlay.current = play;
      const at = locate(sourcesRef.current, ms);
      const a = activeRef.current;
      if (!at) {
        el(a)?.pause();
        onMessage?.('end');
        return;
      }
      if (at.inGap && p.gaps === 'wait') {
        el(a)?.pause();
        onMessage?.('gap');
        return;
      }
      const other: 0 | 1 = a === 0 ? 1 : 0;
      if (slots.current[a].index === at.index && slots.current[a].ready) {
        const v = el(a);
        if (v) {
          v.currentTime = at.offsetS;
          if (play) startPlaying(a);
          else v.pause();
        }
        onMessage?.(null);
      } else if (slots.current[other].index === at.index && slots.current[other].ready) {
        el(a)?.pause();
        const v = el(other);
        if (v) v.currentTime = at.offsetS;
        setActive(other);
        if (play) startPlaying(other);
        onMessage?.(null);
        preloadNext();
      } else if (slots.current[a].index === at.index) {
        // Still loading this file: only the place to start changes.
        slots.current[a].seekS = at.offsetS;
      } else {
        el(a)?.pause();
        void load(a, at.index, at.offsetS);
      }
    },
    [load, preloadNext, startPlaying, onMessage, p.gaps],
  );

  /** The showing file ended: the next one is (usually) loaded already; show it in the same frame. */
  const advance = useCallback((): void => {
    const a = activeRef.current;
    const other: 0 | 1 = a === 0 ? 1 : 0;
    const cur = sourcesRef.current[slots.current[a].index];
    const nextIndex = slots.current[a].index + 1;
    const next = sourcesRef.current[nextIndex];
    if (!next) {
      if (cur) onEnd?.(cur.endMs);
      onMessage?.('end');
      return;
    }
    if (p.gaps === 'wait' && cur && next.startMs - cur.endMs > 2_000) {
      // A synchronised tile waits for the clock to reach the next recording.
      onMessage?.('gap');
      return;
    }
    endedAt.current = performance.now();
    if (slots.current[other].index === nextIndex && slots.current[other].ready) {
      const v = el(other);
      if (v && v.currentTime !== 0) v.currentTime = 0;
      setActive(other);
      startPlaying(other);
      preloadNext();
    } else {
      void load(a, nextIndex, 0);
    }
  }, [load, preloadNext, startPlaying, onEnd, onMessage, p.gaps]);

  useImperativeHandle(
    p.ref,
    () => ({
      goTo,
      scrub(ms) {
        const at = locate(sourcesRef.current, ms);
        const a = activeRef.current;
        const v = el(a);
        if (at && v && !at.inGap && slots.current[a].index === at.index && slots.current[a].ready) {
          const fast = (v as HTMLVideoElement & { fastSeek?: (t: number) => void }).fastSeek;
          if (typeof fast === 'function') fast.call(v, at.offsetS);
          else v.currentTime = at.offsetS;
          return;
        }
        const now = performance.now();
        if (now - lastScrubLoad.current < 200) return;
        lastScrubLoad.current = now;
        goTo(ms, false);
      },
      play() {
        wantPlay.current = true;
        const a = activeRef.current;
        if (slots.current[a].ready) startPlaying(a);
      },
      pause() {
        wantPlay.current = false;
        el(activeRef.current)?.pause();
      },
      isPlaying() {
        const v = el(activeRef.current);
        return v !== null && !v.paused && !v.ended;
      },
      setRate(r) {
        rate.current = r;
        for (const k of [0, 1] as const) {
          const v = el(k);
          if (v) v.playbackRate = r;
        }
      },
      step(frames) {
        wantPlay.current = false;
        const a = activeRef.current;
        const v = el(a);
        const ms = wallOf(a);
        if (!v || ms === null) return;
        v.pause();
        const t = v.currentTime + frames / fps.current;
        if (t >= 0 && Number.isFinite(v.duration) && t < v.duration) v.currentTime = t;
        else goTo(ms + (frames * 1000) / fps.current, false);
      },
      currentMs: () => wallOf(activeRef.current),
    }),
    [goTo, startPlaying],
  );

  // A new list of files (the view moved): keep what is showing if it is still in the list.
  useEffect(() => {
    for (const k of [0, 1] as const) {
      const s = slots.current[k];
      if (s.key === '') continue;
      slots.current[k] = { ...s, index: sources.findIndex((x) => `${x.kind}:${x.id}` === s.key) };
    }
  }, [sources]);

  const handlers = (k: 0 | 1) => ({
    onLoadedMetadata: () => {
      const v = el(k);
      const s = slots.current[k];
      if (!v) return;
      const d = Number.isFinite(v.duration) ? v.duration : s.seekS;
      v.currentTime = Math.min(s.seekS, Math.max(0, d - 0.05));
      v.playbackRate = rate.current;
    },
    onLoadedData: () => {
      slots.current[k].ready = true;
      setVersion((n) => n + 1);
      if (k !== activeRef.current) return;
      onMessage?.(null);
      if (wantPlay.current) startPlaying(k);
      preloadNext();
    },
    onTimeUpdate: () => {
      if (k !== activeRef.current) return;
      const ms = wallOf(k);
      if (ms === null) return;
      const now = performance.now();
      if (now - lastTime.current > 240) {
        lastTime.current = now;
        onTime?.(ms);
      }
    },
    onPlaying: () => {
      if (k !== activeRef.current) return;
      if (endedAt.current !== null) {
        setSwapGapMs(Math.round(performance.now() - endedAt.current));
        endedAt.current = null;
      }
      onPlaying?.(true);
      const v = el(k) as (HTMLVideoElement & { requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number; presentedFrames: number }) => void) => number }) | null;
      if (v?.requestVideoFrameCallback) {
        let last = -1;
        const measure = (_now: number, meta: { mediaTime: number; presentedFrames: number }): void => {
          setFirstFrame(true);
          if (last >= 0 && meta.mediaTime > last) {
            const f = 1 / (meta.mediaTime - last);
            // Frames a second, from two frames in a row (a recorder's 12.5, 25 or 30).
            if (f > 1 && f < 121) fps.current = Math.round(f * 2) / 2;
          }
          last = meta.mediaTime;
          if (!v.paused && meta.presentedFrames < 30) v.requestVideoFrameCallback?.(measure);
        };
        v.requestVideoFrameCallback(measure);
      } else setFirstFrame(true);
    },
    onPause: () => {
      if (k === activeRef.current && !el(k)?.ended) onPlaying?.(false);
    },
    onEnded: () => {
      if (k === activeRef.current) advance();
    },
    onError: () => {
      if (k === activeRef.current) onMessage?.('failed');
    },
  });

  const srcOf = (k: 0 | 1): { kind: string; id: string } | undefined => {
    const [kind = '', id = ''] = slots.current[k].key.split(':');
    return slots.current[k].key ? { kind, id } : undefined;
  };
  return (
    <div className="vp" data-swap-gap-ms={swapGapMs ?? ''} data-first-frame={firstFrame ? 'yes' : 'no'}>
      {([0, 1] as const).map((k) => {
        const s = srcOf(k);
        return (
          <video
            key={k}
            ref={videos[k]}
            className={k === active ? 'player-video on' : 'player-standby'}
            muted
            playsInline
            preload="auto"
            aria-label={p.label}
            aria-hidden={k === active ? undefined : true}
            data-segment={s?.kind === 'segment' ? s.id : ''}
            data-source={slots.current[k].key}
            tabIndex={-1}
            {...handlers(k)}
          />
        );
      })}
    </div>
  );
}
