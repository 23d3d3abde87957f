/**
 * The data protection officer's screen (POLICY P5, P6, G3): the handover log with what each
 * package held and its receipt, the deletion log with due time, lateness, filters and totals,
 * who viewed which footage when, the alarms' history, overdue incidents and the compliance
 * report, whose verdicts list the facts they rest on. Every log downloads as CSV or JSON.
 * Read-only: there is nothing here to change.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeletionLogEntryView, FactSeverity, HandoverLogEntryView, ReasonClass, VerdictStatus } from '../../common/api/report.js';
import { REASON_CLASSES } from '../../common/api/report.js';
import { translator } from '../../common/i18n/catalog.js';
import { deletionOutcomeMsg, deletionReasonMsg, methodMsg } from '../../common/i18n/words.js';
import { Badge, Dl, ErrorText, Loading, Section } from '../components/ui.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { DateField } from '../components/WallTimeInput.js';
import { addSiteDays, fromLocalInput } from '../lib/format.js';
import { useCameraLabel, useFormat } from '../lib/hooks.js';
import { printPart } from '../lib/print.js';
import { base64Bytes, saveFile } from '../lib/save-file.js';
import { useSlice, useStores } from '../stores/context.js';
import type { DeletionFilter, ViewFilter } from '../stores/dpo.js';
import { can } from '../stores/session.js';

type Tab = 'handovers' | 'deletions' | 'views' | 'alarms' | 'overdue' | 'report';
const TABS: readonly Tab[] = ['handovers', 'deletions', 'views', 'alarms', 'overdue', 'report'];

export function Dpo(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const [tab, setTab] = useState<Tab>('handovers');
  const error = useSlice(stores.dpo, (s) => s.error);
  const tabs = TABS.filter((x) => x !== 'views' || can(session, 'logs.views'));
  useEffect(() => {
    void stores.dpo.getState().load();
  }, [stores]);
  return (
    <div className="screen dpo">
      <h1>{t('dpo.title')}</h1>
      <p className="muted">{t('dpo.readOnly')}</p>
      <div className="tabs" role="tablist" aria-label={t('dpo.title')}>
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" id={`tab-${x}`} aria-selected={tab === x} aria-controls={`panel-${x}`} tabIndex={tab === x ? 0 : -1} onClick={() => setTab(x)} onKeyDown={(e) => {
            const i = tabs.indexOf(x);
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length] as Tab;
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }
          }}>
            {t(`dpo.tabs.${x}`)}
          </button>
        ))}
      </div>
      <ErrorText text={error} />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'handovers' ? <Handovers /> : null}
        {tab === 'deletions' ? <Deletions /> : null}
        {tab === 'views' ? <Views /> : null}
        {tab === 'alarms' ? <Alarms /> : null}
        {tab === 'overdue' ? <Overdue /> : null}
        {tab === 'report' ? <Report /> : null}
      </div>
    </div>
  );
}

/** "9 d 3 h 12 min" from milliseconds. */
function useDuration(): (ms: number | null) => string {
  const { t } = useTranslation();
  return (ms) => {
    if (ms === null) return '—';
    const m = Math.max(0, Math.round(ms / 60_000));
    return t('dpo.duration', { days: Math.floor(m / 1440), hours: Math.floor((m % 1440) / 60), minutes: m % 60 });
  };
}

function Downloads({ log }: { log: 'deletions' | 'handovers' | 'views' }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const busy = useSlice(stores.dpo, (s) => s.downloading);
  const get = async (format: 'csv' | 'json'): Promise<void> => {
    const file = await stores.dpo.getState().download(log, format);
    if (file) saveFile(file.filename, file.contentType, file.parts);
  };
  return (
    <span className="no-print">
      {busy ? <span role="status" className="small muted">{t('dpo.downloading')} </span> : null}
      <button type="button" onClick={() => void get('csv')} disabled={busy !== null} aria-label={t('dpo.downloadCsvOf', { log: t(`dpo.tabs.${log}`) })}>
        {t('dpo.downloadCsv')}
      </button>{' '}
      <button type="button" onClick={() => void get('json')} disabled={busy !== null} aria-label={t('dpo.downloadJsonOf', { log: t(`dpo.tabs.${log}`) })}>
        {t('dpo.downloadJson')}
      </button>
    </span>
  );
}

