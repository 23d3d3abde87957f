/**
 * The player of one camera, as an officer used to a recorder's client expects: play/pause,
 * speed ½×–8×, a frame forward or back, ±10 s, a playhead to drag over the timeline's window
 * (separate from selecting a window on the timeline), mark in / mark out to start an incident
 * from what is watched, and keyboard shortcuts for all of these. Playback runs on across files
 * without a gap (VideoPair), and across gaps in the recordings to the next file. The wall-clock
 * time under the playhead is reported back to the timeline.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { nextRate, rateLabel, RATES, type Source } from '../lib/playback.js';
import type { View } from '../lib/timeline.js';
import { VideoPair, type VideoMessage, type VideoPairHandle } from './VideoPair.js';

export interface PlayerLabels {
  player: string;
  nothingHere: string;
  endOfLoaded: string;
  previous: string;
  next: string;
  loading: string;
  failed: string;
  play: string;
  pause: string;
  back10: string;
  forward10: string;
  frameBack: string;
  frameForward: string;
  speed: string;
  position: string;
  markIn: string;
  markOut: string;
  shortcuts: string;
  shortcutList: readonly (readonly [string, string])[];
}

export interface PlayerProps {
  /** What to show: a moment; `nonce` changes on every request so the same moment replays. */
  request: { ms: number; nonce: number; play?: boolean } | null;
  sources: readonly Source[];
  urlFor(src: Source): Promise<string>;
  /** The timeline's window: the playhead bar spans it. */
  view: View;
  onMoment(ms: number): void;
  /** Playback reached the last loaded file: the owner loads further and asks again. */
  onEndOfLoaded?(ms: number): void;
  onMark?(which: 'in' | 'out', ms: number): void;
  clock(ms: number): string;
  labels: PlayerLabels;
  /** Listen to the keyboard shortcuts on the whole page (the screen with one player). */
  shortcuts?: boolean;
}

/** Keys that are for typing into a field, not for the player. */
function typingInto(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('dialog') !== null;
}

