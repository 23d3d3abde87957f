/**
 * Access requests (POLICY G1, GDPR art. 15; issue 14): the list with each deadline, the
 * officer's intake (its windows are held at once), one request in detail — the extension, the
 * review (marks archived as clips, or "not found"), the masks of each clip (proposed by the
 * detector, the requester's tracks picked, boxes drawn on a frame of the clip, a burned-in
 * preview), the answer (package and letter), its delivery or the withdrawal — and the DPO's
 * register. Every word comes from the catalogue (common/i18n/requests.ts, keys `ui.*`).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { RequestClipView, RequestDetailView, RequestMasksView, RequestPackageChunkView, RequestRegisterRow, RequestSummaryView } from '../../common/api/requests.js';
import type { CameraView, Mask } from '../../common/api/types.js';
import { hasKey, translator } from '../../common/i18n/catalog.js';
import type { MaskTrack } from '../../common/mask-track.js';
import { MaskEditor } from '../components/MaskEditor.js';
import { Progress } from '../components/Progress.js';
import { Badge, Dl, ErrorText, Loading, Section } from '../components/ui.js';
import { errorText, unwrap } from '../lib/api.js';
import { fromLocalInput, isoDay, shortHash } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { base64Bytes, saveFile } from '../lib/save-file.js';
import { useSlice, useStores } from '../stores/context.js';
import { jobKey } from '../stores/jobs.js';
import { can } from '../stores/session.js';

type Tr = ReturnType<typeof translator>;

function useTr(): Tr {
  const f = useFormat();
  return translator(f.lang);
}

export function clockTone(c: RequestSummaryView['clock']): 'ok' | 'warn' | 'bad' | 'info' | 'muted' {
  if (c === 'overdue' || c === 'answered-late') return 'bad';
  if (c === 'due-soon') return 'warn';
  if (c === 'answered-in-time') return 'ok';
  return c === 'withdrawn' ? 'muted' : 'info';
}

export function Requests(): ReactNode {
  const tr = useTr();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const route = useSlice(stores.ui, (s) => s.route);
  const [list, setList] = useState<RequestSummaryView[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [intake, setIntake] = useState(false);
  const [version, setVersion] = useState(0);
  const load = useCallback(async () => {
    try {
      setList((await unwrap(stores.api.call('requests.list', {}))).requests);
      setVersion((v) => v + 1);
    } catch (e) {
      setErr(errorText(e));
    }
  }, [stores]);
  useEffect(() => {
    void load();
  }, [load]);
  const open = (ref: string): void => stores.ui.getState().go({ screen: 'requests', ref });
  return (
    <div className="screen requests">
      <h1>{tr('requests:ui.title')}</h1>
      <p className="muted">{tr('requests:ui.intro')}</p>
      <div className="split">
        <Section
          title={tr('requests:ui.list')}
          id="req-list"
          className="list-pane"
          actions={
            can(session, 'requests.create') ? (
              <button type="button" className="primary" onClick={() => setIntake(true)}>
                {tr('requests:ui.new')}
              </button>
            ) : null
          }
        >
          <ErrorText text={err} />
          {list === null ? (
            <Loading text={tr('requests:ui.loading')} />
          ) : list.length === 0 ? (
            <p className="muted">{tr('requests:cli.none')}</p>
          ) : (
            <ul className="list" aria-label={tr('requests:ui.list')}>
              {list.map((r) => (
                <li key={r.ref}>
                  <button type="button" className="row" aria-current={route.ref === r.ref ? 'true' : undefined} onClick={() => open(r.ref)} data-testid={`request-${r.ref}`}>
                    <strong>{r.ref}</strong> <span>{r.requester}</span> <Badge tone={clockTone(r.clock)}>{tr(`requests:clock.${r.clock}`)}</Badge>{' '}
                    <span className="small muted">{tr('requests:ui.dueOn', { due: r.due })}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <div className="detail-pane">
          {intake ? (
            <Intake
              onDone={(ref) => {
                setIntake(false);
                void load();
                if (ref) open(ref);
              }}
            />
          ) : route.ref ? (
            <RequestDetail key={route.ref} refName={route.ref} onChanged={() => void load()} />
          ) : null}
        </div>
      </div>
      {can(session, 'requests.register') ? <Register version={version} /> : null}
    </div>
  );
}

function Intake({ onDone }: { onDone(ref: string | null): void }): ReactNode {
  const tr = useTr();
  const f = useFormat();
  const stores = useStores();
  const [cameras, setCameras] = useState<CameraView[]>([]);
  const [d, setD] = useState({ received: isoDay(Date.now(), f.tz), name: '', contact: '', checkedBy: '', method: '', description: '', language: 'sv' as 'sv' | 'en', cameras: [] as string[], from: '', to: '' });
  const [err, setErr] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void stores.api.call('cameras.list', {}).then((r) => {
      if (r.ok) setCameras(r.data.cameras);
    });
  }, [stores]);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const r = await unwrap(
        stores.api.call('requests.create', {
          received: d.received,
          name: d.name,
          contact: d.contact,
          identityCheckedBy: d.checkedBy,
          identityMethod: d.method,
          description: d.description,
          language: d.language,
          windows: [{ cameras: d.cameras, from: d.from ? fromLocalInput(d.from, f.tz) : 0, to: d.to ? fromLocalInput(d.to, f.tz) : 0 }],
        }),
      );
      const w = r.warnings.map((m) => tr(m));
      stores.ui.getState().notify('info', tr('requests:ui.created', { ref: r.request.ref, due: r.request.due }));
      if (w.length > 0) setWarnings(w);
      onDone(r.request.ref);
    } catch (ex) {
      setErr(errorText(ex));
    } finally {
      setBusy(false);
    }
  };
  const text = (key: 'name' | 'contact' | 'checkedBy' | 'method', label: string, max: number): ReactNode => (
    <label>
      {label}
      <input value={d[key]} onChange={(e) => setD({ ...d, [key]: e.target.value })} maxLength={max} required />
    </label>
  );
  return (
    <Section title={tr('requests:ui.intakeTitle')} id="req-intake">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={tr('requests:ui.intakeTitle')}>
        <p className="small muted">{tr('requests:ui.intakeHelp')}</p>
        <label>
          {tr('requests:ui.received')}
          <input type="date" value={d.received} onChange={(e) => setD({ ...d, received: e.target.value })} required />
        </label>
        {text('name', tr('requests:ui.name'), 200)}
        {text('contact', tr('requests:ui.contact'), 500)}
        {text('checkedBy', tr('requests:ui.checkedBy'), 200)}
        <div className="field">
          {text('method', tr('requests:ui.method'), 500)}
          <span className="small muted">{tr('requests:ui.methodHelp')}</span>
        </div>
        <label>
          {tr('requests:ui.description')}
          <textarea value={d.description} onChange={(e) => setD({ ...d, description: e.target.value })} rows={3} maxLength={4000} />
        </label>
        <label>
          {tr('requests:ui.language')}
          <select value={d.language} onChange={(e) => setD({ ...d, language: e.target.value === 'en' ? 'en' : 'sv' })}>
            <option value="sv">{tr('requests:ui.langSv')}</option>
            <option value="en">{tr('requests:ui.langEn')}</option>
          </select>
        </label>
        <fieldset>
          <legend>{tr('requests:ui.windowCameras')}</legend>
          <div className="checks">
            {cameras.map((c) => (
              <label key={c.id} className="check">
                <input type="checkbox" checked={d.cameras.includes(c.id)} onChange={(e) => setD({ ...d, cameras: e.target.checked ? [...d.cameras, c.id] : d.cameras.filter((x) => x !== c.id) })} />
                {c.name ?? c.id}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <label>
            {tr('requests:col.from')}
            <input type="datetime-local" value={d.from} onChange={(e) => setD({ ...d, from: e.target.value })} step={1} />
          </label>
          <label>
            {tr('requests:col.to')}
            <input type="datetime-local" value={d.to} onChange={(e) => setD({ ...d, to: e.target.value })} step={1} />
          </label>
        </div>
        <p className="small muted">{tr('requests:ui.holdNote')}</p>
        <ErrorText text={err} />
        {warnings.map((w) => (
          <p key={w} className="warn" role="status">
            {w}
          </p>
        ))}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? tr('requests:ui.working') : tr('requests:ui.register')}
          </button>
          <button type="button" onClick={() => onDone(null)}>
            {tr('requests:ui.cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** A small form with one or two text fields and a button: the officer's steps that need a reason. */
