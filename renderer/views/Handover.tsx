/**
 * Exports and the handover of an archived incident (POLICY P4, P5): write a signed package for
 * the Police or HR (with a progress bar), then record the handover — the dialog shows what will
 * be deleted once it is recorded — and print the receipt.
 */
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { HandoverResultView, IncidentDetailView } from '../../common/api/types.js';
import { Dialog } from '../components/Dialog.js';
import { Progress } from '../components/Progress.js';
import { Dl, ErrorText, Section } from '../components/ui.js';
import { errorText } from '../lib/api.js';
import { printPart } from '../lib/print.js';
import { useFormat } from '../lib/hooks.js';
import { useSlice, useStores } from '../stores/context.js';
import { packagesOf } from '../stores/incidents.js';
import { jobKey } from '../stores/jobs.js';
import { can } from '../stores/session.js';

type Audience = 'police' | 'hr';
const METHODS = ['in-person', 'usb', 'secure-transfer', 'other'] as const;

export function IncidentHandover({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const recent = useSlice(stores.incidents, (s) => s.exported[detail.ref]);
  const job = useSlice(stores.jobs, (s) => s.jobs[jobKey('export', detail.ref)]);
  const [audience, setAudience] = useState<Audience>('hr');
  const [zip, setZip] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [handing, setHanding] = useState(false);
  const [receipt, setReceipt] = useState<HandoverResultView | null>(null);
  const mayExport = can(session, 'exports.create');
  const mayHand = can(session, 'handover.record');
  const packages = packagesOf(detail, recent ?? []);
  const last = recent?.[recent.length - 1];
  if (!mayExport && !mayHand && !receipt) return null;
  const archived = detail.status === 'archived';
  const run = async (): Promise<void> => {
    setErr(null);
    try {
      await stores.incidents.getState().exportPackage(detail.ref, audience, zip);
      stores.ui.getState().notify('info', t('exports.done', { ref: detail.ref }));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Section title={t('exports.title')} id="inc-exports">
      {!archived && !receipt ? <p className="muted">{detail.status === 'open' ? t('exports.archiveFirst') : t('exports.notActive')}</p> : null}
      {archived && mayExport ? (
        <div className="box">
          <h3>{t('exports.make')}</h3>
          <div className="row">
            <fieldset>
              <legend>{t('exports.audience')}</legend>
              {(['hr', 'police'] as const).map((a) => (
                <label key={a} className="radio">
                  <input type="radio" name="audience" value={a} checked={audience === a} onChange={() => setAudience(a)} />
                  <span>
                    {t(`audiences.${a}`)} <span className="small muted">— {t(`audienceHelp.${a}`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <label className="check">
              <input type="checkbox" checked={zip} onChange={(e) => setZip(e.target.checked)} />
              {t('exports.zip')}
            </label>
          </div>
          {job?.state === 'running' ? <Progress label={t('exports.progress')} fraction={job.fraction} detail={job.label} /> : null}
          <button type="button" className="primary" onClick={() => void run()} disabled={job?.state === 'running'}>
            {t('exports.run')}
          </button>
          <ErrorText text={err ?? (job?.state === 'failed' ? job.error : null)} />
          {last ? (
            <div className="result" data-testid="export-result">
              <Dl
                items={[
                  [t('exports.package'), <code key="p">{last.packageId}</code>],
                  [t('exports.folder'), <code key="d">{last.dir}</code>],
                  ...(last.zipPath ? ([[t('exports.zipFile'), <code key="z">{last.zipPath}</code>]] as const) : []),
                  [t('exports.files'), String(last.files)],
                  [t('exports.redacted'), String(last.redacted)],
                  [t('exports.manifest'), <code key="m">{last.manifestSha256}</code>],
                ]}
              />
              {last.leftOut.length > 0 ? (
                <>
                  <p className="warn">{t('exports.leftOut', { count: last.leftOut.length })}</p>
                  <ul className="small">
                    {last.leftOut.map((l) => (
                      <li key={l.clip}>
                        {l.camera} ({t(`zones.${l.subjects}`)}): {l.reason}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
      {archived && mayHand ? (
        <div className="box">
          <h3>{t('handover.title')}</h3>
          <p className="small muted">{t('handover.help')}</p>
          <button type="button" className="primary" onClick={() => setHanding(true)} disabled={packages.length === 0}>
            {t('handover.open')}
          </button>
          {packages.length === 0 ? <p className="small muted">{t('handover.needPackage')}</p> : null}
        </div>
      ) : null}
      {handing ? (
        <HandoverDialog
          detail={detail}
          packages={packages}
          onClose={() => setHanding(false)}
          onDone={(r) => {
            setHanding(false);
            setReceipt(r);
          }}
        />
      ) : null}
      {receipt ? <Receipt r={receipt} onClose={() => setReceipt(null)} /> : null}
    </Section>
  );
}

function HandoverDialog({ detail, packages, onClose, onDone }: { detail: IncidentDetailView; packages: ReturnType<typeof packagesOf>; onClose(): void; onDone(r: HandoverResultView): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const first = packages[packages.length - 1];
  const [to, setTo] = useState<Audience>(first?.audience === 'police' ? 'police' : 'hr');
  const [packageId, setPackageId] = useState(first?.packageId ?? '');
  const [recipient, setRecipient] = useState('');
  const [reference, setReference] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('in-person');
  const [note, setNote] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const toDelete = detail.clips.filter((c) => c.status === 'complete');
  const bytes = toDelete.reduce((a, c) => a + (c.size ?? 0), 0);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      const r = await stores.incidents.getState().recordHandover({
        ref: detail.ref,
        to,
        packageId,
        recipient: recipient.trim(),
        reference: reference.trim(),
        method: t(`handover.methods.${method}`),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone(r);
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const ok = packageId !== '' && recipient.trim().length >= 2 && reference.trim().length >= 2 && understood;
  return (
    <Dialog open title={t('handover.dialogTitle', { ref: detail.ref })} onClose={onClose} wide>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) void submit();
        }}
      >
        <div className="row">
          <label>
            {t('handover.to')}
            <select value={to} onChange={(e) => setTo(e.target.value as Audience)}>
              <option value="hr">{t('audiences.hr')}</option>
              <option value="police">{t('audiences.police')}</option>
            </select>
          </label>
          <label>
            {t('handover.package')}
            <select value={packageId} onChange={(e) => setPackageId(e.target.value)}>
              {packages.map((p) => (
                <option key={p.packageId} value={p.packageId}>
                  {p.packageId}
                  {p.audience ? ` (${t(`audiences.${p.audience === 'police' ? 'police' : 'hr'}`)})` : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="row">
          <label>
            {t('handover.recipient')}
            <input value={recipient} onChange={(e) => setRecipient(e.target.value)} required maxLength={200} />
          </label>
          <label>
            {t('handover.reference')}
            <input value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={200} />
          </label>
          <label>
            {t('handover.method')}
            <select value={method} onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`handover.methods.${m}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('handover.note')}
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} />
        </label>
        <div className="box warnbox" data-testid="will-delete">
          <h3>{t('handover.willDelete')}</h3>
          <p>{t('handover.willDeleteText', { count: toDelete.length, size: f.bytes(bytes) })}</p>
          <ul className="small">
            {toDelete.map((c) => (
              <li key={c.id}>
                <code>{c.path}</code> · {f.bytes(c.size)}
              </li>
            ))}
          </ul>
          <p className="small">{t('handover.otherCopies')}</p>
        </div>
        <label className="check">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
          {t('handover.understand')}
        </label>
        <ErrorText text={err} />
        <div className="buttons">
          <button type="submit" className="danger" disabled={!ok || busy}>
            {busy ? t('common.working') : t('handover.confirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Receipt({ r, onClose }: { r: HandoverResultView; onClose(): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const h = r.handover;
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div ref={ref} className="receipt" data-testid="receipt" role="region" aria-label={t('handover.receipt')}>
      <h3>{t('handover.receiptTitle', { ref: h.incident })}</h3>
      <Dl
        items={[
          [t('handover.to'), `${h.organisation} (${t(`audiences.${h.to === 'police' ? 'police' : 'hr'}`)})`],
          [t('handover.recipient'), h.recipient],
          [t('handover.reference'), h.reference],
          [t('handover.method'), h.method],
          [t('handover.when'), f.iso(h.handedOver)],
          [t('handover.recordedBy'), h.recordedBy],
          [t('handover.package'), <code key="p">{h.package}</code>],
          [t('exports.manifest'), <code key="m">{h.manifestSha256}</code>],
          [t('handover.deleted'), t('handover.deletedCount', { count: r.deleted })],
          ...(h.receiptPdf ? ([[t('handover.receiptPdf'), <code key="r">{h.receiptPdf}</code>]] as const) : []),
        ]}
      />
      {r.failed.length > 0 ? (
        <div className="warn">
          <p>{t('handover.failed', { count: r.failed.length })}</p>
          <ul className="small">
            {r.failed.map((x) => (
              <li key={x.path}>
                {x.path}: {x.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="buttons no-print">
        <button type="button" className="primary" onClick={() => printPart(ref.current)}>
          {t('handover.print')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.closeView')}
        </button>
      </div>
    </div>
  );
}
