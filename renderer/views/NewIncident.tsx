/**
 * A selected time range becomes an incident: one of the policy's three reasons (P3), a
 * justification (longer for "other reason"), the cameras, the window and a review date. The
 * server checks all of it again; the form only says early what it would refuse.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../common/api/types.js';
import { INCIDENT_REASONS, type IncidentReason } from '../../common/domain.js';
import { Dialog } from '../components/Dialog.js';
import { DateField, DateTimeField } from '../components/WallTimeInput.js';
import { ErrorText } from '../components/ui.js';
import { errorText } from '../lib/api.js';
import { addSiteDays, fromLocalInput, isoDay, toLocalInput } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { useStores } from '../stores/context.js';
import type { Selection } from '../stores/timeline.js';

export interface IncidentDraft {
  title: string;
  reason: IncidentReason | '';
  justification: string;
  cameras: string[];
  from: string;
  to: string;
  reviewBy: string;
}

/** The longest title and justification the server takes (the contract's limits). */
export const TITLE_MAX = 200;
export const JUSTIFICATION_MAX = 4000;

/** An instant as a datetime-local value in site time, with seconds only when it has them. */
export function localInputExact(ms: number, tz: string): string {
  const s = Math.round(ms / 1000) * 1000;
  const base = toLocalInput(s, tz);
  const sec = Math.floor(((s % 60_000) + 60_000) % 60_000 / 1000);
  return sec === 0 ? base : `${base}:${String(sec).padStart(2, '0')}`;
}

/** The form as a selection (or a mark in / mark out) opens it: exactly the period chosen. */
export function draftFromSelection(selection: Selection, tz: string, reviewBy: string): IncidentDraft {
  return { title: '', reason: '', justification: '', cameras: [selection.camera], from: localInputExact(selection.startMs, tz), to: localInputExact(selection.endMs, tz), reviewBy };
}

/** The problems the server would refuse, as translation keys (empty when the draft is fine). */
export function draftProblems(d: IncidentDraft, tz: string, nowMs: number): string[] {
  const out: string[] = [];
  if (d.title.trim().length < 3) out.push('newIncident.errTitle');
  if (d.title.trim().length > TITLE_MAX) out.push('newIncident.errTitleLong');
  if (d.justification.trim().length > JUSTIFICATION_MAX) out.push('newIncident.errJustificationLong');
  if (d.reason === '') out.push('newIncident.errReason');
  const just = d.justification.trim();
  if (just.length < 10) out.push('newIncident.errJustification');
  else if (d.reason === 'other' && (just.length < 30 || just.split(/\s+/).length < 5)) out.push('newIncident.errOther');
  if (d.cameras.length === 0) out.push('newIncident.errCameras');
  const a = fromLocalInput(d.from, tz);
  const b = fromLocalInput(d.to, tz);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) out.push('newIncident.errWindow');
  const r = fromLocalInput(d.reviewBy, tz);
  if (d.reviewBy !== '' && (!Number.isFinite(r) || r <= nowMs)) out.push('newIncident.errReview');
  return out;
}