export function Player(p: PlayerProps): ReactNode {
  const pair = useRef<VideoPairHandle>(null);
  const [message, setMessage] = useState<VideoMessage>(null);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState<number>(1);
  const [wall, setWall] = useState<number | null>(null);
  const [scrubbing, setScrubbing] = useState(false);
  const { onMoment, onMark, onEndOfLoaded } = p;
  const req = p.request;

  useEffect(() => {
    if (!req) return;
    pair.current?.goTo(req.ms, req.play ?? true);
    setWall(req.ms);
    // Only a new request (nonce) moves the playhead; file list refreshes do not.
  }, [req?.nonce]);

  const now = (): number | null => pair.current?.currentMs() ?? wall;
  const toggle = useCallback((): void => {
    const h = pair.current;
    if (!h) return;
    if (h.isPlaying()) h.pause();
    else if (now() === null && req) h.goTo(req.ms, true);
    else h.play();
  }, [req, wall]);
  const jump = useCallback((seconds: number): void => {
    const ms = now();
    if (ms === null) return;
    const playingNow = pair.current?.isPlaying() ?? false;
    pair.current?.goTo(ms + seconds * 1000, playingNow);
    setWall(ms + seconds * 1000);
    onMoment(ms + seconds * 1000);
  }, [wall, onMoment]);
  const step = useCallback((frames: number): void => {
    pair.current?.step(frames);
    const ms = now();
    if (ms !== null) setWall(ms);
  }, [wall]);
  const changeRate = useCallback((r: number): void => {
    setRate(r);
    pair.current?.setRate(r);
  }, []);
  // A mark is the time the clock shows (what the officer read), not the decoder's position a
  // fraction of a second on: the form then opens with exactly that second.
  const mark = useCallback((which: 'in' | 'out'): void => {
    const ms = wall ?? now();
    if (ms !== null) onMark?.(which, ms);
  }, [wall, onMark]);

  useEffect(() => {
    if (!p.shortcuts) return;
    const key = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      // The timeline's rows are sliders with their own arrow keys and Enter.
      if (e.target instanceof HTMLElement && e.target.closest('.tl-row') && ['ArrowLeft', 'ArrowRight', 'Enter', '+', '-', '='].includes(e.key)) return;
      const onButton = e.target instanceof HTMLElement && e.target.tagName === 'BUTTON';
      switch (e.key) {
        case ' ':
          if (onButton) return;
          toggle();
          break;
        case 'k':
        case 'K':
          toggle();
          break;
        case 'j':
        case 'J':
          jump(-10);
          break;
        case 'l':
        case 'L':
          jump(10);
          break;
        case ',':
          step(-1);
          break;
        case '.':
          step(1);
          break;
        case '[':
          changeRate(nextRate(rate, -1));
          break;
        case ']':
          changeRate(nextRate(rate, 1));
          break;
        case 'i':
        case 'I':
          mark('in');
          break;
        case 'o':
        case 'O':
          mark('out');
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, [p.shortcuts, toggle, jump, step, changeRate, mark, rate]);

  const l = p.labels;
  const shown = wall ?? req?.ms ?? null;
  const text = message === 'loading' ? l.loading : message === 'failed' ? l.failed : message === 'end' ? (onEndOfLoaded ? l.loading : l.endOfLoaded) : message === 'gap' ? l.nothingHere : null;
  const inView = shown !== null && shown >= p.view.fromMs && shown <= p.view.toMs;
  return (
    <div className="player" data-playing={playing ? 'yes' : 'no'} data-rate={rate}>
      <VideoPair
        ref={pair}
        sources={p.sources}
        urlFor={p.urlFor}
        gaps="skip"
        label={l.player}
        onTime={(ms) => {
          if (!scrubbing) setWall(ms);
          onMoment(ms);
        }}
        onPlaying={setPlaying}
        onEnd={(ms) => onEndOfLoaded?.(ms)}
        onMessage={setMessage}
      />
      <div className="player-scrub">
        <input
          type="range"
          aria-label={l.position}
          min={Math.floor(p.view.fromMs)}
          max={Math.ceil(p.view.toMs)}
          step={1000}
          value={inView && shown !== null ? Math.round(shown) : Math.round(p.view.fromMs)}
          aria-valuetext={shown !== null ? p.clock(shown) : '—'}
          disabled={p.sources.length === 0}
          onPointerDown={() => setScrubbing(true)}
          onPointerUp={() => {
            setScrubbing(false);
            if (wall !== null) {
              pair.current?.goTo(wall, playing);
              onMoment(wall);
            }
          }}
          onChange={(e) => {
            const ms = Number(e.target.value);
            setWall(ms);
            pair.current?.scrub(ms);
            if (!scrubbing) onMoment(ms);
          }}
          data-testid="scrub"
        />
      </div>
      <div className="player-bar" role="toolbar" aria-label={l.player}>
        <div className="player-buttons">
          <button type="button" onClick={() => jump(-10)} aria-keyshortcuts="J" title={`${l.back10} (J)`}>
            {l.back10}
          </button>
          <button type="button" onClick={() => step(-1)} aria-keyshortcuts="," title={`${l.frameBack} (,)`} aria-label={l.frameBack}>
            ◀|
          </button>
          <button type="button" className="primary" onClick={toggle} aria-keyshortcuts="Space K" title={`${playing ? l.pause : l.play} (K)`} data-testid="play-pause">
            {playing ? l.pause : l.play}
          </button>
          <button type="button" onClick={() => step(1)} aria-keyshortcuts="." title={`${l.frameForward} (.)`} aria-label={l.frameForward}>
            |▶
          </button>
          <button type="button" onClick={() => jump(10)} aria-keyshortcuts="L" title={`${l.forward10} (L)`}>
            {l.forward10}
          </button>
          <label className="inline">
            <span>{l.speed}</span>
            <select value={rate} onChange={(e) => changeRate(Number(e.target.value))} aria-keyshortcuts="[ ]" data-testid="speed">
              {RATES.map((r) => (
                <option key={r} value={r}>
                  {rateLabel(r)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <output className="player-clock" aria-live="off" data-testid="player-clock">
          {shown !== null ? p.clock(shown) : '—'}
        </output>
        <div className="player-buttons">
          {onMark ? (
            <>
              <button type="button" onClick={() => mark('in')} aria-keyshortcuts="I" title={`${l.markIn} (I)`}>
                {l.markIn}
              </button>
              <button type="button" onClick={() => mark('out')} aria-keyshortcuts="O" title={`${l.markOut} (O)`}>
                {l.markOut}
              </button>
            </>
          ) : null}
          <button type="button" onClick={() => jumpFile(-1)} disabled={p.sources.length === 0}>
            {l.previous}
          </button>
          <button type="button" onClick={() => jumpFile(1)} disabled={p.sources.length === 0}>
            {l.next}
          </button>
        </div>
      </div>
      {text ? (
        <p className="muted" role="status">
          {text}
        </p>
      ) : null}
      {p.shortcuts ? (
        <details className="shortcuts small">
          <summary>{l.shortcuts}</summary>
          <dl>
            {l.shortcutList.map(([k, what]) => (
              <div key={k}>
                <dt>
                  <kbd>{k}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </div>
  );

  function jumpFile(dir: 1 | -1): void {
    const ms = now();
    if (ms === null) return;
    const i = p.sources.findIndex((s) => s.endMs > ms);
    const cur = i < 0 ? p.sources.length - 1 : i;
    const target = p.sources[Math.min(p.sources.length - 1, Math.max(0, cur + dir))];
    if (!target) return;
    pair.current?.goTo(target.startMs, true);
    setWall(target.startMs);
    onMoment(target.startMs);
  }
}
