/**
 * Several cameras at once, in sync (2×2, 3×3, or an incident's cameras side by side): one master
 * clock (a wall time running at the chosen speed); each tile plays its own files natively and,
 * four times a second, seeks back to the clock when it has drifted more than a third of a
 * second. A tile with no recording at the clock's time says so and waits for the next one.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { clockAt, clockSet, DRIFT_MS, nextRate, rateLabel, RATES, type MasterClock, type Source } from '../lib/playback.js';
import { VideoPair, type VideoMessage, type VideoPairHandle } from './VideoPair.js';

export interface GridTile {
  key: string;
  label: string;
  sources: readonly Source[];
}

export interface CameraGridLabels {
  grid: string;
  play: string;
  pause: string;
  back10: string;
  forward10: string;
  speed: string;
  noRecording: string;
  loading: string;
  failed: string;
}

export interface CameraGridProps {
  tiles: readonly GridTile[];
  /** Tiles per side (1 for side by side in one row: `columns` decides). */
  columns: number;
  startMs: number;
  /** Start playing at once. */
  autoplay?: boolean;
  urlFor(src: Source): Promise<string>;
  onMoment?(ms: number): void;
  clock(ms: number): string;
  labels: CameraGridLabels;
  testId?: string;
}

export function CameraGrid(p: CameraGridProps): ReactNode {
  const [master, setMaster] = useState<MasterClock>(() => ({ baseMs: p.startMs, baseAt: performance.now(), rate: 1, playing: p.autoplay ?? false }));
  const masterRef = useRef(master);
  masterRef.current = master;
  const [shown, setShown] = useState(p.startMs);
  const { onMoment } = p;

  // A new starting moment (chosen on the timeline) moves the clock there.
  useEffect(() => {
    setMaster((m) => clockSet(m, performance.now(), { baseMs: p.startMs }));
  }, [p.startMs]);

  useEffect(() => {
    let lastMoment = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const ms = clockAt(masterRef.current, now);
      setShown(ms);
      if (onMoment && now - lastMoment > 500) {
        lastMoment = now;
        onMoment(ms);
      }
    }, 250);
    return () => clearInterval(timer);
  }, [onMoment]);

  const set = useCallback((patch: Partial<Pick<MasterClock, 'baseMs' | 'rate' | 'playing'>>) => setMaster((m) => clockSet(m, performance.now(), patch)), []);
  const l = p.labels;
  return (
    <div className="grid-player" data-testid={p.testId} data-playing={master.playing ? 'yes' : 'no'}>
      <div className="player-bar" role="toolbar" aria-label={l.grid}>
        <div className="player-buttons">
          <button type="button" onClick={() => set({ baseMs: clockAt(master, performance.now()) - 10_000 })}>
            {l.back10}
          </button>
          <button type="button" className="primary" onClick={() => set({ playing: !master.playing })} data-testid="grid-play">
            {master.playing ? l.pause : l.play}
          </button>
          <button type="button" onClick={() => set({ baseMs: clockAt(master, performance.now()) + 10_000 })}>
            {l.forward10}
          </button>
          <label className="inline">
            <span>{l.speed}</span>
            <select value={master.rate} onChange={(e) => set({ rate: Number(e.target.value) })} onKeyDown={(e) => {
              if (e.key === '[' || e.key === ']') set({ rate: nextRate(master.rate, e.key === ']' ? 1 : -1) });
            }}>
              {RATES.map((r) => (
                <option key={r} value={r}>
                  {rateLabel(r)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <output className="player-clock" data-testid="grid-clock">
          {p.clock(shown)}
        </output>
      </div>
      <div className={`grid-tiles cols-${p.columns}`}>
        {p.tiles.map((tile) => (
          <SyncTile key={tile.key} tile={tile} master={masterRef} version={master} urlFor={p.urlFor} labels={l} />
        ))}
      </div>
    </div>
  );
}

function SyncTile({ tile, master, version, urlFor, labels }: { tile: GridTile; master: { current: MasterClock }; version: MasterClock; urlFor(src: Source): Promise<string>; labels: CameraGridLabels }): ReactNode {
  const pair = useRef<VideoPairHandle>(null);
  const [message, setMessage] = useState<VideoMessage>('loading');
  const sources = useMemo(() => tile.sources, [tile.sources]);

  const follow = useCallback((hard: boolean): void => {
    const h = pair.current;
    if (!h) return;
    const m = master.current;
    const ms = clockAt(m, performance.now());
    const cur = h.currentMs();
    h.setRate(m.rate);
    if (hard || cur === null || Math.abs(cur - ms) > DRIFT_MS || (m.playing && !h.isPlaying()) || (!m.playing && h.isPlaying())) {
      if (!hard && cur !== null && Math.abs(cur - ms) <= DRIFT_MS) {
        if (m.playing) h.play();
        else h.pause();
      } else h.goTo(ms, m.playing);
    }
  }, [master]);

  // Every change of the clock (play, pause, speed, a jump) is followed at once; drift four times a second.
  useEffect(() => follow(true), [version, follow]);
  useEffect(() => {
    const timer = setInterval(() => follow(false), 250);
    return () => clearInterval(timer);
  }, [follow]);

  const text = message === 'gap' || message === 'end' ? labels.noRecording : message === 'loading' ? labels.loading : message === 'failed' ? labels.failed : null;
  return (
    <figure className="grid-tile" data-tile={tile.key} data-state={message ?? 'playing'}>
      <VideoPair ref={pair} sources={sources} urlFor={urlFor} gaps="wait" label={tile.label} onMessage={setMessage} />
      <figcaption>
        <strong>{tile.label}</strong>
        {text ? <span className="small"> · {text}</span> : null}
      </figcaption>
    </figure>
  );
}