function Contents({ h }: { h: HandoverLogEntryView }): ReactNode {
  const { t } = useTranslation();
  const c = h.contents;
  const camLabel = useCameraLabel();
  if (c.source === 'none') return <span className="muted">{t('dpo.contentsUnknown')}</span>;
  const summary = `${t('dpo.clips', { count: c.clips })} · ${c.cameras.map(camLabel).join(', ')} · ${t('dpo.zonesSummary', { staff: c.zones.staff, visitor: c.zones.visitor, mixed: c.zones.mixed })} · ${t('dpo.masked', { count: c.masked })}`;
  return (
    <span className="ellipsis" title={`${summary} (${t(`dpo.contentsFrom.${c.source}`)})`}>
      {summary}
    </span>
  );
}

function Receipt({ h }: { h: HandoverLogEntryView }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const get = async (format: 'html' | 'pdf'): Promise<void> => {
    const r = await stores.dpo.getState().receipt(h.id, format);
    if (r) saveFile(r.filename, r.contentType, [base64Bytes(r.base64)]);
  };
  if (!h.receipt.pdf && !h.receipt.html) return <span className="muted">{t('dpo.noReceipt')}</span>;
  return (
    <span>
      {h.receipt.pdf ? (
        <button type="button" className="link" onClick={() => void get('pdf')} aria-label={t('dpo.receiptOf', { format: 'PDF', ref: h.incident })}>
          PDF
        </button>
      ) : null}{' '}
      {h.receipt.html ? (
        <button type="button" className="link" onClick={() => void get('html')} aria-label={t('dpo.receiptOf', { format: 'HTML', ref: h.incident })}>
          HTML
        </button>
      ) : null}
    </span>
  );
}

function Handovers(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.handovers);
  return (
    <Section title={t('dpo.tabs.handovers')} id="dpo-handovers" actions={<Downloads log="handovers" />}>
      <VirtualTable
        label={t('dpo.tabs.handovers')}
        rows={rows}
        rowKey={(r) => r.id}
        empty={t('dpo.noHandovers')}
        rowHeight={44}
        columns={[
          { key: 'when', header: t('handover.when'), width: '9.5rem', render: (r) => f.iso(r.handedOver) },
          { key: 'inc', header: t('incidents.ref'), width: '8rem', render: (r) => r.incident },
          { key: 'to', header: t('handover.to'), width: 'minmax(7rem,1fr)', render: (r) => r.organisation },
          { key: 'recipient', header: t('handover.recipient'), width: 'minmax(7rem,1fr)', render: (r) => r.recipient },
          { key: 'ref', header: t('handover.reference'), width: '8rem', render: (r) => r.reference },
          { key: 'method', header: t('dpo.method'), width: '8rem', render: (r) => <span className="ellipsis" title={f.msg(methodMsg(r.method))}>{f.msg(methodMsg(r.method))}</span> },
          { key: 'contents', header: t('dpo.contents'), width: 'minmax(12rem,2fr)', render: (r) => <Contents h={r} /> },
          { key: 'sha', header: t('exports.manifest'), width: '7.5rem', render: (r) => <code title={r.manifestSha256}>{r.manifestSha256.slice(0, 10)}…</code> },
          { key: 'receipt', header: t('dpo.receipt'), width: '7rem', render: (r) => <Receipt h={r} /> },
        ]}
      />
    </Section>
  );
}

/** Site-local dates from <input type="date">: the start of `from`, the end of `to`. */
function periodOf(from: string, to: string, tz: string): { fromMs?: number; toMs?: number } {
  const a = from ? fromLocalInput(from, tz) : Number.NaN;
  const b = to ? fromLocalInput(to, tz) : Number.NaN;
  return { ...(Number.isFinite(a) ? { fromMs: a } : {}), ...(Number.isFinite(b) ? { toMs: addSiteDays(b, 1, tz) - 1 } : {}) };
}