function StepForm({
  label,
  fields,
  button,
  onSubmit,
}: {
  label: string;
  fields: readonly { key: string; label: string; type?: string; options?: readonly { value: string; label: string }[] }[];
  button: string;
  onSubmit(values: Record<string, string>): Promise<void>;
}): ReactNode {
  const initial = (): Record<string, string> => Object.fromEntries(fields.flatMap((x) => (x.options?.[0] ? [[x.key, x.options[0].value]] : [])));
  const [v, setV] = useState<Record<string, string>>(initial);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  return (
    <form
      className="inline-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setErr(null);
        onSubmit(v)
          .then(() => setV(initial()))
          .catch((ex: unknown) => setErr(errorText(ex)))
          .finally(() => setBusy(false));
      }}
    >
      <fieldset>
        <legend>{label}</legend>
        {fields.map((x) => (
          <label key={x.key}>
            {x.label}
            {x.options ? (
              <select value={v[x.key] ?? ''} onChange={(e) => setV({ ...v, [x.key]: e.target.value })}>
                {x.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input type={x.type ?? 'text'} value={v[x.key] ?? ''} onChange={(e) => setV({ ...v, [x.key]: e.target.value })} step={x.type === 'datetime-local' ? 1 : undefined} />
            )}
          </label>
        ))}
        <button type="submit" disabled={busy}>
          {button}
        </button>
        <ErrorText text={err} />
      </fieldset>
    </form>
  );
}

