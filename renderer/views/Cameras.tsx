/**
 * Cameras & timeline, the officer's desk: per camera a zoomable timeline of what is recorded
 * (gaps visible, held spans, incident and hold windows also after release, the retention line),
 * a still of the moment under the pointer, a player for the chosen moment (scrub, speed, frame
 * step, ±10 s, mark in / mark out, keyboard shortcuts; files follow each other without a gap),
 * a grid of 2×2 or 3×3 cameras playing in sync, and a range — dragged on the timeline or marked
 * while watching — that becomes a new incident.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../common/api/types.js';
import { CameraGrid, type GridTile } from '../components/CameraGrid.js';
import { Player } from '../components/Player.js';
import { TimelineAxis, TimelineRow, useWidth, type TimelineWindow } from '../components/Timeline.js';
import { ErrorText, Section } from '../components/ui.js';
import { errorText, unwrap } from '../lib/api.js';
import { fmt, fromLocalInput, isoDay } from '../lib/format.js';
import { useCameraLabel, useFormat } from '../lib/hooks.js';
import { GRID_SIZES, markedWindow, type GridSize, type Source } from '../lib/playback.js';
import { DAY, HOUR, MINUTE, covers, segmentAtOrAfter } from '../lib/timeline.js';
import { useSlice, useStores } from '../stores/context.js';
import { can } from '../stores/session.js';
import type { Track } from '../stores/timeline.js';
import { NewIncidentDialog } from './NewIncident.js';
import { SegmentAtCursor } from './SegmentAtCursor.js';

const ROW_HEIGHT = 48;
/** A still every five minutes: the recording that holds that moment (or the one under the pointer). */
const STILL_STEP_MS = 5 * MINUTE;

function sourcesOf(track: Track | undefined): Source[] {
  return track ? track.segments.map((s) => ({ kind: 'segment' as const, id: s.id, startMs: s.startMs, endMs: s.endMs })) : [];
}