function PeriodInputs(p: { from: string; to: string; setFrom(v: string): void; setTo(v: string): void }): ReactNode {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('dpo.from')}
        <DateField value={p.from} onChange={p.setFrom} />
      </label>
      <label>
        {t('dpo.to')}
        <DateField value={p.to} onChange={p.setTo} />
      </label>
    </>
  );
}

function CameraSelect({ value, onChange }: { value: string; onChange(v: string): void }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const cameras = useSlice(stores.dpo, (s) => s.cameras);
  return (
    <label>
      {t('incidents.camera')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('dpo.cameraAll')}</option>
        {cameras.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name ?? c.id}
          </option>
        ))}
      </select>
    </label>
  );
}

function DeletionFilters(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const roots = useSlice(stores.dpo, (s) => s.roots);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState<ReasonClass | ''>('');
  const [camera, setCamera] = useState('');
  const [root, setRoot] = useState('');
  const [late, setLate] = useState(false);
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    const filter: DeletionFilter = {
      ...periodOf(from, to, f.tz),
      ...(reason ? { reason } : {}),
      ...(camera ? { camera } : {}),
      ...(root ? { root: Number(root) } : {}),
      ...(late ? { late: true } : {}),
    };
    void stores.dpo.getState().setDeletionFilter(filter);
  };
  return (
    <form className="inline-form no-print" onSubmit={apply} aria-label={t('dpo.filters')}>
      <PeriodInputs from={from} to={to} setFrom={setFrom} setTo={setTo} />
      <label>
        {t('dpo.reason')}
        <select value={reason} onChange={(e) => setReason(e.target.value as ReasonClass | '')}>
          <option value="">{t('dpo.reasonAll')}</option>
          {REASON_CLASSES.map((r) => (
            <option key={r} value={r}>
              {t(`dpo.reasons.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <CameraSelect value={camera} onChange={setCamera} />
      <label>
        {t('dpo.root')}
        <select value={root} onChange={(e) => setRoot(e.target.value)}>
          <option value="">{t('dpo.rootAll')}</option>
          {roots.map((r) => (
            <option key={r.id} value={String(r.id)}>
              {r.path}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={late} onChange={(e) => setLate(e.target.checked)} /> {t('dpo.lateOnly')}
      </label>
      <button type="submit">{t('dpo.apply')}</button>
    </form>
  );
}

function Lateness({ d }: { d: DeletionLogEntryView }): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const duration = useDuration();
  if (d.latenessMs === null) return <span className="muted">—</span>;
  const why = [d.heldUntil ? t('dpo.heldUntil', { at: f.iso(d.heldUntil) }) : '', d.overdueAtIndex ? t('dpo.overdueAtIndex', { at: f.iso(d.overdueAtIndex) }) : ''].filter(Boolean).join(' · ');
  return d.late ? (
    <span title={why || undefined}>
      <Badge tone="bad">{t('dpo.late')}</Badge> {duration(d.latenessMs)}
    </span>
  ) : (
    <span title={why || undefined}>
      <Badge tone="ok">{t('dpo.onTime')}</Badge>
      {d.heldUntil ? <span className="small muted">{t('dpo.held')}</span> : null}
    </span>
  );
}

function Deletions(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const camLabel = useCameraLabel();
  const duration = useDuration();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.deletions);
  const done = useSlice(stores.dpo, (s) => s.deletionsDone);
  const loading = useSlice(stores.dpo, (s) => s.loadingDeletions);
  const totals = useSlice(stores.dpo, (s) => s.totals);
  const roots = useSlice(stores.dpo, (s) => s.roots);
  const rootName = useMemo(() => new Map(roots.map((r) => [r.id, r.path])), [roots]);
  return (
    <Section title={t('dpo.tabs.deletions')} id="dpo-deletions" actions={<Downloads log="deletions" />}>
      <DeletionFilters />
      {totals ? (
        <p data-testid="deletion-totals" role="status">
          {t('dpo.totals', { count: totals.count, bytes: f.bytes(totals.bytes) })} · {t('dpo.lateCount', { count: totals.late })}
          {totals.worstLatenessMs !== null ? ` (${t('dpo.worst', { lateness: duration(totals.worstLatenessMs) })})` : ''} ·{' '}
          {REASON_CLASSES.filter((r) => totals.byReason[r] > 0).map((r) => `${t(`dpo.reasons.${r}`)}: ${f.num(totals.byReason[r])}`).join(', ')}
        </p>
      ) : null}
      <p className="small muted">
        {t('dpo.rowsLoaded', { count: rows.length })}
        {done ? '' : ' …'}
      </p>
      <VirtualTable
        label={t('dpo.tabs.deletions')}
        rows={rows}
        rowKey={(r) => r.id}
        total={totals?.count}
        empty={loading ? t('common.loading') : t('dpo.noDeletions')}
        height={520}
        rowHeight={40}
        onEndReached={() => void stores.dpo.getState().moreDeletions()}
        columns={[
          { key: 'deleted', header: t('dpo.deleted'), width: '9.5rem', render: (r) => f.iso(r.deleted) },
          { key: 'due', header: t('dpo.due'), width: '9.5rem', render: (r) => f.iso(r.due) },
          { key: 'late', header: t('dpo.lateness'), width: '10rem', render: (r) => <Lateness d={r} /> },
          { key: 'kind', header: t('dpo.kind'), width: '6.5rem', render: (r) => t(`deletionKinds.${r.kind}`, { defaultValue: r.kind }) },
          { key: 'camera', header: t('incidents.camera'), width: '11rem', render: (r) => (r.camera ? <span className="ellipsis" title={camLabel(r.camera)}>{camLabel(r.camera)}</span> : '—') },
          { key: 'root', header: t('dpo.root'), width: '8rem', render: (r) => <span className="ellipsis" title={r.root === null ? '' : (rootName.get(r.root) ?? '')}>{r.root === null ? '—' : (rootName.get(r.root) ?? `#${r.root}`)}</span> },
          { key: 'recorded', header: t('overview.recorded'), width: '9.5rem', render: (r) => f.iso(r.recordedFrom) },
          { key: 'reason', header: t('dpo.reason'), width: 'minmax(10rem,2fr)', render: (r) => <span className="ellipsis" title={f.msg(deletionReasonMsg(r.reason))}>{r.incident ? `${r.incident}: ` : ''}{f.msg(deletionReasonMsg(r.reason))}</span> },
          { key: 'outcome', header: t('dpo.outcome'), width: '6.5rem', render: (r) => f.msg(deletionOutcomeMsg(r.outcome)) },
        ]}
      />
    </Section>
  );
}

function ViewFilters(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [user, setUser] = useState('');
  const [camera, setCamera] = useState('');
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    const filter: ViewFilter = { ...periodOf(from, to, f.tz), ...(user.trim() ? { user: user.trim() } : {}), ...(camera ? { camera } : {}) };
    void stores.dpo.getState().setViewFilter(filter);
  };
  return (
    <form className="inline-form no-print" onSubmit={apply} aria-label={t('dpo.filters')}>
      <PeriodInputs from={from} to={to} setFrom={setFrom} setTo={setTo} />
      <label>
        {t('dpo.user')}
        <input type="text" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
      </label>
      <CameraSelect value={camera} onChange={setCamera} />
      <button type="submit">{t('dpo.apply')}</button>
    </form>
  );
}

function Views(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const camLabel = useCameraLabel();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.views);
  const total = useSlice(stores.dpo, (s) => s.viewsTotal);
  const loading = useSlice(stores.dpo, (s) => s.loadingViews);
  return (
    <Section title={t('dpo.tabs.views')} id="dpo-views" actions={<Downloads log="views" />}>
      <p className="muted">{t('dpo.viewsHelp')}</p>
      <ViewFilters />
      {total !== null ? (
        <p role="status" data-testid="views-total">
          {t('dpo.viewsTotal', { count: total })}
        </p>
      ) : null}
      <VirtualTable
        label={t('dpo.tabs.views')}
        rows={rows}
        rowKey={(r) => r.id}
        total={total ?? undefined}
        empty={loading ? t('common.loading') : t('dpo.noViews')}
        height={480}
        onEndReached={() => void stores.dpo.getState().moreViews()}
        columns={[
          { key: 'at', header: t('dpo.viewedAt'), width: '10rem', render: (r) => f.iso(r.at) },
          { key: 'user', header: t('dpo.user'), width: '8rem', render: (r) => r.user },
          { key: 'camera', header: t('incidents.camera'), width: '11rem', render: (r) => (r.camera ? <span className="ellipsis" title={camLabel(r.camera)}>{camLabel(r.camera)}</span> : '—') },
          { key: 'footage', header: t('dpo.footage'), width: '10rem', render: (r) => t(`dpo.footageKind.${r.kind}`, { id: r.footage }) },
          { key: 'range', header: t('dpo.viewedRange'), width: 'minmax(12rem,2fr)', render: (r) => (r.from ? `${f.iso(r.from)} – ${f.iso(r.to)}` : '—') },
        ]}
      />
    </Section>
  );
}

