/**
 * Incidents: the list (overdue first), and one incident in detail — clips with their
 * staff/visitor/mixed classification (an officer corrects it), hashes, gaps, history, the review
 * date (extend or close), archiving with a progress bar, exports and the handover.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClipView, IncidentDetailView, IncidentSummaryView } from '../../common/api/types.js';
import { ZONES, type Zone } from '../../common/domain.js';
import { Dialog } from '../components/Dialog.js';
import { DateField } from '../components/WallTimeInput.js';
import { Progress } from '../components/Progress.js';
import { Badge, Dl, ErrorText, Loading, Section } from '../components/ui.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { CameraGrid, type GridTile } from '../components/CameraGrid.js';
import { charsLeft, Waits } from '../components/Waits.js';
import type { Source } from '../lib/playback.js';
import { errorText, unwrap } from '../lib/api.js';
import { addSiteDays, fromLocalInput, isoDay, shortHash } from '../lib/format.js';
import { useActorLabel, useCameraLabel, useFormat } from '../lib/hooks.js';
import { fmt } from '../lib/format.js';
import { useSlice, useStores } from '../stores/context.js';
import { filterIncidents, type IncidentsState } from '../stores/incidents.js';
import { jobKey } from '../stores/jobs.js';
import { can } from '../stores/session.js';
import { IncidentHandover } from './Handover.js';
import { auditActionMsg, deletionReasonMsg, textMsg } from '../../common/i18n/words.js';

export function statusTone(s: IncidentSummaryView['status']): 'ok' | 'warn' | 'bad' | 'info' | 'muted' {
  switch (s) {
    case 'open':
      return 'warn';
    case 'archived':
      return 'info';
    case 'handed-over':
      return 'ok';
    default:
      return 'muted';
  }
}

export function Incidents(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const route = useSlice(stores.ui, (s) => s.route);
  const list = useSlice(stores.incidents, (s) => s.list);
  const loaded = useSlice(stores.incidents, (s) => s.listLoaded);
  const listError = useSlice(stores.incidents, (s) => s.listError);
  const filter = useSlice(stores.incidents, (s) => s.filter);
  useEffect(() => {
    void stores.incidents.getState().loadList();
  }, [stores]);
  useEffect(() => {
    if (route.ref) void stores.incidents.getState().open(route.ref);
  }, [route.ref, stores]);
  const rows = filterIncidents(list, filter);
  const filters: IncidentsState['filter'][] = ['all', 'open', 'overdue', 'closed'];
  const hr = useSlice(stores.session, (s) => s.session?.user.role === 'hr');
  return (
    <div className="screen incidents">
      <h1>{t('incidents.title')}</h1>
      <div className="split">
        <Section title={t('incidents.list')} id="inc-list" className="list-pane">
          {hr ? (
            <div className="intro" data-testid="hr-intro">
              <p>{t('incidents.hrIntro')}</p>
              {loaded && list.length === 0 ? <p className="muted">{t('incidents.hrEmpty')}</p> : null}
            </div>
          ) : null}
          <div className="tabs" role="group" aria-label={t('incidents.filter')}>
            {filters.map((x) => (
              <button key={x} type="button" aria-pressed={filter === x} onClick={() => stores.incidents.getState().setFilter(x)}>
                {t(`incidents.filters.${x}`)}
              </button>
            ))}
          </div>
          <ErrorText text={listError} />
          {loaded ? (
            <VirtualTable
              label={t('incidents.list')}
              rows={rows}
              rowKey={(r) => r.ref}
              selectedKey={route.ref ?? null}
              empty={hr ? t('incidents.hrNone') : t('incidents.none')}
              height={520}
              rowHeight={52}
              onActivate={(r) => stores.ui.getState().go({ screen: 'incidents', ref: r.ref })}
              columns={[
                { key: 'ref', header: t('incidents.ref'), width: '8.5rem', render: (r) => <strong>{r.ref}</strong> },
                { key: 'title', header: t('incidents.name'), width: 'minmax(8rem, 2fr)', render: (r) => <span className="ellipsis" title={r.title}>{r.title}</span> },
                { key: 'status', header: t('incidents.status'), width: '7.5rem', render: (r) => <Badge tone={statusTone(r.status)}>{t(`incidentStatus.${r.status}`)}</Badge> },
                { key: 'review', header: t('incidents.reviewBy'), width: '7.5rem', render: (r) => (r.overdue ? <Badge tone="bad">{f.isoDate(r.reviewBy)}</Badge> : f.isoDate(r.reviewBy)) },
              ]}
            />
          ) : (
            <Loading text={t('common.loading')} />
          )}
        </Section>
        <div className="detail-pane">{route.ref ? <IncidentDetail refId={route.ref} /> : <p className="muted">{t('incidents.pick')}</p>}</div>
      </div>
    </div>
  );
}

function IncidentDetail({ refId }: { refId: string }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const d = useSlice(stores.incidents, (s) => s.detail);
  const loading = useSlice(stores.incidents, (s) => s.loadingDetail);
  const err = useSlice(stores.incidents, (s) => s.detailError);
  const camLabel = useCameraLabel(d?.cameraInfo);
  const actor = useActorLabel();
  const hr = session?.user.role === 'hr';
  if (loading || (!d && !err)) return <Loading text={t('common.loading')} />;
  if (!d || d.ref !== refId) return <ErrorText text={err ?? t('incidents.notFound')} />;
  const active = d.status === 'open' || d.status === 'archived';
  return (
    <div className="incident" data-testid="incident-detail">
      <Section
        title={`${d.ref} · ${d.title}`}
        id="inc-head"
        actions={
          <>
            <Badge tone={statusTone(d.status)}>{t(`incidentStatus.${d.status}`)}</Badge>
            {d.overdue ? <Badge tone="bad">{t('incidents.overdue')}</Badge> : null}
          </>
        }
      >
        <Dl
          items={[
            [t('incidents.reason'), t(`reasons.${d.reason}`)],
            [t('incidents.justification'), d.justification],
            [t('incidents.window'), `${f.iso(d.from)} – ${f.iso(d.to)}`],
            [t('incidents.cameras'), <span key="c" data-testid="incident-cameras">{d.cameras.map(camLabel).join(', ')}</span>],
            [t('incidents.created'), `${f.iso(d.created)} · ${actor(d.createdBy)}`],
            [t('incidents.reviewBy'), f.isoDate(d.reviewBy)],
            ...(d.closed ? ([[t('incidents.closed'), `${f.iso(d.closed)} · ${d.closedReason ? f.msg(deletionReasonMsg(d.closedReason)) : ''}`]] as const) : []),
          ]}
        />
        {active && can(session, 'incidents.archive') ? <ArchiveBox detail={d} /> : null}
        {active && can(session, 'incidents.extend') ? <ReviewBox detail={d} /> : null}
      </Section>
      {hr ? <HrReceived detail={d} /> : null}
      <Section title={t('incidents.clips')} id="inc-clips">
        <ClipTable detail={d} />
        {d.gaps.length > 0 ? (
          <div className="gaps">
            <h3>{t('incidents.gaps')}</h3>
            <ul>
              {d.gaps.map((g, i) => (
                <li key={i}>
                  {camLabel(g.camera)}: {f.iso(g.from)} – {f.iso(g.to)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {session?.footage === true && can(session, 'playback.url') ? <SideBySide detail={d} /> : null}
      </Section>
      <IncidentHandover detail={d} />
      <Section title={t('incidents.history')} id="inc-history">
        <ol className="history">
          {d.history.map((h, i) => (
            <li key={i}>
              <span className="small muted">{f.iso(h.at)}</span> <strong>{f.msg(auditActionMsg(h.action))}</strong> <span className="small">{actor(h.actor)}</span>
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}

function ArchiveBox({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const job = useSlice(stores.jobs, (s) => s.jobs[jobKey('archive', detail.ref)]);
  const [err, setErr] = useState<string | null>(null);
  const archived = detail.status === 'archived' && detail.clips.every((c) => c.status === 'complete' || c.status === 'deleted');
  // Archived by another process (the service, another window): the page follows its events.
  const pendingClips = detail.clips.filter((c) => c.status === 'pending').length;
  const doneClips = detail.clips.filter((c) => c.status === 'complete').length;
  const elsewhere = job?.state !== 'running' && detail.status === 'open' && pendingClips > 0;
  const run = async (): Promise<void> => {
    setErr(null);
    try {
      await stores.incidents.getState().archive(detail.ref);
      stores.ui.getState().notify('info', t('incidents.archivedNotice', { ref: detail.ref }));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <div className="box">
      <h3>{t('incidents.archive')}</h3>
      {archived ? <p className="ok">{t('incidents.archivedText')}</p> : <p className="small muted">{t('incidents.archiveHelp')}</p>}
      {job && job.state === 'running' ? <Progress label={t('incidents.archiving')} fraction={job.fraction} detail={job.label} /> : null}
      {elsewhere ? <Progress label={t('incidents.archivingElsewhere')} fraction={doneClips / Math.max(1, detail.clips.length)} detail={t('incidents.clipsDone', { done: doneClips, count: detail.clips.length })} /> : null}
      {!archived ? (
        <button type="button" className="primary" onClick={() => void run()} disabled={job?.state === 'running'}>
          {t('incidents.archiveNow')}
        </button>
      ) : null}
      <ErrorText text={err ?? (job?.state === 'failed' ? job.error : null)} />
    </div>
  );
}

function ReviewBox({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const [mode, setMode] = useState<'none' | 'extend' | 'close'>('none');
  const [date, setDate] = useState(isoDay(addSiteDays(Date.now(), 30, f.tz), f.tz));
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      if (mode === 'extend') {
        await stores.incidents.getState().extend(detail.ref, fromLocalInput(date, f.tz), reason.trim());
        stores.ui.getState().notify('info', t('incidents.extended', { ref: detail.ref }));
      } else if (mode === 'close') {
        const r = await stores.incidents.getState().close(detail.ref, reason.trim());
        stores.ui.getState().notify(r.failed > 0 ? 'error' : 'info', t('incidents.closedNotice', { ref: detail.ref, deleted: r.deleted, failed: r.failed }));
      }
      setMode('none');
      setReason('');
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="box">
      <h3>{t('incidents.review')}</h3>
      <div className="buttons">
        <button type="button" onClick={() => setMode('extend')}>{t('incidents.extend')}</button>
        {can(session, 'incidents.close') ? (
          <button type="button" className="danger" onClick={() => setMode('close')}>{t('incidents.close')}</button>
        ) : null}
      </div>
      <Dialog open={mode !== 'none'} title={mode === 'close' ? t('incidents.closeTitle', { ref: detail.ref }) : t('incidents.extendTitle', { ref: detail.ref })} onClose={() => setMode('none')}>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
        >
          {mode === 'extend' ? (
            <label>
              {t('incidents.newReviewDate')}
              <DateField value={date} onChange={setDate} required />
            </label>
          ) : (
            <p className="warn">{t('incidents.closeWarning')}</p>
          )}
          <label>
            {mode === 'extend' ? t('incidents.extendReason') : t('incidents.closeReason')}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required minLength={10} />
          </label>
          <ErrorText text={err} />
          <div className="buttons">
            <button type="submit" className={mode === 'close' ? 'danger' : 'primary'} disabled={busy || reason.trim().length < 10} aria-describedby="review-waits">
              {mode === 'close' ? t('incidents.closeConfirm') : t('incidents.extendConfirm')}
            </button>
            <button type="button" onClick={() => setMode('none')}>{t('common.cancel')}</button>
          </div>
          <Waits id="review-waits" items={charsLeft(reason, 10) === null ? [] : [t('forms.needChars', { min: 10, left: charsLeft(reason, 10) })]} />
        </form>
      </Dialog>
    </div>
  );
}

function ClipTable({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const [playing, setPlaying] = useState<{ id: number; url: string } | null>(null);
  const [fix, setFix] = useState<{ clip: ClipView; subjects: Zone } | null>(null);
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const camLabel = useCameraLabel(detail.cameraInfo);
  const hr = session?.user.role === 'hr';
  const mayPlay = session?.footage === true && can(session, 'playback.url');
  const mayFix = can(session, 'clips.reclassify') && (detail.status === 'open' || detail.status === 'archived');
  const play = async (c: ClipView): Promise<void> => {
    try {
      const p = await unwrap(stores.api.call('playback.url', { kind: 'clip', id: c.id }));
      setPlaying({ id: c.id, url: p.url });
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const saveFix = async (): Promise<void> => {
    if (!fix) return;
    try {
      await stores.incidents.getState().reclassify(fix.clip.id, fix.subjects, reason.trim());
      setFix(null);
      setReason('');
    } catch (e) {
      setErr(errorText(e));
    }
  };
  if (detail.clips.length === 0) return <p className="muted">{t('incidents.noClips')}</p>;
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={t('incidents.clips')}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('incidents.camera')}</th>
              <th scope="col">{t('incidents.subjects')}</th>
              <th scope="col">{t('incidents.clipStatus')}</th>
              <th scope="col">{t('incidents.span')}</th>
              <th scope="col" className="num">{t('incidents.size')}</th>
              <th scope="col">SHA-256</th>
              <th scope="col">
                <span className="sr-only">{t('incidents.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {detail.clips.map((c) => (
              <tr key={c.id}>
                <th scope="row">{camLabel(c.camera)}</th>
                <td>
                  {mayFix && c.status !== 'deleted' ? (
                    <select aria-label={t('incidents.subjectsFor', { camera: camLabel(c.camera) })} value={c.subjects} onChange={(e) => setFix({ clip: c, subjects: e.target.value as Zone })}>
                      {ZONES.map((z) => (
                        <option key={z} value={z}>
                          {t(`zones.${z}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`zones.${c.subjects}`)
                  )}
                </td>
                <td>
                  {hr && c.status === 'deleted' ? (
                    <Badge tone="ok">{t('incidents.inHrPackage')}</Badge>
                  ) : (
                    <Badge tone={c.status === 'complete' ? 'ok' : c.status === 'failed' ? 'bad' : 'muted'}>{t(`clipStatus.${c.status}`)}</Badge>
                  )}
                  {c.sourceHadAudio ? <Badge tone="warn">{t('incidents.audioRemoved')}</Badge> : null}
                  {c.error ? <div className="small error">{f.msg(textMsg(c.error))}</div> : null}
                </td>
                <td>
                  {f.iso(c.start)} – {f.iso(c.end)}
                </td>
                <td className="num">{f.bytes(c.size)}</td>
                <td>
                  <code title={c.sha256 ?? ''}>{shortHash(c.sha256)}</code>
                </td>
                <td>
                  {mayPlay && c.status === 'complete' ? (
                    <button type="button" onClick={() => void play(c)} aria-label={t('incidents.playClip', { camera: camLabel(c.camera) })}>
                      {t('incidents.play')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorText text={err} />
      {playing ? (
        <div className="clip-player">
          <video src={playing.url} controls muted autoPlay aria-label={t('incidents.clipPlayer')} />
          <button type="button" onClick={() => setPlaying(null)}>{t('common.closeView')}</button>
        </div>
      ) : null}
      <details className="sources">
        <summary>{t('incidents.sources')}</summary>
        {detail.clips.map((c) => (
          <div key={c.id}>
            <h4>
              {camLabel(c.camera)} · {c.path}
            </h4>
            <ul className="small">
              {c.sources.map((s) => (
                <li key={s.path}>
                  {s.name} <code>{shortHash(s.sha256)}</code> {f.bytes(s.size)}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </details>
      <Dialog open={fix !== null} title={t('incidents.reclassifyTitle')} onClose={() => setFix(null)}>
        {fix ? (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void saveFix();
            }}
          >
            <p>{t('incidents.reclassifyText', { camera: camLabel(fix.clip.camera), from: t(`zones.${fix.clip.subjects}`), to: t(`zones.${fix.subjects}`) })}</p>
            <label>
              {t('incidents.reclassifyReason')}
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required />
            </label>
            <div className="buttons">
              <button type="submit" className="primary" disabled={reason.trim().length < 3} aria-describedby="reclassify-waits">
                {t('common.save')}
              </button>
              <button type="button" onClick={() => setFix(null)}>{t('common.cancel')}</button>
            </div>
            <Waits id="reclassify-waits" items={charsLeft(reason, 3) === null ? [] : [t('forms.needChars', { min: 3, left: charsLeft(reason, 3) })]} />
          </form>
        ) : null}
      </Dialog>
    </>
  );
}

/**
 * What HR received (HR's view of a handed-over incident): each package handed to HR, its id, the
 * key's fingerprint to compare with the package, and the receipt's facts. Custodian's own copy
 * of the material is gone by design (P5); what HR has is the package.
 */
