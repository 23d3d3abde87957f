/**
 * An incident's packages and their handovers (POLICY P4, P5; issue 12): every package per
 * audience — exported (when, package id, key fingerprint), handed over (when, to whom, reference)
 * or still waiting, or discarded — with its receipts to download long after the material is gone
 * and, while Custodian holds it, its zip to carry to the recipient. An officer exports a package
 * (with a progress bar), records each handover on its own (the dialog says whether the material
 * is then deleted or kept for the packages still waiting), or discards a package with a reason.
 */
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { packageDownloadPath, receiptDownloadPath } from '../../common/api/http.js';
import type { HandoverResultView, IncidentDetailView, PackageView } from '../../common/api/types.js';
import { VERIFY_COMMANDS } from '../../common/manifest.js';
import { methodMsg, organisationMsg, textMsg } from '../../common/i18n/words.js';
import { Dialog } from '../components/Dialog.js';
import { Progress } from '../components/Progress.js';
import { Badge, Dl, ErrorText, Section } from '../components/ui.js';
import { errorText } from '../lib/api.js';
import { printPart } from '../lib/print.js';
import { useActorLabel, useCameraLabel, useFormat } from '../lib/hooks.js';
import { charsLeft, Waits } from '../components/Waits.js';
import { useSlice, useStores } from '../stores/context.js';
import { afterHandover, pendingPackages } from '../stores/incidents.js';
import { jobKey } from '../stores/jobs.js';
import { can } from '../stores/session.js';

type Audience = 'police' | 'hr';
const METHODS = ['in-person', 'usb', 'secure-transfer', 'other'] as const;

function audienceKey(a: string): 'police' | 'hr' | 'data-subject' {
  return a === 'police' || a === 'hr' ? a : 'data-subject';
}