function Alarms(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.alarms);
  return (
    <Section title={t('dpo.tabs.alarms')} id="dpo-alarms">
      <VirtualTable
        label={t('dpo.tabs.alarms')}
        rows={rows}
        rowKey={(r) => r.id}
        empty={t('overview.noAlarms')}
        rowHeight={52}
        columns={[
          { key: 'raised', header: t('dpo.raised'), width: '10rem', render: (r) => f.iso(r.raised) },
          { key: 'kind', header: t('dpo.kind'), width: '10rem', render: (r) => t(`alarmKinds.${r.kind}`, { defaultValue: r.kind }) },
          { key: 'msg', header: t('dpo.message'), width: 'minmax(12rem,3fr)', render: (r) => <span className="ellipsis" title={f.msg(r.msg, r.message)}>{f.msg(r.msg, r.message)}</span> },
          { key: 'ack', header: t('dpo.acknowledged'), width: '12rem', render: (r) => (r.acknowledged ? `${f.iso(r.acknowledged)} · ${r.acknowledgedBy ?? ''}` : <Badge tone="bad">{t('dpo.open')}</Badge>) },
        ]}
      />
    </Section>
  );
}

function Overdue(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const rows = useSlice(stores.dpo, (s) => s.overdue);
  return (
    <Section title={t('dpo.tabs.overdue')} id="dpo-overdue">
      {rows.length === 0 ? <p className="muted">{t('dpo.noOverdue')}</p> : null}
      <ul className="list">
        {rows.map((i) => (
          <li key={i.ref}>
            {can(session, 'incidents.show') ? (
              <a href={`#/incidents/${i.ref}`} onClick={(e) => {
                e.preventDefault();
                stores.ui.getState().go({ screen: 'incidents', ref: i.ref });
              }}>
                {i.ref}
              </a>
            ) : (
              i.ref
            )}{' '}
            {i.title} — {t('incidents.reviewBy')} {f.isoDate(i.reviewBy)} · {t('dpo.age', { count: i.ageDays })}
          </li>
        ))}
      </ul>
    </Section>
  );
}