export function NewIncidentDialog({ cameras, selection, onClose, onCreated }: { cameras: readonly CameraView[]; selection: Selection; onClose(): void; onCreated(ref: string): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const [d, setD] = useState<IncidentDraft>(() => draftFromSelection(selection, f.tz, isoDay(addSiteDays(Date.now(), 30, f.tz), f.tz)));
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    void stores.api.call('settings.get', {}).then((r) => {
      if (r.ok) setD((x) => ({ ...x, reviewBy: isoDay(addSiteDays(Date.now(), r.data.incidentReviewDays, f.tz), f.tz) }));
    });
  }, [stores, f.tz]);
  const problems = draftProblems(d, f.tz, Date.now());
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setShown(true);
    if (problems.length > 0 || d.reason === '') return;
    setBusy(true);
    setErr(null);
    try {
      const inc = await stores.incidents.getState().create({
        title: d.title.trim(),
        reason: d.reason,
        justification: d.justification.trim(),
        cameras: d.cameras,
        from: fromLocalInput(d.from, f.tz),
        to: fromLocalInput(d.to, f.tz),
        ...(d.reviewBy ? { reviewBy: fromLocalInput(d.reviewBy, f.tz) } : {}),
      });
      stores.ui.getState().notify('info', t('newIncident.created', { ref: inc.ref }));
      onCreated(inc.ref);
    } catch (ex) {
      setErr(errorText(ex));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open title={t('newIncident.title')} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          {t('newIncident.name')}
          <input value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} required aria-describedby="title-count" aria-invalid={d.title.trim().length > TITLE_MAX} />
        </label>
        <Counter id="title-count" length={d.title.trim().length} max={TITLE_MAX} />
        <fieldset>
          <legend>{t('newIncident.reason')}</legend>
          {INCIDENT_REASONS.map((r) => (
            <label key={r} className="radio">
              <input type="radio" name="reason" value={r} checked={d.reason === r} onChange={() => setD({ ...d, reason: r })} />
              <span>
                {t(`reasons.${r}`)}
                <span className="small muted"> — {t(`reasonHelp.${r}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label>
            {t('newIncident.justification')}
            <textarea value={d.justification} onChange={(e) => setD({ ...d, justification: e.target.value })} rows={4} aria-describedby="just-help just-count" aria-invalid={d.justification.trim().length > JUSTIFICATION_MAX} />
          </label>
          <Counter id="just-count" length={d.justification.trim().length} max={JUSTIFICATION_MAX} />
          <span id="just-help" className="small muted">
            {d.reason === 'other' ? t('newIncident.justHelpOther') : t('newIncident.justHelp')}
          </span>
        </div>
        <fieldset>
          <legend>{t('newIncident.cameras')}</legend>
          <div className="checks">
            {cameras.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={d.cameras.includes(c.id)}
                  onChange={(e) => setD({ ...d, cameras: e.target.checked ? [...d.cameras, c.id] : d.cameras.filter((x) => x !== c.id) })}
                />
                {c.name ?? c.id} <span className="small muted">({t(`zones.${c.zone}`)})</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <label>
            {t('newIncident.from')}
            <DateTimeField value={d.from} onChange={(v) => setD({ ...d, from: v })} seconds label={t('newIncident.from')} />
          </label>
          <label>
            {t('newIncident.to')}
            <DateTimeField value={d.to} onChange={(v) => setD({ ...d, to: v })} seconds label={t('newIncident.to')} />
          </label>
          <label>
            {t('newIncident.reviewBy')}
            <DateField value={d.reviewBy} onChange={(v) => setD({ ...d, reviewBy: v })} label={t('newIncident.reviewBy')} />
          </label>
        </div>
        <p className="small muted">{t('newIncident.holdNote')}</p>
        {shown && problems.length > 0 ? (
          <ul className="error" role="alert">
            {problems.map((p) => (
              <li key={p}>{t(p as 'newIncident.errTitle', { max: p === 'newIncident.errTitleLong' ? TITLE_MAX : JUSTIFICATION_MAX, count: p === 'newIncident.errTitleLong' ? d.title.trim().length : d.justification.trim().length })}</li>
            ))}
          </ul>
        ) : null}
        <ErrorText text={err} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.working') : t('newIncident.create')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Characters used of the limit; over it, said plainly (the text is kept as typed, never cut). */
function Counter({ id, length, max }: { id: string; length: number; max: number }): ReactNode {
  const { t } = useTranslation();
  const over = length > max;
  return (
    <span id={id} className={`small counter${over ? ' error' : ' muted'}`} aria-live={over ? 'polite' : 'off'}>
      {over ? t('newIncident.overLimit', { count: length, max, over: length - max }) : t('newIncident.charCount', { count: length, max })}
    </span>
  );
}
