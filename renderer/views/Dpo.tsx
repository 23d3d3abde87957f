/**
 * The data protection officer's screen (POLICY P5, P6): the handover log, the deletion log, the
 * alarms' history, overdue incidents and the compliance report (view, save as PDF through the
 * print dialog). Read-only: there is nothing here to change.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, Dl, ErrorText, Loading, Section } from '../components/ui.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { fromLocalInput } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { printPart } from '../lib/print.js';
import { useSlice, useStores } from '../stores/context.js';
import { can } from '../stores/session.js';

type Tab = 'handovers' | 'deletions' | 'alarms' | 'overdue' | 'report';
const TABS: readonly Tab[] = ['handovers', 'deletions', 'alarms', 'overdue', 'report'];

export function Dpo(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [tab, setTab] = useState<Tab>('handovers');
  const error = useSlice(stores.dpo, (s) => s.error);
  useEffect(() => {
    void stores.dpo.getState().load();
  }, [stores]);
  return (
    <div className="screen dpo">
      <h1>{t('dpo.title')}</h1>
      <p className="muted">{t('dpo.readOnly')}</p>
      <div className="tabs" role="tablist" aria-label={t('dpo.title')}>
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" id={`tab-${x}`} aria-selected={tab === x} aria-controls={`panel-${x}`} tabIndex={tab === x ? 0 : -1} onClick={() => setTab(x)} onKeyDown={(e) => {
            const i = TABS.indexOf(x);
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length] as Tab;
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
        {tab === 'alarms' ? <Alarms /> : null}
        {tab === 'overdue' ? <Overdue /> : null}
        {tab === 'report' ? <Report /> : null}
      </div>
    </div>
  );
}

function Handovers(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.handovers);
  return (
    <Section title={t('dpo.tabs.handovers')} id="dpo-handovers">
      <VirtualTable
        label={t('dpo.tabs.handovers')}
        rows={rows}
        rowKey={(r) => r.id}
        empty={t('dpo.noHandovers')}
        rowHeight={44}
        columns={[
          { key: 'when', header: t('handover.when'), width: '10rem', render: (r) => f.iso(r.handedOver) },
          { key: 'inc', header: t('incidents.ref'), width: '8.5rem', render: (r) => r.incident },
          { key: 'to', header: t('handover.to'), width: 'minmax(8rem,1fr)', render: (r) => r.organisation },
          { key: 'recipient', header: t('handover.recipient'), width: 'minmax(8rem,1fr)', render: (r) => r.recipient },
          { key: 'ref', header: t('handover.reference'), width: '9rem', render: (r) => r.reference },
          { key: 'by', header: t('handover.recordedBy'), width: '7rem', render: (r) => r.recordedBy },
          { key: 'sha', header: t('exports.manifest'), width: '9rem', render: (r) => <code title={r.manifestSha256}>{r.manifestSha256.slice(0, 12)}…</code> },
        ]}
      />
    </Section>
  );
}

function Deletions(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const rows = useSlice(stores.dpo, (s) => s.deletions);
  const done = useSlice(stores.dpo, (s) => s.deletionsDone);
  const loading = useSlice(stores.dpo, (s) => s.loadingDeletions);
  return (
    <Section title={t('dpo.tabs.deletions')} id="dpo-deletions" actions={<span className="small muted">{t('dpo.rowsLoaded', { count: rows.length })}{done ? '' : ' …'}</span>}>
      <VirtualTable
        label={t('dpo.tabs.deletions')}
        rows={rows}
        rowKey={(r) => r.id}
        empty={loading ? t('common.loading') : t('dpo.noDeletions')}
        height={520}
        onEndReached={() => void stores.dpo.getState().moreDeletions()}
        columns={[
          { key: 'deleted', header: t('dpo.deleted'), width: '10rem', render: (r) => f.iso(r.deleted) },
          { key: 'kind', header: t('dpo.kind'), width: '7rem', render: (r) => t(`deletionKinds.${r.kind}`, { defaultValue: r.kind }) },
          { key: 'camera', header: t('incidents.camera'), width: '8rem', render: (r) => r.camera ?? '—' },
          { key: 'recorded', header: t('overview.recorded'), width: '10rem', render: (r) => f.iso(r.recordedFrom) },
          { key: 'reason', header: t('dpo.reason'), width: 'minmax(10rem,2fr)', render: (r) => <span className="ellipsis" title={r.reason}>{r.incident ? `${r.incident}: ` : ''}{r.reason}</span> },
          { key: 'outcome', header: t('dpo.outcome'), width: '7rem', render: (r) => r.outcome },
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
          { key: 'msg', header: t('dpo.message'), width: 'minmax(12rem,3fr)', render: (r) => <span className="ellipsis" title={r.message}>{r.message}</span> },
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

function Report(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const report = useSlice(stores.dpo, (s) => s.report);
  const loading = useSlice(stores.dpo, (s) => s.reportLoading);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const reportRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!stores.dpo.getState().report) void stores.dpo.getState().loadReport();
  }, [stores]);
  const run = (): void => {
    const a = from ? fromLocalInput(from, f.tz) : undefined;
    const b = to ? fromLocalInput(to, f.tz) : undefined;
    void stores.dpo.getState().loadReport(a, b);
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
      <div className="inline-form no-print">
        <label>
          {t('dpo.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('dpo.to')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="button" onClick={run}>
          {t('dpo.makeReport')}
        </button>
      </div>
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
          <ul className="verdicts">
            {report.verdicts.map((v) => (
              <li key={v.clause}>
                <Badge tone={v.held ? 'ok' : 'bad'}>{v.clause}</Badge> {v.held ? t('dpo.held') : t('dpo.notHeld')} — {v.words}
              </li>
            ))}
          </ul>
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
                  <td>{d.reason}</td>
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
