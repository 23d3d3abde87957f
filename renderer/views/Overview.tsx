/**
 * Overview: is retention running and what will it do next. Roots online/offline, storage,
 * each camera's oldest and newest recording, the retention horizon ("raderas från"), the next
 * deletions, open incidents by review date, alarms (the admin acknowledges), and the chart of
 * stored hours per camera per day.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { textMsg } from '../../common/i18n/words.js';
import { StoredHoursChart } from '../components/StoredHoursChart.js';
import { Badge, Dl, ErrorText, Loading, Section } from '../components/ui.js';
import { errorText, isoMs } from '../lib/api.js';
import { fmt } from '../lib/format.js';
import { useCameraLabel, useFormat } from '../lib/hooks.js';
import { useSlice, useStores } from '../stores/context.js';
import { CHART_AUTO_MAX_SEGMENTS } from '../stores/overview.js';
import { can } from '../stores/session.js';

export function Overview(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const o = useSlice(stores.overview, (s) => s);
  const camLabel = useCameraLabel();
  useEffect(() => {
    if (!session) return;
    void stores.overview.getState().load(new Set(session.operations)).then(() => {
      const st = stores.overview.getState().status;
      if (st && st.segments <= CHART_AUTO_MAX_SEGMENTS && !stores.overview.getState().chart) void stores.overview.getState().loadChart();
    });
    const timer = setInterval(() => void stores.overview.getState().load(new Set(session.operations)), 30_000);
    return () => clearInterval(timer);
  }, [session, stores]);

  if (!o.status) return o.error ? <ErrorText text={o.error} /> : <Loading text={t('common.loading')} />;
  const st = o.status;
  const totalBytes = st.cameras.reduce((a, c) => a + (c.bytes ?? 0), 0);
  const offline = st.roots.filter((r) => !r.online).length;
  const canAck = can(session, 'alarms.ack');
  const openInc = can(session, 'incidents.show');
  return (
    <div className="screen overview">
      <h1>{t('overview.title')}</h1>
      <div className="grid-2">
        <Section title={t('overview.retention')} id="ov-retention">
          <p className="horizon" data-testid="horizon">
            {t('overview.horizon', { when: f.iso(st.retentionHorizon) })}
          </p>
          <Dl
            items={[
              [t('overview.retentionMonths'), t('overview.months', { count: st.retentionMonths })],
              [t('overview.nextDeletion'), st.nextDeletion ? f.iso(st.nextDeletion) : t('overview.nothingDue')],
              [t('overview.pendingDeletions'), f.num(st.pendingDeletions)],
              [t('overview.segments'), f.num(st.segments)],
              [t('overview.storage'), f.bytes(totalBytes)],
              [t('overview.timeZone'), st.siteTimeZone],
            ]}
          />
          {st.audioSegments > 0 ? <p className="warn">{t('overview.audio', { count: st.audioSegments })}</p> : null}
        </Section>
        <Section title={t('overview.alarms')} id="ov-alarms">
          {o.alarms.length === 0 ? <p className="muted">{t('overview.noAlarms')}</p> : null}
          {o.alarms.length > 0 ? (
            <div className="alarms-scroll" tabIndex={0} role="region" aria-label={t('overview.alarms')}>
              <ul className="alarms">
                {o.alarms.map((a) => (
                  <AlarmItem key={a.id} id={a.id} kind={a.kind} message={f.msg(a.msg, a.message)} raised={f.iso(a.raised)} ended={a.conditionEnded} canAck={canAck} />
                ))}
              </ul>
            </div>
          ) : null}
        </Section>
      </div>

      <Section title={t('overview.cameras')} id="ov-cameras">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('overview.camera')}</th>
              <th scope="col">{t('overview.zone')}</th>
              <th scope="col">{t('overview.oldest')}</th>
              <th scope="col">{t('overview.newest')}</th>
              <th scope="col" className="num">{t('overview.segments')}</th>
              <th scope="col" className="num">{t('overview.storage')}</th>
            </tr>
          </thead>
          <tbody>
            {st.cameras.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name ?? c.id}</th>
                <td>
                  {t(`zones.${c.zone as 'staff' | 'visitor' | 'mixed'}`)}
                  {c.classified ? null : <Badge tone="warn">{t('overview.unclassified')}</Badge>}
                </td>
                <td>{f.iso(c.oldest)}</td>
                <td>{f.iso(c.newest)}</td>
                <td className="num">{f.num(c.segments)}</td>
                <td className="num">{f.bytes(c.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <div className="grid-2">
        <Section title={t('overview.roots')} id="ov-roots" actions={offline > 0 ? <Badge tone="bad">{t('overview.offlineCount', { count: offline })}</Badge> : <Badge tone="ok">{t('overview.allOnline')}</Badge>}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('overview.root')}</th>
                <th scope="col">{t('overview.state')}</th>
                <th scope="col" className="num">{t('overview.segments')}</th>
                <th scope="col">{t('overview.lastScan')}</th>
              </tr>
            </thead>
            <tbody>
              {st.roots.map((r) => (
                <tr key={r.id}>
                  <td className="path">{r.path}</td>
                  <td>{r.online ? <Badge tone="ok">{t('overview.online')}</Badge> : <Badge tone="bad">{t('overview.offline')}</Badge>}{r.offlineReason ? <div className="small">{f.msg(textMsg(r.offlineReason))}</div> : null}</td>
                  <td className="num">{f.num(r.segments)}</td>
                  <td>{f.iso(r.lastScan)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title={t('overview.nextDeletions')} id="ov-next">
          {o.preview ? (
            <>
              <p>
                {o.preview.refused ? <Badge tone="bad">{t('overview.sweepPaused')}</Badge> : null}{' '}
                {t('overview.dueNow', { due: o.preview.due, held: o.preview.held })}
              </p>
              {o.preview.refused ? <p className="warn">{o.preview.refused}</p> : null}
              {o.preview.wouldDelete.length === 0 ? (
                <p className="muted">{o.preview.nextDue ? t('overview.nextDueAt', { when: f.iso(o.preview.nextDue) }) : t('overview.nothingDue')}</p>
              ) : (
                <table className="table compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('overview.camera')}</th>
                      <th scope="col">{t('overview.recorded')}</th>
                      <th scope="col">{t('overview.dueAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.preview.wouldDelete.slice(0, 8).map((d) => (
                      <tr key={`${d.root}:${d.path}`}>
                        <td>{camLabel(d.camera)}</td>
                        <td>{f.iso(d.start)}</td>
                        <td>{f.iso(d.dueAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : (
            <p className="muted">{st.nextDeletion ? t('overview.nextDueAt', { when: f.iso(st.nextDeletion) }) : t('overview.nothingDue')}</p>
          )}
        </Section>
        {can(session, 'incidents.list') ? (
          <Section title={t('overview.openIncidents')} id="ov-incidents">
            {o.incidents.length === 0 ? (
              <p className="muted">{t('overview.noOpenIncidents')}</p>
            ) : (
              <ul className="list">
                {o.incidents.slice(0, 10).map((i) => (
                  <li key={i.ref}>
                    {openInc ? (
                      <a href={`#/incidents/${i.ref}`} onClick={(e) => {
                        e.preventDefault();
                        stores.ui.getState().go({ screen: 'incidents', ref: i.ref });
                      }}>
                        {i.ref}
                      </a>
                    ) : (
                      i.ref
                    )}{' '}
                    {i.title} — {t('incidents.reviewBy')} {f.isoDate(i.reviewBy)} {i.overdue ? <Badge tone="bad">{t('incidents.overdue')}</Badge> : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        ) : null}
      </div>


      <Section title={t('overview.chart')} id="ov-chart">
        {o.chart ? (
          <StoredHoursChart
            series={o.chart}
            days={o.chartDays}
            horizonMs={isoMs(st.retentionHorizon)}
            dayLabel={(ms) => fmt(ms, st.siteTimeZone, f.lang, 'd/M')}
            labels={{
              title: t('chart.table'),
              hours: t('chart.hours'),
              held: t('chart.held'),
              horizon: t('chart.horizon'),
              day: t('chart.day'),
              camera: t('overview.camera'),
              summary: (cameras, days) => t('chart.summary', { cameras, days }),
            }}
          />
        ) : o.chartError ? (
          <ErrorText text={o.chartError} />
        ) : o.chartLoading || st.segments <= CHART_AUTO_MAX_SEGMENTS ? (
          <Loading text={t('chart.loading')} />
        ) : (
          <div>
            <p className="muted">{t('chart.large', { count: st.segments })}</p>
            <button type="button" onClick={() => void stores.overview.getState().loadChart()}>
              {t('chart.count')}
            </button>
          </div>
        )}
      </Section>
    </div>
  );
}

function AlarmItem({ id, kind, message, raised, ended, canAck }: { id: number; kind: string; message: string; raised: string; ended: boolean; canAck: boolean }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [note, setNote] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const ack = async (): Promise<void> => {
    try {
      await stores.overview.getState().ack(id, note.trim() || undefined);
      stores.ui.getState().notify('info', t('overview.acked', { id }));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <li className="alarm">
      <div>
        <Badge tone={ended ? 'muted' : 'bad'}>{t(`alarmKinds.${kind}`, { defaultValue: kind })}</Badge> <span className="small muted">{raised}</span>
        {ended ? <span className="small muted"> · {t('overview.conditionEnded')}</span> : null}
      </div>
      <p>{message}</p>
      {canAck ? (
        <div className="inline-form">
          <label>
            {t('overview.ackNote')}
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="button" onClick={() => void ack()}>
            {t('overview.ack')}
          </button>
        </div>
      ) : null}
      <ErrorText text={err} />
    </li>
  );
}