export function IncidentHandover({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const [handing, setHanding] = useState(false);
  const [discarding, setDiscarding] = useState<PackageView | null>(null);
  const [receipt, setReceipt] = useState<HandoverResultView | null>(null);
  const mayExport = can(session, 'exports.create');
  const mayHand = can(session, 'handover.record');
  const archived = detail.status === 'archived';
  const pending = pendingPackages(detail);
  if (detail.packages.length === 0 && !mayExport && !receipt) return null;
  return (
    <Section title={t('exports.title')} id="inc-exports">
      <PackageTable detail={detail} onDiscard={setDiscarding} />
      {!archived && !receipt && mayExport ? <p className="muted">{detail.status === 'open' ? t('exports.archiveFirst') : t('exports.notActive')}</p> : null}
      {archived && mayExport ? <ExportBox detail={detail} /> : null}
      {archived && mayHand ? (
        <div className="box">
          <h3>{t('handover.title')}</h3>
          <p className="small muted">{t('handover.help')}</p>
          <button type="button" className="primary" onClick={() => setHanding(true)} disabled={pending.length === 0}>
            {t('handover.open')}
          </button>
          {pending.length === 0 ? <p className="small muted">{t('handover.needPackage')}</p> : null}
        </div>
      ) : null}
      {handing ? (
        <HandoverDialog
          detail={detail}
          onClose={() => setHanding(false)}
          onDone={(r) => {
            setHanding(false);
            setReceipt(r);
          }}
        />
      ) : null}
      {discarding ? <DiscardDialog detail={detail} pkg={discarding} onClose={() => setDiscarding(null)} /> : null}
      {receipt ? <Receipt r={receipt} onClose={() => setReceipt(null)} /> : null}
    </Section>
  );
}

/** Every package of the incident, per audience, and where it stands. */
function PackageTable({ detail, onDiscard }: { detail: IncidentDetailView; onDiscard(p: PackageView): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const files = stores.api.files;
  const actor = useActorLabel();
  if (detail.packages.length === 0) return <p className="muted">{t('exports.noPackages')}</p>;
  const mayReceipt = can(session, 'receipts.download') && files !== undefined;
  const mayZip = can(session, 'packages.download') && files !== undefined;
  const mayDiscard = can(session, 'packages.discard') && detail.status === 'archived';
  return (
    <div className="table-wrap">
      <table className="table" aria-label={t('exports.packages')} data-testid="packages">
        <thead>
          <tr>
            <th scope="col">{t('exports.audienceCol')}</th>
            <th scope="col">{t('exports.exportedCol')}</th>
            <th scope="col">{t('exports.fingerprint')}</th>
            <th scope="col">{t('exports.stateCol')}</th>
            <th scope="col">{t('exports.actionsCol')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.packages.map((p) => {
            const audience = t(`audiences.${audienceKey(p.audience)}`);
            return (
              <tr key={p.packageId} data-package={p.packageId} data-audience={p.audience} data-state={p.state}>
                <th scope="row">{audience}</th>
                <td>
                  {f.iso(p.exported)} · {actor(p.exportedBy)}
                  <br />
                  <code className="small">{p.packageId}</code>
                </td>
                <td>
                  <code className="small hash">{p.fingerprint ?? '—'}</code>
                </td>
                <td>
                  {p.state === 'pending' ? <Badge tone="warn">{t('exports.pending')}</Badge> : null}
                  {p.state === 'handed-over' && p.handover ? (
                    <>
                      <Badge tone="ok">{t('incidentStatus.handed-over')}</Badge>{' '}
                      <span className="small">{t('exports.handedOver', { when: f.iso(p.handover.handedOver), recipient: p.handover.recipient, organisation: f.msg(organisationMsg(p.handover.organisation)), reference: p.handover.reference })}</span>
                      {p.handover.recipientCopy ? <div className="small muted">{t('exports.recipientCopy', { path: p.handover.recipientCopy })}</div> : null}
                    </>
                  ) : null}
                  {p.state === 'discarded' && p.discarded ? <span className="small">{t('exports.discarded', { when: f.iso(p.discarded.at), reason: p.discarded.reason ?? '' })}</span> : null}
                  {p.copyDeleted ? <div className="small muted">{t('exports.copyDeleted', { when: f.iso(p.copyDeleted) })}</div> : null}
                </td>
                <td className="actions">
                  {mayReceipt && p.handover ? (
                    <>
                      <a href={files.href(receiptDownloadPath(p.handover.id, 'pdf'))} download>
                        {t('exports.receiptPdf')}
                      </a>{' '}
                      <a href={files.href(receiptDownloadPath(p.handover.id, 'html'))} download>
                        {t('exports.receiptHtml')}
                      </a>
                    </>
                  ) : null}
                  {mayZip && p.held ? (
                    <a href={files.href(packageDownloadPath(p.packageId))} download aria-label={t('exports.downloadLabel', { audience })} title={t('exports.zipHelp')}>
                      {t('exports.download')}
                    </a>
                  ) : null}
                  {mayDiscard && p.state === 'pending' ? (
                    <button type="button" onClick={() => onDiscard(p)}>
                      {t('exports.discard')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="small muted">{t('exports.fingerprintHelp', { command: VERIFY_COMMANDS.fingerprint })}</p>
    </div>
  );
}

function ExportBox({ detail }: { detail: IncidentDetailView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const last = useSlice(stores.incidents, (s) => s.exported[detail.ref]);
  const camLabel = useCameraLabel(detail.cameraInfo);
  const session = useSlice(stores.session, (s) => s.session);
  const files = stores.api.files;
  const held = last ? detail.packages.find((p) => p.packageId === last.packageId)?.held === true : false;
  const job = useSlice(stores.jobs, (s) => s.jobs[jobKey('export', detail.ref)]);
  const [audience, setAudience] = useState<Audience>('hr');
  const [zip, setZip] = useState(false);
  const [err, setErr] = useState<string | null>(null);
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
      {job?.state === 'running' ? <Progress label={t('exports.progress')} fraction={job.fraction} detail={[job.step ? f.msg({ key: `ui:steps.${job.step}` }) : '', job.label].filter(Boolean).join(' · ')} /> : null}
      <button type="button" className="primary" onClick={() => void run()} disabled={job?.state === 'running'}>
        {t('exports.run')}
      </button>
      <ErrorText text={err ?? (job?.state === 'failed' ? job.error : null)} />
      {last ? (
        <div className="result" data-testid="export-result">
          <Dl
            items={[
              [t('exports.package'), <code key="p">{last.packageId}</code>],
              [t('exports.audience'), t(`audiences.${last.audience}`)],
              [t('exports.folder'), <code key="d">{last.dir}</code>],
              ...(last.zipPath ? ([[t('exports.zipFile'), <code key="z">{last.zipPath}</code>]] as const) : []),
              [t('exports.files'), String(last.files)],
              [t('exports.redacted'), String(last.redacted)],
              [t('exports.manifest'), <code key="m">{last.manifestSha256}</code>],
              [t('exports.fingerprint'), <code key="f">{last.fingerprint}</code>],
            ]}
          />
          {files && held && can(session, 'packages.download') ? (
            <p>
              <a className="button" href={files.href(packageDownloadPath(last.packageId))} download data-testid="export-download">
                {t('exports.downloadLabel', { audience: t(`audiences.${last.audience}`) })}
              </a>
            </p>
          ) : null}
          {last.leftOut.length > 0 ? (
            <>
              <p className="warn">{t('exports.leftOut', { count: last.leftOut.length })}</p>
              <ul className="small">
                {last.leftOut.map((l) => (
                  <li key={l.clip}>
                    {camLabel(l.camera)} ({t(`zones.${l.subjects}`)}): {f.msg(l.msg, l.reason)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function HandoverDialog({ detail, onClose, onDone }: { detail: IncidentDetailView; onClose(): void; onDone(r: HandoverResultView): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const pending = pendingPackages(detail);
  const first = pending[pending.length - 1];
  const [packageId, setPackageId] = useState(first?.packageId ?? '');
  const [recipient, setRecipient] = useState('');
  const [reference, setReference] = useState('');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('in-person');
  const [note, setNote] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const chosen = pending.find((p) => p.packageId === packageId);
  const to: Audience = chosen?.audience === 'police' ? 'police' : 'hr';
  const after = afterHandover(detail, packageId);
  const waiting = after.waiting.map((a) => t(`audiences.${audienceKey(a)}`)).join(', ');
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
  const ok = chosen !== undefined && recipient.trim().length >= 2 && reference.trim().length >= 2 && understood;
  const waits = [
    ...(chosen === undefined ? [t('handover.waitPackage')] : []),
    ...(recipient.trim().length < 2 ? [t('handover.waitRecipient')] : []),
    ...(reference.trim().length < 2 ? [t('handover.waitReference')] : []),
    ...(!understood ? [t('handover.waitUnderstood')] : []),
  ];
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
            {t('handover.package')}
            <select value={packageId} onChange={(e) => setPackageId(e.target.value)}>
              {pending.map((p) => (
                <option key={p.packageId} value={p.packageId}>
                  {t('handover.packageFor', { audience: t(`audiences.${audienceKey(p.audience)}`), when: f.iso(p.exported), id: p.packageId.slice(0, 8) })}
                </option>
              ))}
            </select>
          </label>
          <p className="small">
            {t('handover.to')}: <strong data-testid="handover-to">{t(`audiences.${to}`)}</strong>
          </p>
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
        {after.deletes ? (
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
        ) : (
          <div className="box" data-testid="will-keep">
            <h3>{t('handover.willKeep')}</h3>
            <p>{t('handover.willKeepText', { audiences: waiting })}</p>
          </div>
        )}
        <label className="check">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
          {after.deletes ? t('handover.understand') : t('handover.understandKeep')}
        </label>
        <SubmitRow err={err} busy={busy} disabled={!ok} danger={after.deletes} label={after.deletes ? t('handover.confirm') : t('handover.confirmKeep')} onCancel={onClose} waits={waits} waitsId="handover-waits" />
      </form>
    </Dialog>
  );
}

/** A dialog form's last row: what went wrong, the submit button (red when it deletes) and cancel. */
function SubmitRow({ err, busy, disabled, danger, label, onCancel, waits, waitsId }: { err: string | null; busy: boolean; disabled: boolean; danger: boolean; label: string; onCancel(): void; waits: readonly string[]; waitsId: string }): ReactNode {
  const { t } = useTranslation();
  return (
    <>
      <ErrorText text={err} />
      <Waits id={waitsId} items={disabled ? waits : []} />
      <div className="buttons">
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={disabled || busy} aria-describedby={disabled ? waitsId : undefined}>
          {busy ? t('common.working') : label}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}

function DiscardDialog({ detail, pkg, onClose }: { detail: IncidentDetailView; pkg: PackageView; onClose(): void }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const audience = t(`audiences.${audienceKey(pkg.audience)}`);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      await stores.incidents.getState().discardPackage(detail.ref, pkg.packageId, reason.trim());
      stores.ui.getState().notify('info', t('exports.discardedNotice'));
      onClose();
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open title={t('exports.discardTitle', { audience })} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (reason.trim().length >= 10) void submit();
        }}
      >
        <p>{t('exports.discardText')}</p>
        <label>
          {t('exports.discardReason')}
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={2000} required />
        </label>
        <SubmitRow err={err} busy={busy} disabled={reason.trim().length < 10} danger label={t('exports.discardConfirm')} onCancel={onClose} waits={[t('forms.needChars', { min: 10, left: charsLeft(reason, 10) ?? 0 })]} waitsId="discard-waits" />
      </form>
    </Dialog>
  );
}

function Receipt({ r, onClose }: { r: HandoverResultView; onClose(): void }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const files = stores.api.files;
  const h = r.handover;
  const actor = useActorLabel();
  const ref = useRef<HTMLDivElement>(null);
  const waiting = [...new Set(r.pending.map((p) => t(`audiences.${audienceKey(p.audience)}`)))].join(', ');
  return (
    <div ref={ref} className="receipt" data-testid="receipt" role="region" aria-label={t('handover.receipt')}>
      <h3>{t('handover.receiptTitle', { ref: h.incident })}</h3>
      <Dl
        items={[
          [t('handover.to'), `${f.msg(organisationMsg(h.organisation))} (${t(`audiences.${audienceKey(h.to)}`)})`],
          [t('handover.recipient'), h.recipient],
          [t('handover.reference'), h.reference],
          [t('handover.method'), f.msg(methodMsg(h.method))],
          [t('handover.when'), f.iso(h.handedOver)],
          [t('handover.recordedBy'), actor(h.recordedBy)],
          [t('handover.package'), <code key="p">{h.package}</code>],
          [t('exports.manifest'), <code key="m">{h.manifestSha256}</code>],
          [t('handover.fingerprint'), <code key="f">{h.keyFingerprint ?? '—'}</code>],
          ...(h.recipientCopy ? ([[t('handover.recipientCopy'), <code key="c">{h.recipientCopy}</code>]] as const) : []),
          [t('handover.deleted'), r.materialDeleted ? t('handover.deletedCount', { count: r.deleted }) : t('handover.pendingAfter', { audiences: waiting })],
        ]}
      />
      {r.failed.length > 0 ? (
        <div className="warn">
          <p>{t('handover.failed', { count: r.failed.length })}</p>
          <ul className="small">
            {r.failed.map((x) => (
              <li key={x.path}>
                {x.path}: {f.msg(textMsg(x.reason))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="buttons no-print">
        <button type="button" className="primary" onClick={() => printPart(ref.current)}>
          {t('handover.print')}
        </button>
        {files ? (
          <a className="button" href={files.href(receiptDownloadPath(h.id, 'pdf'))} download>
            {t('handover.downloadReceipt')}
          </a>
        ) : null}
        <button type="button" onClick={onClose}>
          {t('common.closeView')}
        </button>
      </div>
    </div>
  );
}
