/**
 * Cameras & timeline: per camera a zoomable timeline of what is recorded (gaps visible, held
 * spans marked, the retention line drawn), a player for the selected moment that moves across
 * segments, and a range selection that becomes a new incident.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../common/api/types.js';
import { Player } from '../components/Player.js';
import { TimelineAxis, TimelineRow, useWidth } from '../components/Timeline.js';
import { ErrorText, Section } from '../components/ui.js';
import { errorText, unwrap } from '../lib/api.js';
import { fmt, fromLocalInput, isoDay } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { DAY, HOUR, covers } from '../lib/timeline.js';
import { useSlice, useStores } from '../stores/context.js';
import { can } from '../stores/session.js';
import { NewIncidentDialog } from './NewIncident.js';

const ROW_HEIGHT = 48;

export function Cameras(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const view = useSlice(stores.timeline, (s) => s.view);
  const selection = useSlice(stores.timeline, (s) => s.selection);
  const moment = useSlice(stores.timeline, (s) => s.moment);
  const [cameras, setCameras] = useState<CameraView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [request, setRequest] = useState<{ camera: string; ms: number; nonce: number } | null>(null);
  const [creating, setCreating] = useState(false);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  // The name column (160 px) and the gap beside it; the rest is the time axis.
  const rowWidth = Math.max(200, width - 160 - 8 - 18);

  useEffect(() => {
    void unwrap(stores.api.call('cameras.list', {}))
      .then((r) => setCameras(r.cameras))
      .catch((e: unknown) => setError(errorText(e)));
  }, [stores]);

  // Camera rows are virtualised: only the rows on screen are drawn, and only they load.
  const rowsRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: cameras?.length ?? 0, getScrollElement: () => rowsRef.current, estimateSize: () => ROW_HEIGHT, overscan: 2 });
  const items = rows.getVirtualItems();
  const visibleKey = items.map((i) => cameras?.[i.index]?.id ?? '').join(',');

  // Load what is on screen, a frame after the view settles (wheel zooming comes in bursts).
  useEffect(() => {
    if (!visibleKey) return;
    const timer = setTimeout(() => {
      for (const id of visibleKey.split(',')) if (id) void stores.timeline.getState().ensure(id);
    }, 16);
    return () => clearTimeout(timer);
  }, [visibleKey, view, stores]);

  const play = useCallback(
    (camera: string, ms: number) => {
      stores.timeline.getState().seek(camera, ms);
      setRequest((r) => ({ camera, ms, nonce: (r?.nonce ?? 0) + 1 }));
    },
    [stores],
  );
  const zoom = useCallback((factor: number, anchor: number) => stores.timeline.getState().zoom(factor, anchor), [stores]);
  const urlFor = useCallback(async (id: number) => (await unwrap(stores.api.call('playback.url', { kind: 'segment', id }))).url, [stores]);
  const onMoment = useCallback((ms: number) => {
    const m = stores.timeline.getState().moment;
    if (m) stores.timeline.getState().seek(m.camera, ms);
  }, [stores]);

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
  const playerSegments = useMemo(() => (playingTrack ? playingTrack.segments.map((s) => ({ id: s.id, startMs: s.startMs, endMs: s.endMs })) : []), [playingTrack]);
  const span = view.toMs - view.fromMs;
  // The retention line: recordings that ended before it are due now (the same for every camera).
  const cutoffMs = useSlice(stores.timeline, (s) => Object.values(s.tracks).find((tr) => tr.cutoffMs !== null)?.cutoffMs ?? null);
  const clock = (ms: number): string => fmt(ms, f.tz, f.lang, 'd MMM yyyy HH:mm:ss');
  const axisLabel = (ms: number, isDay: boolean, stepMs: number): string => (isDay && stepMs >= HOUR ? fmt(ms, f.tz, f.lang, 'EEE d MMM') : fmt(ms, f.tz, f.lang, stepMs < HOUR ? 'HH:mm' : 'HH:mm'));
  const camName = (id: string): string => cameras?.find((c) => c.id === id)?.name ?? id;

  return (
    <div className="screen cameras">
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
        <span className="muted small" aria-live="polite">
          {t('cameras.showing', { from: clock(view.fromMs), to: clock(view.toMs) })}
        </span>
      </div>
      <p className="legend-row small">
        <span className="legend legend-run">{t('cameras.legendRecorded')}</span>
        <span className="legend legend-gap">{t('cameras.legendGap')}</span>
        <span className="legend legend-held">{t('cameras.legendHeld')}</span>
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
                  <CameraRow camera={c} width={rowWidth} onPlay={play} onZoom={zoom} clock={clock} />
                </div>
              ) : null;
            })}
          </div>
        </div>
      </div>

      <div className="grid-2">
        <Section title={request ? t('cameras.playerTitle', { camera: camName(request.camera) }) : t('cameras.player')} id="player">
          {request ? null : <p className="muted">{t('cameras.pickMoment')}</p>}
          <Player
            request={request}
            segments={playerSegments}
            urlFor={urlFor}
            onMoment={onMoment}
            onEndOfLoaded={onEndOfLoaded}
            clock={clock}
            labels={{
              player: t('cameras.player'),
              nothingHere: t('cameras.nothingHere'),
              endOfLoaded: t('cameras.endOfLoaded'),
              previous: t('cameras.prevSegment'),
              next: t('cameras.nextSegment'),
              loading: t('common.loading'),
              failed: t('cameras.playFailed'),
            }}
          />
          {moment ? <p className="small muted">{t('cameras.moment', { when: clock(moment.ms) })}</p> : null}
        </Section>
        <Section title={t('cameras.selection')} id="selection">
          {selection ? (
            <>
              <p data-testid="selection">
                {t('cameras.selected', { camera: camName(selection.camera), from: clock(selection.startMs), to: clock(selection.endMs) })}
              </p>
              <div className="buttons">
                {can(session, 'incidents.create') ? (
                  <button type="button" className="primary" onClick={() => setCreating(true)}>
                    {t('cameras.makeIncident')}
                  </button>
                ) : null}
                <button type="button" onClick={() => stores.timeline.getState().clearSelection()}>
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

function CameraRow({ camera, width, onPlay, onZoom, clock }: { camera: CameraView; width: number; onPlay(camera: string, ms: number): void; onZoom(f: number, a: number): void; clock(ms: number): string }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const view = useSlice(stores.timeline, (s) => s.view);
  const track = useSlice(stores.timeline, (s) => s.tracks[camera.id]);
  const selection = useSlice(stores.timeline, (s) => (s.selection?.camera === camera.id ? s.selection : null));
  const moment = useSlice(stores.timeline, (s) => (s.moment?.camera === camera.id ? s.moment.ms : null));
  const holds = useMemo(() => (track?.holds ?? []).map((h) => ({ startMs: h.fromMs, endMs: h.toMs })), [track?.holds]);
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
      <TimelineRow
        label={t('cameras.rowLabel', { camera: name })}
        view={view}
        width={width}
        segments={track?.segments ?? []}
        holds={holds}
        cutoffMs={track?.cutoffMs ?? null}
        selection={selection}
        moment={moment}
        loading={(track?.loading ?? true) || !covers(track?.window ?? null, view)}
        valueText={clock}
        onSeek={(ms) => stores.timeline.getState().seek(camera.id, ms)}
        onSelect={(a, b) => stores.timeline.getState().select(camera.id, a, b)}
        onZoom={onZoom}
        onPlay={(ms) => onPlay(camera.id, ms)}
      />
    </div>
  );
}