function HrReceived({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const got = detail.packages.filter((p) => p.audience === 'hr' && p.handover);
  if (got.length === 0) return null;
  return (
    <Section title={t('incidents.hrReceived')} id="inc-hr" className="hr-received">
      <p className="small">{t('incidents.hrReceivedHelp')}</p>
      {got.map((p) => (
        <Dl
          key={p.packageId}
          items={[
            [t('exports.package'), <code key="p" data-testid="hr-package-id">{p.packageId}</code>],
            [t('exports.fingerprint'), <code key="f" className="hash" data-testid="hr-fingerprint">{p.handover?.keyFingerprint ?? p.fingerprint ?? '—'}</code>],
            [t('exports.manifest'), <code key="m" className="hash">{p.manifestSha256}</code>],
            [t('incidents.hrReceipt'), t('incidents.hrReceiptText', { id: p.handover?.id ?? 0, when: f.iso(p.handover?.handedOver ?? null), recipient: p.handover?.recipient ?? '', organisation: p.handover?.organisation ?? '', reference: p.handover?.reference ?? '', method: p.handover?.method ?? '' })],
            [t('exports.files'), String(p.clips)],
          ]}
        />
      ))}
    </Section>
  );
}

/** The incident's cameras side by side, their archived clips in sync from the window's start. */
function SideBySide({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const camLabel = useCameraLabel(detail.cameraInfo);
  const [open, setOpen] = useState(false);
  const tiles: GridTile[] = useMemo(() => {
    const byCam = new Map<string, Source[]>();
    for (const c of detail.clips) {
      if (c.status !== 'complete' || !c.start || !c.end) continue;
      const list = byCam.get(c.camera) ?? [];
      list.push({ kind: 'clip', id: c.id, startMs: Date.parse(c.start), endMs: Date.parse(c.end) });
      byCam.set(c.camera, list);
    }
    return [...byCam.entries()].map(([cam, sources]) => ({ key: cam, label: camLabel(cam), sources: sources.sort((a, b) => a.startMs - b.startMs) }));
  }, [detail.clips, camLabel]);
  const urlFor = useCallback(async (src: Source) => (await unwrap(stores.api.call('playback.url', { kind: src.kind, id: src.id }))).url, [stores]);
  if (tiles.length === 0) return null;
  const start = Math.min(...tiles.map((x) => x.sources[0]?.startMs ?? Number.POSITIVE_INFINITY));
  return (
    <div className="box">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? t('incidents.sideBySideClose') : t('incidents.sideBySide', { count: tiles.length })}
      </button>
      {open ? (
        <CameraGrid
          testId="incident-grid"
          tiles={tiles}
          columns={Math.min(3, tiles.length)}
          startMs={start}
          autoplay
          urlFor={urlFor}
          clock={(ms) => fmt(ms, f.tz, f.lang, 'd MMM yyyy HH:mm:ss')}
          labels={{ grid: t('incidents.sideBySide', { count: tiles.length }), play: t('player.play'), pause: t('player.pause'), back10: t('player.back10'), forward10: t('player.forward10'), speed: t('player.speed'), noRecording: t('cameras.noRecordingHere'), loading: t('common.loading'), failed: t('cameras.playFailed') }}
        />
      ) : null}
    </div>
  );
}