function RequestDetail({ refName, onChanged }: { refName: string; onChanged(): void }): ReactNode {
  const tr = useTr();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const jobs = useSlice(stores.jobs, (s) => s.jobs);
  const [d, setD] = useState<RequestDetailView | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useCallback(async () => {
    try {
      setD(await unwrap(stores.api.call('requests.show', { ref: refName })));
      setErr(null);
    } catch (e) {
      setErr(errorText(e));
    }
  }, [stores, refName]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (!d) return err ? <ErrorText text={err} /> : <Loading text={tr('requests:ui.loading')} />;
  const changed = async (): Promise<void> => {
    await reload();
    onChanged();
  };
  const live = d.status === 'open' || d.status === 'ready';
  const officer = can(session, 'requests.mark');
  const answer = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    stores.jobs.getState().start('request-answer', d.ref);
    try {
      await unwrap(stores.api.call('requests.answer', { ref: d.ref }));
      stores.jobs.getState().finish('request-answer', d.ref);
      await changed();
    } catch (e) {
      stores.jobs.getState().finish('request-answer', d.ref, errorText(e));
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const letter = async (): Promise<void> => {
    try {
      const l = await unwrap(stores.api.call('requests.letter', { ref: d.ref }));
      saveFile(l.filename, l.contentType, [base64Bytes(l.base64)]);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const download = async (): Promise<void> => {
    try {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let offset: number | null = 0;
      let name = `${d.ref}.zip`;
      while (offset !== null) {
        const c: RequestPackageChunkView = await unwrap(stores.api.call('requests.package', { ref: d.ref, offset }));
        parts.push(base64Bytes(c.base64));
        name = c.filename;
        offset = c.next;
      }
      saveFile(name, 'application/zip', parts);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  // The review: the window on the timeline, where the officer finds the requester and plays it.
  const playWindow = (camera: string, fromMs: number, toMs: number): void => {
    const tl = stores.timeline.getState();
    tl.setView({ fromMs, toMs });
    if (camera) tl.seek(camera, fromMs);
    stores.ui.getState().go({ screen: 'cameras' });
  };
  const mark = jobs[jobKey('request-mark', d.ref)];
  const answering = jobs[jobKey('request-answer', d.ref)];
  const cams = [...new Set(d.windows.flatMap((w) => w.cameras))];
  return (
    <Section title={tr('requests:ui.detailTitle', { ref: d.ref })} id="req-detail">
      <div data-testid="request-detail" data-status={d.status} data-clock={d.clock}>
        <p>
          <Badge tone={clockTone(d.clock)}>{tr(`requests:clock.${d.clock}`)}</Badge> <Badge tone="info">{tr(`requests:status.${d.status}`)}</Badge>{' '}
          {d.outcome ? <Badge tone="muted">{tr(`requests:outcome.${d.outcome}`)}</Badge> : null}
        </p>
        <Dl
          items={[
            [tr('requests:ui.name'), d.requester],
            [tr('requests:ui.contact'), d.contact],
            [tr('requests:ui.identity'), `${d.identityCheckedBy}: ${d.identityMethod}`],
            [tr('requests:ui.description'), d.description],
            [tr('requests:col.received'), d.received],
            [tr('requests:col.due'), d.extended ? tr('requests:ui.dueExtended', { due: d.due, first: d.firstDue, reason: d.extended.reason }) : d.due],
            [tr('requests:col.days'), String(d.daysTaken)],
          ]}
        />
        <h3>{tr('requests:ui.windows')}</h3>
        <ul>
          {d.windows.map((w) => (
            <li key={w.id} data-testid={`window-${w.id}`}>
              {tr('requests:ui.window', { cameras: w.cameras.join(', '), from: f.iso(w.from), to: f.iso(w.to) })}{' '}
              {w.hold ? <Badge tone={w.hold.released ? 'muted' : 'warn'}>{w.hold.released ? tr('requests:ui.holdReleased', { id: w.hold.id }) : tr('requests:ui.held', { id: w.hold.id })}</Badge> : null}{' '}
              {officer && live && session?.footage ? (
                <button type="button" onClick={() => playWindow(w.cameras[0] ?? '', w.fromMs, w.toMs)}>
                  {tr('requests:ui.playWindow')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        <ErrorText text={err} />
        {officer && live ? (
          <div className="toolbar">
            {d.outcome !== 'not-found' ? (
              <StepForm
                label={tr('requests:ui.markTitle')}
                fields={[
                  { key: 'camera', label: tr('requests:ui.camera'), options: cams.map((c) => ({ value: c, label: c })) },
                  { key: 'from', label: tr('requests:col.from'), type: 'datetime-local' },
                  { key: 'to', label: tr('requests:col.to'), type: 'datetime-local' },
                ]}
                button={tr('requests:ui.mark')}
                onSubmit={async (v) => {
                  stores.jobs.getState().start('request-mark', d.ref);
                  try {
                    await unwrap(stores.api.call('requests.mark', { ref: d.ref, camera: v.camera ?? cams[0] ?? '', from: fromLocalInput(v.from ?? '', f.tz), to: fromLocalInput(v.to ?? '', f.tz) }));
                    stores.jobs.getState().finish('request-mark', d.ref);
                  } catch (e) {
                    stores.jobs.getState().finish('request-mark', d.ref, errorText(e));
                    throw e;
                  }
                  await changed();
                }}
              />
            ) : null}
            {mark?.state === 'running' ? <Progress label={tr('requests:ui.marking')} fraction={mark.fraction} /> : null}
            {d.clips.filter((c) => c.status !== 'deleted').length === 0 && d.outcome !== 'not-found' ? (
              <StepForm
                label={tr('requests:ui.notFoundTitle')}
                fields={[{ key: 'note', label: tr('requests:ui.notFoundNote') }]}
                button={tr('requests:ui.notFound')}
                onSubmit={async (v) => {
                  await unwrap(stores.api.call('requests.notFound', { ref: d.ref, note: v.note ?? '' }));
                  await changed();
                }}
              />
            ) : null}
            {!d.extended ? (
              <StepForm
                label={tr('requests:ui.extendTitle')}
                fields={[
                  { key: 'reason', label: tr('requests:ui.extendReason') },
                  { key: 'told', label: tr('requests:ui.extendTold'), type: 'date' },
                ]}
                button={tr('requests:ui.extend')}
                onSubmit={async (v) => {
                  await unwrap(stores.api.call('requests.extend', { ref: d.ref, reason: v.reason ?? '', told: v.told ?? '' }));
                  await changed();
                }}
              />
            ) : null}
          </div>
        ) : null}
        <h3>{tr('requests:ui.clips')}</h3>
        {d.clips.length === 0 ? <p className="muted">{tr('requests:ui.noClips')}</p> : null}
        {d.clips.map((c) => (
          <ClipCard key={c.id} refName={d.ref} clip={c} editable={officer && live} onChanged={changed} />
        ))}
        {officer && live ? (
          <div className="buttons">
            <button type="button" className="primary" disabled={busy} onClick={() => void answer()}>
              {d.status === 'ready' ? tr('requests:ui.answerAgain') : tr('requests:ui.answer')}
            </button>
          </div>
        ) : null}
        {answering?.state === 'running' ? <Progress label={tr('requests:ui.answering')} fraction={answering.fraction} detail={answering.label} /> : null}
        {d.package ? (
          <p data-testid="request-package">
            {tr('requests:ui.package', { id: d.package.packageId, clips: d.package.clips, fingerprint: d.package.fingerprint })}
          </p>
        ) : null}
        {d.ready !== null && d.status !== 'withdrawn' ? (
          <div className="buttons">
            {can(session, 'requests.letter') ? (
              <button type="button" onClick={() => void letter()}>
                {tr('requests:ui.letter')}
              </button>
            ) : null}
            {d.package && !d.package.deleted && can(session, 'requests.package') ? (
              <button type="button" onClick={() => void download()}>
                {tr('requests:ui.download')}
              </button>
            ) : null}
          </div>
        ) : null}
        {officer && d.status === 'ready' ? (
          <StepForm
            label={tr('requests:ui.deliverTitle')}
            fields={[
              { key: 'method', label: tr('requests:ui.deliverMethod') },
              { key: 'note', label: tr('requests:ui.deliverNote') },
            ]}
            button={tr('requests:ui.deliver')}
            onSubmit={async (v) => {
              const r = await unwrap(stores.api.call('requests.deliver', { ref: d.ref, method: v.method ?? '', ...(v.note ? { note: v.note } : {}) }));
              stores.ui.getState().notify('info', tr('requests:cli.closed', { ref: d.ref, status: tr(`requests:status.${r.request.status}`), deleted: r.deleted, released: r.holdsReleased }));
              await changed();
            }}
          />
        ) : null}
        {d.delivery ? <p data-testid="request-delivered">{tr('requests:cli.showDelivery', { at: f.iso(d.delivery.at), method: d.delivery.method, by: d.delivery.by })}</p> : null}
        {d.materialDeleted ? <p className="ok">{tr('requests:ui.materialDeleted', { at: f.iso(d.materialDeleted) })}</p> : null}
        {officer && live ? (
          <StepForm
            label={tr('requests:ui.withdrawTitle')}
            fields={[{ key: 'reason', label: tr('requests:ui.withdrawReason') }]}
            button={tr('requests:ui.withdraw')}
            onSubmit={async (v) => {
              await unwrap(stores.api.call('requests.withdraw', { ref: d.ref, reason: v.reason ?? '' }));
              await changed();
            }}
          />
        ) : null}
        <h3>{tr('requests:ui.history')}</h3>
        <ol className="history">
          {d.history.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              {f.iso(h.at)} · {h.actor} · {hasKey(`requests:hist.${h.action}`) ? tr(`requests:hist.${h.action}`) : h.action}
            </li>
          ))}
        </ol>
      </div>
    </Section>
  );
}

/**
 * A correction that errs towards masking: the track hides its first box from the clip's start
 * and its last box to the clip's end (a person the detector lost at the edges stays hidden).
 */
export function wholeClip(k: MaskTrack, durationMs: number): MaskTrack {
  const first = k.keys[0];
  const last = k.keys[k.keys.length - 1];
  if (!first || !last) return k;
  const keys = [...(first.t > 0 ? [{ t: 0, box: first.box }] : []), ...k.keys, ...(last.t < durationMs ? [{ t: durationMs, box: last.box }] : [])];
  return { ...k, origin: 'manual', keys };
}

/** A rectangle drawn on a frame becomes a track that hides that place for the whole clip. */
function drawnTrack(m: Mask, n: number, durationMs: number): MaskTrack {
  const box = { x: m.x, y: m.y, w: m.w, h: m.h };
  return { id: `drawn-${Date.now().toString(36)}-${n}`, origin: 'manual', keys: [{ t: 0, box }, { t: Math.max(1, durationMs), box }] };
}

function ClipCard({ refName, clip, editable, onChanged }: { refName: string; clip: RequestClipView; editable: boolean; onChanged(): Promise<void> }): ReactNode {
  const tr = useTr();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const jobs = useSlice(stores.jobs, (s) => s.jobs);
  const [masks, setMasks] = useState<RequestMasksView | null>(null);
  const [tracks, setTracks] = useState<MaskTrack[]>([]);
  const [keep, setKeep] = useState<string[]>([]);
  const [url, setUrl] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [frame, setFrame] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<Mask[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const mayPlay = session?.footage === true && can(session, 'playback.url');
  const live = clip.status === 'complete';
  const loadMasks = useCallback(async () => {
    if (!live || !can(session, 'requests.masks')) return;
    const m = await unwrap(stores.api.call('requests.masks', { ref: refName, clip: clip.id }));
    setMasks(m);
    setTracks([...(m.set?.tracks ?? [])]);
    setKeep([...(m.set?.keep ?? [])]);
  }, [stores, refName, clip.id, live, session]);
  useEffect(() => {
    void loadMasks().catch((e: unknown) => setErr(errorText(e)));
  }, [loadMasks]);
  useEffect(() => {
    if (!mayPlay || !live) return;
    void stores.api.call('playback.url', { kind: 'request-clip', id: clip.id }).then((r) => {
      if (r.ok) setUrl(r.data.url);
    });
    if (clip.masked?.status === 'complete') {
      const id = clip.masked.id;
      void stores.api.call('playback.url', { kind: 'request-clip', id }).then((r) => {
        if (r.ok) setPreview(r.data.url);
      });
    } else setPreview(null);
  }, [stores, clip.id, clip.masked?.id, clip.masked?.status, mayPlay, live]);
  const step = async (task: 'request-propose' | 'request-render' | null, fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setErr(null);
    if (task) stores.jobs.getState().start(task, refName);
    try {
      await fn();
      if (task) stores.jobs.getState().finish(task, refName);
      await onChanged();
      await loadMasks();
    } catch (e) {
      if (task) stores.jobs.getState().finish(task, refName, errorText(e));
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const propose = (): Promise<void> =>
    step('request-propose', async () => {
      const p = await unwrap(stores.api.call('requests.propose', { ref: refName, clip: clip.id }));
      setNote(p.summary.proposal ? tr(p.summary.proposal.summary) : null);
    });
  const save = (ts: MaskTrack[], k: string[]): Promise<void> =>
    step(null, async () => {
      await unwrap(stores.api.call('requests.saveMasks', { ref: refName, clip: clip.id, tracks: ts.map((x) => ({ ...x, keys: x.keys.map((kb) => ({ t: kb.t, box: { ...kb.box } })) })), keep: k.filter((x) => ts.some((t) => t.id === x)) }));
      setDrawn([]);
      setFrame(null);
    });
  const render = (): Promise<void> =>
    step('request-render', async () => {
      await unwrap(stores.api.call('requests.render', { ref: refName, clip: clip.id }));
    });
  const grab = (): void => {
    const v = video.current;
    if (!v || v.videoWidth === 0) return;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')?.drawImage(v, 0, 0);
    setFrame(c.toDataURL('image/jpeg', 0.85));
  };
  const durationMs = masks?.set?.durationMs ?? Math.max(1, (clip.endMs ?? 0) - (clip.startMs ?? 0));
  const proposing = jobs[jobKey('request-propose', refName)];
  const rendering = jobs[jobKey('request-render', refName)];
  return (
    <article className="card" data-testid={`request-clip-${clip.id}`} aria-label={tr('requests:ui.clipTitle', { id: clip.id, camera: clip.cameraName })}>
      <h4>{tr('requests:ui.clipTitle', { id: clip.id, camera: clip.cameraName })}</h4>
      <p className="small">
        {clip.start} – {clip.end} · {tr(`requests:ui.clipStatus.${clip.status}`)} · SHA-256 {shortHash(clip.sha256)}
      </p>
      {url && live ? (
        <figure>
          <video ref={video} className="clip-player" src={url} controls muted playsInline preload="auto" data-testid="clip-original" aria-label={tr('requests:ui.original')} />
          <figcaption className="small muted">{tr('requests:ui.original')}</figcaption>
        </figure>
      ) : null}
      {live && editable ? (
        <>
          <div className="buttons">
            <button type="button" disabled={busy} onClick={() => void propose()}>
              {tr('requests:ui.propose')}
            </button>
            <button type="button" disabled={busy || !url} onClick={grab}>
              {tr('requests:ui.draw')}
            </button>
            <button type="button" disabled={busy} onClick={() => void save([], [])}>
              {tr('requests:ui.nobodyElse')}
            </button>
          </div>
          {proposing?.state === 'running' ? <Progress label={tr('requests:ui.proposing')} fraction={proposing.fraction} detail={proposing.label} /> : null}
          {note ? <p role="status">{note}</p> : null}
          {frame ? (
            <div>
              <p className="small muted">{tr('requests:ui.drawHelp')}</p>
              <MaskEditor masks={drawn} onChange={setDrawn} frameUrl={frame} labels={{ area: tr('requests:ui.drawArea'), remove: tr('requests:ui.remove'), noFrame: '', mask: (n) => tr('requests:ui.drawnBox', { n }) }} />
            </div>
          ) : null}
        </>
      ) : null}
      {tracks.length > 0 ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={tr('requests:ui.tracks')}>
          <table className="table" data-testid="mask-tracks">
            <thead>
              <tr>
                <th scope="col">{tr('requests:col.track')}</th>
                <th scope="col">{tr('requests:col.origin')}</th>
                <th scope="col">{tr('requests:col.from')}</th>
                <th scope="col">{tr('requests:col.to')}</th>
                <th scope="col">{tr('requests:col.kept')}</th>
                <th scope="col">
                  <span className="sr-only">{tr('requests:ui.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tracks.map((k) => (
                <tr key={k.id}>
                  <td>{k.id}</td>
                  <td>{tr(`requests:ui.origin.${k.origin}`)}</td>
                  <td>{((k.keys[0]?.t ?? 0) / 1000).toFixed(1)} s</td>
                  <td>{((k.keys[k.keys.length - 1]?.t ?? 0) / 1000).toFixed(1)} s</td>
                  <td>
                    <input
                      type="checkbox"
                      disabled={!editable}
                      aria-label={tr('requests:ui.keepTrack', { id: k.id })}
                      checked={keep.includes(k.id)}
                      onChange={(e) => setKeep(e.target.checked ? [...keep, k.id] : keep.filter((x) => x !== k.id))}
                    />
                  </td>
                  <td>
                    {editable ? (
                      <>
                        <button type="button" onClick={() => setTracks(tracks.map((x) => (x.id === k.id ? wholeClip(x, durationMs) : x)))}>
                          {tr('requests:ui.wholeClip')}
                        </button>{' '}
                        <button type="button" onClick={() => setTracks(tracks.filter((x) => x.id !== k.id))}>
                          {tr('requests:ui.remove')}
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : masks?.set ? (
        <p className="muted">{tr('requests:ui.noTracks')}</p>
      ) : live ? (
        <p className="muted">{tr('requests:ui.noMasksYet')}</p>
      ) : null}
      {live && editable && (tracks.length > 0 || drawn.length > 0) ? (
        <div className="buttons">
          <button type="button" disabled={busy} onClick={() => void save([...tracks, ...drawn.map((m, i) => drawnTrack(m, i, durationMs))], keep)}>
            {tr('requests:ui.saveMasks')}
          </button>
        </div>
      ) : null}
      {live && editable && masks?.set ? (
        <div className="buttons">
          <button type="button" className="primary" disabled={busy} onClick={() => void render()}>
            {tr('requests:ui.render')}
          </button>
        </div>
      ) : null}
      {rendering?.state === 'running' ? <Progress label={tr('requests:ui.rendering')} fraction={rendering.fraction} /> : null}
      {clip.masked?.status === 'complete' ? (
        <p className={clip.masked.current ? 'ok' : 'warn'} data-testid="masked-state">
          {clip.masked.current ? tr('requests:ui.previewCurrent') : tr('requests:cli.maskedStale')}
        </p>
      ) : null}
      {preview && live && clip.masked?.status === 'complete' ? (
        <figure>
          <video className="clip-player" src={preview} controls muted playsInline preload="auto" data-testid="clip-masked" aria-label={tr('requests:ui.preview')} />
          <figcaption className="small muted">{tr('requests:ui.preview')}</figcaption>
        </figure>
      ) : null}
      {editable && clip.status !== 'deleted' ? (
        <StepForm
          label={tr('requests:ui.unmarkTitle')}
          fields={[{ key: 'reason', label: tr('requests:ui.unmarkReason') }]}
          button={tr('requests:ui.unmark')}
          onSubmit={async (v) => {
            await unwrap(stores.api.call('requests.unmark', { ref: refName, clip: clip.id, reason: v.reason ?? '' }));
            await onChanged();
          }}
        />
      ) : null}
      <ErrorText text={err} />
    </article>
  );
}

const REGISTER_HEAD = ['ref', 'received', 'due', 'extended', 'answered', 'days', 'outcome'] as const;

/** `version` changes whenever the list was reloaded (a request registered or changed): the register follows. */
function Register({ version }: { version: number }): ReactNode {
  const tr = useTr();
  const stores = useStores();
  const [rows, setRows] = useState<RequestRegisterRow[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    void stores.api.call('requests.register', {}).then((r) => (r.ok ? setRows(r.data.requests) : setErr(r.error.message)));
  }, [stores, version]);
  const download = async (): Promise<void> => {
    try {
      const d = await unwrap(stores.api.call('requests.download', { format: 'csv' }));
      saveFile(d.filename, d.contentType, [d.text]);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Section
      title={tr('requests:ui.registerTitle')}
      id="req-register"
      actions={
        <button type="button" onClick={() => void download()}>
          {tr('requests:ui.registerCsv')}
        </button>
      }
    >
      <ErrorText text={err} />
      {rows === null ? null : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={tr('requests:ui.registerTitle')}>
          <table className="table" data-testid="request-register">
            <thead>
              <tr>
                {REGISTER_HEAD.map((h) => (
                  <th key={h} scope="col">
                    {tr(`requests:col.${h}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.ref} data-ref={r.ref}>
                  <td>{r.ref}</td>
                  <td>{r.received}</td>
                  <td>{r.overdue ? <Badge tone="bad">{r.due}</Badge> : r.due}</td>
                  <td>{r.extended ? (r.extendedUntil ?? '') : '–'}</td>
                  <td>{r.answered ?? '–'}</td>
                  <td className="num">{r.daysTaken}</td>
                  <td>{r.outcome ? tr(`requests:outcome.${r.outcome}`) : tr(`requests:status.${r.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