const STATUS_TONE: Record<VerdictStatus, 'ok' | 'bad' | 'warn'> = { held: 'ok', 'not-held': 'bad', incomplete: 'warn' };
const FACT_TONE: Record<FactSeverity, 'ok' | 'bad' | 'warn' | 'muted'> = { ok: 'ok', deviation: 'bad', unchecked: 'warn', info: 'muted' };

function Report(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const camLabel = useCameraLabel();
  const duration = useDuration();
  const stores = useStores();
  const report = useSlice(stores.dpo, (s) => s.report);
  const loading = useSlice(stores.dpo, (s) => s.reportLoading);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const reportRef = useRef<HTMLDivElement>(null);
  // The verdicts' words come from the shared catalogue (the same sentences as the PDF report).
  const words = useMemo(() => translator(f.lang), [f.lang]);
  useEffect(() => {
    if (!stores.dpo.getState().report) void stores.dpo.getState().loadReport();
  }, [stores]);
  const run = (e: FormEvent): void => {
    e.preventDefault();
    const p = periodOf(from, to, f.tz);
    void stores.dpo.getState().loadReport(p.fromMs, p.toMs);
  };
  return (
    <Section
      title={t('dpo.tabs.report')}
      id="dpo-report"
      actions={
        <button type="button" className="no-print" onClick={() => printPart(reportRef.current)} disabled={!report}>
          {t('dpo.savePdf')}
        </button>
      }
    >
      <form className="inline-form no-print" onSubmit={run}>
        <PeriodInputs from={from} to={to} setFrom={setFrom} setTo={setTo} />
        <button type="submit">{t('dpo.makeReport')}</button>
      </form>
      {loading ? <Loading text={t('common.loading')} /> : null}
      {report ? (
        <div className="report" data-testid="report" ref={reportRef}>
          <Dl
            items={[
              [t('dpo.period'), `${f.iso(report.period.from)} – ${f.iso(report.period.to)}`],
              [t('dpo.controller'), report.site.controller],
              [t('dpo.dpoContact'), report.site.dpoContact],
              [t('overview.retentionMonths'), t('overview.months', { count: report.retention.months })],
              [t('dpo.horizon'), f.iso(report.retention.horizon)],
              [t('dpo.auditChain'), report.auditChain.ok ? t('dpo.chainOk', { count: report.auditChain.events }) : t('dpo.chainBroken', { id: report.auditChain.firstBroken?.id ?? 0 })],
            ]}
          />
          <h3>{t('dpo.verdicts')}</h3>
          {report.verdicts.map((v) => (
            <div key={v.clause} className="verdict" data-testid={`verdict-${v.clause}`} data-status={v.status}>
              <h4>
                <Badge tone={STATUS_TONE[v.status]}>{v.clause}</Badge> {words(`report:clause.${v.clause}`)} — {words(`report:status.${v.status}`)}
              </h4>
              <ul className="verdicts facts">
                {v.facts.map((x, i) => (
                  <li key={`${x.key}-${i}`} data-severity={x.severity}>
                    <Badge tone={FACT_TONE[x.severity]}>{t(`dpo.severity.${x.severity}`)}</Badge> {words(x.key, x.params)}
                    {x.refs.length > 0 ? <span className="small muted"> [{x.refs.join(', ')}]</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {report.p2.mostLate.length > 0 ? (
            <>
              <h3>{words('report:section.lateList')}</h3>
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">{words('report:col.file')}</th>
                    <th scope="col">{words('report:col.due')}</th>
                    <th scope="col">{words('report:col.deleted')}</th>
                    <th scope="col">{words('report:col.late')}</th>
                    <th scope="col">{words('report:col.cause')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.p2.mostLate.map((d) => (
                    <tr key={d.deletion}>
                      <td className="ellipsis" title={d.path}>#{d.deletion} {d.camera ? camLabel(d.camera) : ''}</td>
                      <td>{f.iso(d.due)}</td>
                      <td>{f.iso(d.deleted)}</td>
                      <td>{duration(d.latenessMs)}</td>
                      <td>{d.causes.map((c) => words(`report:cause.${c.cause}`)).join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          <h3>{t('dpo.deletionsByReason')}</h3>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('dpo.reason')}</th>
                <th scope="col" className="num">{t('dpo.count')}</th>
                <th scope="col" className="num">{t('overview.storage')}</th>
              </tr>
            </thead>
            <tbody>
              {report.deletionsByReason.map((d) => (
                <tr key={d.reason}>
                  <td>{f.msg(deletionReasonMsg(d.reason))}</td>
                  <td className="num">{f.num(d.n)}</td>
                  <td className="num">{f.bytes(d.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('dpo.tabs.handovers')}</h3>
          <p>{t('dpo.handoverCount', { count: report.handovers.length })}</p>
          <h3>{t('incidents.title')}</h3>
          <ul className="small">
            {report.incidents.map((i) => (
              <li key={i.ref}>
                {i.ref} {i.title} · {t(`incidentStatus.${i.status}`)} {i.overdue ? <Badge tone="bad">{t('incidents.overdue')}</Badge> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Section>
  );
}