export function Cameras(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const camLabel = useCameraLabel();
  const session = useSlice(stores.session, (s) => s.session);
  const view = useSlice(stores.timeline, (s) => s.view);
  const selection = useSlice(stores.timeline, (s) => s.selection);
  const moment = useSlice(stores.timeline, (s) => s.moment);
  const [cameras, setCameras] = useState<CameraView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [request, setRequest] = useState<{ camera: string; ms: number; nonce: number; play?: boolean } | null>(null);
  const [creating, setCreating] = useState(false);
  const [grid, setGrid] = useState<GridSize>(1);
  const [gridCameras, setGridCameras] = useState<string[]>([]);
  // Only the tracks the grid plays are followed here (each row follows its own): a screen of 50
  // cameras must not redraw every row whenever one of them loads.
  const gridTracks = useSlice(stores.timeline, (s) => (grid > 1 ? s.tracks : null));
  const [gridStart, setGridStart] = useState<number | null>(null);
  const [marks, setMarks] = useState<{ camera: string; inMs: number | null; outMs: number | null } | null>(null);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  // The name column (160 px) and the gap beside it; the rest is the time axis.
  const rowWidth = Math.max(200, width - 160 - 8 - 18);

  useEffect(() => {
    void unwrap(stores.api.call('cameras.list', {}))
      .then((r) => {
        setCameras(r.cameras);
        stores.cameras.getState().remember(r.cameras.map((c) => ({ id: c.id, name: c.name, zone: c.zone })));
        setGridCameras((g) => (g.length > 0 ? g : r.cameras.slice(0, 9).map((c) => c.id)));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [stores]);

  // Camera rows are virtualised: only the rows on screen are drawn, and only they load.
  const rowsRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: cameras?.length ?? 0, getScrollElement: () => rowsRef.current, estimateSize: () => ROW_HEIGHT, overscan: 2 });
  const items = rows.getVirtualItems();
  const visibleKey = items.map((i) => cameras?.[i.index]?.id ?? '').join(',');
  const shownInGrid = grid > 1 ? gridCameras.slice(0, grid * grid) : [];

  // Load what is on screen (and what the grid plays), a frame after the view settles (wheel zooming comes in bursts).
  useEffect(() => {
    const want = new Set([...visibleKey.split(','), ...shownInGrid, request?.camera ?? ''].filter(Boolean));
    if (want.size === 0) return;
    const timer = setTimeout(() => {
      for (const id of want) void stores.timeline.getState().ensure(id);
    }, 16);
    return () => clearTimeout(timer);
  }, [visibleKey, view, stores, shownInGrid.join(','), request?.camera]);

  /** Keeps the playhead on screen: the view moves on when playback nears its edge. */
  const follow = useCallback(
    (ms: number) => {
      const v = stores.timeline.getState().view;
      const sp = v.toMs - v.fromMs;
      if (ms > v.toMs - sp / 20 || ms < v.fromMs) stores.timeline.getState().setView({ fromMs: ms - sp / 4, toMs: ms + (3 * sp) / 4 });
    },
    [stores],
  );

  const play = useCallback(
    (camera: string, ms: number) => {
      stores.timeline.getState().seek(camera, ms);
      if (grid > 1) {
        setGridStart(ms);
        return;
      }
      setRequest((r) => ({ camera, ms, nonce: (r?.nonce ?? 0) + 1, play: true }));
    },
    [stores, grid],
  );
  const zoom = useCallback((factor: number, anchor: number) => stores.timeline.getState().zoom(factor, anchor), [stores]);
  const urlFor = useCallback(async (src: Source) => (await unwrap(stores.api.call('playback.url', { kind: src.kind, id: src.id }))).url, [stores]);
  const onMoment = useCallback(
    (ms: number) => {
      const m = stores.timeline.getState().moment;
      if (m) stores.timeline.getState().seek(m.camera, ms);
      follow(ms);
    },
    [stores, follow],
  );
  const scrub = useCallback(
    (camera: string, ms: number, done: boolean) => {
      stores.timeline.getState().seek(camera, ms);
      if (grid > 1) {
        if (done) setGridStart(ms);
        return;
      }
      if (request?.camera !== camera) {
        if (done) play(camera, ms);
        return;
      }
      setRequest((r) => ({ camera, ms, nonce: (r?.nonce ?? 0) + 1, play: false }));
    },
    [stores, grid, request?.camera, play],
  );

  // At the end of what is loaded, playback moves the view on and goes on from there.
  const [resume, setResume] = useState<{ camera: string; ms: number } | null>(null);
  const onEndOfLoaded = useCallback(
    (ms: number) => {
      const cam = request?.camera;
      if (!cam) return;
      const v = stores.timeline.getState().view;
      const sp = v.toMs - v.fromMs;
      stores.timeline.getState().setView({ fromMs: ms - sp / 4, toMs: ms + (3 * sp) / 4 });
      void stores.timeline.getState().ensure(cam);
      setResume({ camera: cam, ms });
    },
    [request?.camera, stores],
  );
  const playingCamera = request?.camera ?? null;
  const playingTrack = useSlice(stores.timeline, (s) => (playingCamera ? s.tracks[playingCamera] : undefined));
  useEffect(() => {
    if (!resume || !playingTrack || playingTrack.loading) return;
    if (!covers(playingTrack.window, stores.timeline.getState().view)) return;
    setResume(null);
    play(resume.camera, resume.ms);
  }, [resume, playingTrack, play, stores]);
  const momentTrack = useSlice(stores.timeline, (s) => (s.moment ? s.tracks[s.moment.camera] : undefined));
  const playerSources = useMemo(() => sourcesOf(playingTrack), [playingTrack]);
  const gridTiles: GridTile[] = useMemo(() => shownInGrid.map((cam) => ({ key: cam, label: camLabel(cam), sources: sourcesOf(gridTracks?.[cam]) })), [shownInGrid.join(','), gridTracks, camLabel]);

  const mark = useCallback(
    (which: 'in' | 'out', at: number) => {
      const cam = request?.camera;
      if (!cam) return;
      // A mark is a whole second, as the clock shows it: the form then opens with exactly the
      // times the officer read (21:00:00–21:00:10), not a second more where the playhead was at .6.
      // (Truncated, as the clock's format truncates: the player passes the time its clock shows.)
      const ms = Math.floor(at / 1000) * 1000;
      const next = { camera: cam, inMs: marks?.camera === cam ? marks.inMs : null, outMs: marks?.camera === cam ? marks.outMs : null, [which === 'in' ? 'inMs' : 'outMs']: ms };
      setMarks(next);
      const w = markedWindow(next.inMs, next.outMs);
      if (w) stores.timeline.getState().select(cam, w.startMs, w.endMs);
    },
    [request?.camera, marks, stores],
  );

  const span = view.toMs - view.fromMs;
  // The retention line: recordings that ended before it are due now (the same for every camera).
  const cutoffMs = useSlice(stores.timeline, (s) => Object.values(s.tracks).find((tr) => tr.cutoffMs !== null)?.cutoffMs ?? null);
  const clock = useCallback((ms: number): string => fmt(ms, f.tz, f.lang, 'd MMM yyyy HH:mm:ss'), [f.tz, f.lang]);
  const axisLabel = (ms: number, isDay: boolean, stepMs: number): string => (isDay && stepMs >= HOUR ? fmt(ms, f.tz, f.lang, 'EEE d MMM') : fmt(ms, f.tz, f.lang, 'HH:mm'));
  const shortcutList = [
    [t('player.keys.space'), t('player.playPause')],
    ['J / L', t('player.jump10')],
    [', / .', t('player.frameStep')],
    ['[ / ]', t('player.speedStep')],
    ['I / O', t('player.marks')],
  ] as const;

  return (
    <div className="screen cameras wide">
      <h1>{t('cameras.title')}</h1>
      <ErrorText text={error} />
      <div className="toolbar" role="toolbar" aria-label={t('cameras.toolbar')}>
        <label>
          {t('cameras.day')}
          <input
            type="date"
            value={isoDay(view.fromMs + span / 2, f.tz)}
            onChange={(e) => {
              const ms = fromLocalInput(e.target.value, f.tz);
              if (Number.isFinite(ms)) stores.timeline.getState().showDay(ms, f.tz);
            }}
          />
        </label>
        <button type="button" onClick={() => stores.timeline.getState().pan(-0.5)}>{t('cameras.earlier')}</button>
        <button type="button" onClick={() => stores.timeline.getState().pan(0.5)}>{t('cameras.later')}</button>
        <button type="button" onClick={() => stores.timeline.getState().zoom(0.5)} aria-label={t('cameras.zoomIn')}>+</button>
        <button type="button" onClick={() => stores.timeline.getState().zoom(2)} aria-label={t('cameras.zoomOut')}>−</button>
        <button type="button" onClick={() => stores.timeline.getState().showDay(Date.now(), f.tz)}>{t('cameras.today')}</button>
        <button type="button" onClick={() => stores.timeline.getState().setView({ fromMs: Date.now() - HOUR, toMs: Date.now() })}>{t('cameras.lastHour')}</button>
        {cutoffMs !== null ? (
          <button type="button" onClick={() => stores.timeline.getState().setView({ fromMs: cutoffMs - 12 * HOUR, toMs: cutoffMs + 12 * HOUR })}>
            {t('cameras.toHorizon')}
          </button>
        ) : null}
        <div className="tabs inline" role="group" aria-label={t('cameras.layout')}>
          {GRID_SIZES.map((g) => (
            <button key={g} type="button" aria-pressed={grid === g} onClick={() => {
              setGrid(g);
              if (g > 1) setGridStart(moment?.ms ?? request?.ms ?? view.fromMs + span / 2);
            }}>
              {g === 1 ? t('cameras.layoutOne') : t('cameras.layoutGrid', { n: g })}
            </button>
          ))}
        </div>
        <span className="muted small" aria-live="polite">
          {t('cameras.showing', { from: clock(view.fromMs), to: clock(view.toMs) })}
        </span>
      </div>
      <p className="legend-row small">
        <span className="legend legend-run">{t('cameras.legendRecorded')}</span>
        <span className="legend legend-gap">{t('cameras.legendGap')}</span>
        <span className="legend legend-held">{t('cameras.legendHeld')}</span>
        <span className="legend legend-incident">{t('cameras.legendIncident')}</span>
        <span className="legend legend-released">{t('cameras.legendReleased')}</span>
        <span className="legend legend-due">{t('cameras.legendDue')}</span>
        <span className="muted">{t('cameras.howto')}</span>
      </p>
      <div className="timeline" ref={boxRef}>
        <div className="tl-line">
          <div className="tl-name" />
          <TimelineAxis view={view} width={rowWidth} tz={f.tz} label={axisLabel} />
        </div>
        <div className="tl-rows" ref={rowsRef}>
          <div className="tl-rows-inner" style={{ height: rows.getTotalSize() }}>
            {items.map((it) => {
              const c = cameras?.[it.index];
              return c ? (
                <div key={c.id} className="tl-slot" style={{ transform: `translateY(${it.start}px)`, height: ROW_HEIGHT }}>
                  <CameraRow camera={c} width={rowWidth} onPlay={play} onScrub={scrub} onZoom={zoom} clock={clock} />
                </div>
              ) : null;
            })}
          </div>
        </div>
      </div>

      {grid > 1 ? (
        <Section title={t('cameras.gridTitle', { n: grid })} id="grid">
          <fieldset className="grid-choice">
            <legend>{t('cameras.gridCameras', { n: grid * grid })}</legend>
            <div className="checks">
              {(cameras ?? []).map((c) => {
                const on = gridCameras.includes(c.id);
                const full = !on && shownInGrid.length >= grid * grid;
                return (
                  <label key={c.id} className="check">
                    <input type="checkbox" checked={on && shownInGrid.includes(c.id)} disabled={full} onChange={(e) => setGridCameras(e.target.checked ? [...gridCameras.filter((x) => shownInGrid.includes(x)), c.id] : gridCameras.filter((x) => x !== c.id))} />
                    {camLabel(c.id)}
                  </label>
                );
              })}
            </div>
          </fieldset>
          {gridStart !== null ? (
            <CameraGrid
              testId="camera-grid"
              tiles={gridTiles}
              columns={grid}
              startMs={gridStart}
              urlFor={urlFor}
              onMoment={(ms) => {
                const first = shownInGrid[0];
                if (first) stores.timeline.getState().seek(first, ms);
                follow(ms);
              }}
              clock={clock}
              labels={{ grid: t('cameras.gridTitle', { n: grid }), play: t('player.play'), pause: t('player.pause'), back10: t('player.back10'), forward10: t('player.forward10'), speed: t('player.speed'), noRecording: t('cameras.noRecordingHere'), loading: t('common.loading'), failed: t('cameras.playFailed') }}
            />
          ) : null}
        </Section>
      ) : null}

      <div className="desk">
        {grid === 1 ? (
          <Section title={request ? t('cameras.playerTitle', { camera: camLabel(request.camera) }) : t('cameras.player')} id="player" className="player-card">
            {request ? null : <p className="muted">{t('cameras.pickMoment')}</p>}
            <Player
              request={request}
              sources={playerSources}
              urlFor={urlFor}
              view={view}
              onMoment={onMoment}
              onEndOfLoaded={onEndOfLoaded}
              onMark={can(session, 'incidents.create') ? mark : undefined}
              clock={clock}
              shortcuts
              labels={{
                player: t('cameras.player'),
                nothingHere: t('cameras.nothingHere'),
                endOfLoaded: t('cameras.endOfLoaded'),
                previous: t('cameras.prevSegment'),
                next: t('cameras.nextSegment'),
                loading: t('common.loading'),
                failed: t('cameras.playFailed'),
                play: t('player.play'),
                pause: t('player.pause'),
                back10: t('player.back10'),
                forward10: t('player.forward10'),
                frameBack: t('player.frameBack'),
                frameForward: t('player.frameForward'),
                speed: t('player.speed'),
                position: t('player.position'),
                markIn: t('player.markIn'),
                markOut: t('player.markOut'),
                shortcuts: t('player.shortcuts'),
                shortcutList,
              }}
            />
            {moment ? <p className="small muted">{t('cameras.moment', { when: clock(moment.ms) })}</p> : null}
            {moment ? <SegmentAtCursor segments={momentTrack?.segments ?? []} ms={moment.ms} clock={clock} /> : null}
          </Section>
        ) : null}
        <Section title={t('cameras.selection')} id="selection" className="selection-card">
          {marks && (marks.inMs !== null || marks.outMs !== null) ? (
            <p className="small" data-testid="marks">
              {t('cameras.marks', { camera: camLabel(marks.camera), in: marks.inMs === null ? '—' : clock(marks.inMs), out: marks.outMs === null ? '—' : clock(marks.outMs) })}
            </p>
          ) : null}
          {selection ? (
            <>
              <p data-testid="selection">
                {t('cameras.selected', { camera: camLabel(selection.camera), from: clock(selection.startMs), to: clock(selection.endMs) })}
              </p>
              <div className="buttons">
                {can(session, 'incidents.create') ? (
                  <button type="button" className="primary" onClick={() => setCreating(true)}>
                    {t('cameras.makeIncident')}
                  </button>
                ) : null}
                <button type="button" onClick={() => {
                  stores.timeline.getState().clearSelection();
                  setMarks(null);
                }}>
                  {t('cameras.clearSelection')}
                </button>
              </div>
            </>
          ) : (
            <p className="muted">{t('cameras.selectHint')}</p>
          )}
        </Section>
      </div>
      {creating && selection && cameras ? (
        <NewIncidentDialog
          cameras={cameras}
          selection={selection}
          onClose={() => setCreating(false)}
          onCreated={(ref) => {
            setCreating(false);
            setMarks(null);
            stores.timeline.getState().clearSelection();
            stores.timeline.getState().invalidate();
            stores.ui.getState().go({ screen: 'incidents', ref });
          }}
        />
      ) : null}
      {span > 7 * DAY ? <p className="muted small">{t('cameras.zoomedOut')}</p> : null}
    </div>
  );
}

/** The recording whose still stands for `ms`: the one holding the five-minute mark before it, else the one under the pointer. */
export function stillSegment(track: Track | undefined, ms: number): number | null {
  if (!track) return null;
  const segs = track.segments;
  const mark = Math.floor(ms / STILL_STEP_MS) * STILL_STEP_MS;
  for (const at of [mark, ms]) {
    const i = segmentAtOrAfter(segs, at);
    const s = i < 0 ? undefined : segs[i];
    if (s && s.startMs <= at && s.endMs > at) return s.id;
  }
  return null;
}

/** One camera's row; memoised, so a row redraws only when its own track, the view or its props change. */
const CameraRow = memo(function CameraRow({ camera, width, onPlay, onScrub, onZoom, clock }: { camera: CameraView; width: number; onPlay(camera: string, ms: number): void; onScrub(camera: string, ms: number, done: boolean): void; onZoom(f: number, a: number): void; clock(ms: number): string }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const view = useSlice(stores.timeline, (s) => s.view);
  const track = useSlice(stores.timeline, (s) => s.tracks[camera.id]);
  const selection = useSlice(stores.timeline, (s) => (s.selection?.camera === camera.id ? s.selection : null));
  const moment = useSlice(stores.timeline, (s) => (s.moment?.camera === camera.id ? s.moment.ms : null));
  const [hover, setHover] = useState<{ ms: number; x: number; segment: number | null } | null>(null);
  const thumb = useSlice(stores.thumbnails, (s) => (hover?.segment != null ? s.bySegment[hover.segment] : undefined));
  const holds = useMemo(() => (track?.holds ?? []).map((h) => ({ startMs: h.fromMs, endMs: h.toMs })), [track?.holds]);
  const windows: TimelineWindow[] = useMemo(
    () =>
      (track?.windows ?? []).map((w) => ({
        key: `${w.kind}:${w.ref}`,
        kind: w.kind,
        startMs: w.fromMs,
        endMs: w.toMs,
        released: w.released,
        title: t(w.kind === 'incident' ? (w.released ? 'cameras.windowIncidentReleased' : 'cameras.windowIncident') : w.released ? 'cameras.windowHoldReleased' : 'cameras.windowHold', { ref: w.ref, title: w.title ?? '' }),
      })),
    [track?.windows, t],
  );
  // A still is asked for once the pointer rests (not for every pixel it passes).
  useEffect(() => {
    if (hover?.segment == null) return;
    const id = hover.segment;
    const timer = setTimeout(() => stores.thumbnails.getState().want(id), 120);
    return () => clearTimeout(timer);
  }, [hover?.segment, stores]);
  const name = camera.name ?? camera.id;
  return (
    <div className="tl-line" data-camera={camera.id}>
      <div className="tl-name">
        <strong>{name}</strong>
        <span className="small muted">{t(`zones.${camera.zone}`)}</span>
        {track?.loading ? <span className="small muted">{t('common.loading')}</span> : null}
        {track?.truncated ? <span className="small warn">{t('cameras.truncated')}</span> : null}
        {track?.error ? <span className="small error">{track.error}</span> : null}
      </div>
      <div className="tl-cell">
        <TimelineRow
          label={t('cameras.rowLabel', { camera: name })}
          view={view}
          width={width}
          segments={track?.segments ?? []}
          holds={holds}
          windows={windows}
          cutoffMs={track?.cutoffMs ?? null}
          selection={selection}
          moment={moment}
          loading={(track?.loading ?? true) || !covers(track?.window ?? null, view)}
          valueText={clock}
          onSeek={(ms) => stores.timeline.getState().seek(camera.id, ms)}
          onSelect={(a, b) => stores.timeline.getState().select(camera.id, a, b)}
          onZoom={onZoom}
          onPlay={(ms) => onPlay(camera.id, ms)}
          onScrub={(ms, done) => onScrub(camera.id, ms, done)}
          onHover={(at) => setHover(at ? { ...at, segment: stillSegment(track, at.ms) } : null)}
        />
        {hover ? (
          <div className="tl-thumb" style={{ left: Math.min(Math.max(0, hover.x - 100), width - 200) }} data-testid="thumbnail" aria-hidden="true">
            {hover.segment === null ? (
              <span className="small">{t('cameras.noStill')}</span>
            ) : thumb?.state === 'ready' ? (
              <img src={thumb.still.image} alt="" width={200} height={Math.round((200 * thumb.still.height) / Math.max(1, thumb.still.width))} data-segment={thumb.still.segment} />
            ) : thumb?.state === 'failed' ? (
              <span className="small">{thumb.error}</span>
            ) : (
              <span className="small">{t('cameras.loadingStill')}</span>
            )}
            <span className="small tl-thumb-time">{clock(hover.ms)}</span>
          </div>
        ) : null}
      </div>
    </div>
  );
});
