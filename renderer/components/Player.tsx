/**
 * Plays the selected moment: finds the segment that holds it (or the next one), seeks inside it,
 * and when a segment ends moves on to the next, across files and gaps, as a person watching a
 * recorder expects. The wall-clock time under the playhead is reported back to the timeline.
 * Always muted: the policy says no sound is recorded (P7), and nothing plays one.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { segmentAtOrAfter, type Span } from '../lib/timeline.js';

export interface PlayerSegment extends Span {
  id: number;
}

export interface PlayerLabels {
  player: string;
  nothingHere: string;
  endOfLoaded: string;
  previous: string;
  next: string;
  loading: string;
  failed: string;
}

export interface PlayerProps {
  /** What to play: a moment on a camera; `nonce` changes on every request so the same moment replays. */
  request: { camera: string; ms: number; nonce: number } | null;
  segments: readonly PlayerSegment[];
  urlFor(segmentId: number): Promise<string>;
  onMoment(ms: number): void;
  /** Playback reached the last loaded segment: the owner loads further and asks again. */
  onEndOfLoaded?(ms: number): void;
  clock(ms: number): string;
  labels: PlayerLabels;
}

export function Player(p: PlayerProps): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [index, setIndex] = useState<number>(-1);
  const [message, setMessage] = useState<string | null>(null);
  const [wall, setWall] = useState<number | null>(null);
  const pendingSeek = useRef(0);
  const lastReport = useRef(0);
  const { segments, urlFor, onMoment, labels } = p;

  const load = useCallback(
    async (i: number, offsetS: number): Promise<void> => {
      const seg = segments[i];
      const v = video.current;
      if (!seg || !v) return;
      setIndex(i);
      setMessage(labels.loading);
      pendingSeek.current = Math.max(0, offsetS);
      try {
        const url = await urlFor(seg.id);
        v.src = url;
        v.load();
      } catch (e) {
        setMessage(`${labels.failed}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [segments, urlFor, labels],
  );

  const req = p.request;
  useEffect(() => {
    if (!req) return;
    const i = segmentAtOrAfter(segments, req.ms);
    if (i < 0) {
      setIndex(-1);
      setMessage(labels.nothingHere);
      return;
    }
    const seg = segments[i] as PlayerSegment;
    void load(i, req.ms > seg.startMs ? (req.ms - seg.startMs) / 1000 : 0);
    // Only a new request (nonce) starts playback; segment list refreshes do not.
  }, [req?.nonce, req?.camera]);

  const seg = index >= 0 ? segments[index] : undefined;
  const onLoaded = (): void => {
    const v = video.current;
    if (!v) return;
    v.currentTime = Math.min(pendingSeek.current, Number.isFinite(v.duration) ? Math.max(0, v.duration - 0.1) : pendingSeek.current);
    setMessage(null);
    void v.play().catch(() => undefined);
  };
  const onTime = (): void => {
    const v = video.current;
    if (!v || !seg) return;
    const ms = seg.startMs + v.currentTime * 1000;
    setWall(ms);
    if (Math.abs(ms - lastReport.current) > 1000) {
      lastReport.current = ms;
      onMoment(ms);
    }
  };
  const onEnded = (): void => {
    if (index + 1 < segments.length) void load(index + 1, 0);
    else if (p.onEndOfLoaded && seg) p.onEndOfLoaded(seg.endMs);
    else setMessage(labels.endOfLoaded);
  };

  return (
    <div className="player">
      <video
        ref={video}
        className="player-video"
        muted
        playsInline
        controls
        preload="auto"
        aria-label={labels.player}
        onLoadedMetadata={onLoaded}
        onTimeUpdate={onTime}
        onEnded={onEnded}
        onError={() => setMessage(labels.failed)}
        data-segment={seg?.id ?? ''}
      />
      <div className="player-bar">
        <button type="button" onClick={() => void load(index - 1, 0)} disabled={index <= 0}>
          {labels.previous}
        </button>
        <output className="player-clock" aria-live="off" data-testid="player-clock">
          {wall !== null ? p.clock(wall) : seg ? p.clock(seg.startMs) : '—'}
        </output>
        <button type="button" onClick={() => void load(index + 1, 0)} disabled={index < 0 || index + 1 >= segments.length}>
          {labels.next}
        </button>
      </div>
      {message ? (
        <p className="muted" role="status">
          {message}
        </p>
      ) : null}
    </div>
  );
}
