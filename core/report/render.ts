/**
 * The compliance report as a person reads it: HTML or PDF (native/pdf.ts), every sentence from
 * the catalogue (namespace "report") in the site's language unless another is asked for. JSON is
 * the report itself: codes, parameters and references, for programs.
 */
import { documentHead } from '../../common/api/http.js';
import { writeFileSync } from 'node:fs';
import type { ComplianceReportView, ReportFactView, VerdictView } from '../../common/api/report.js';
import { hasKey, translator, type Language } from '../../common/i18n/catalog.js';
import { formatIso } from '../../common/i18n/dates.js';
import { actorMsg, deletionReasonMsg, organisationMsg, storedMsg, textMsg } from '../../common/i18n/words.js';
import { renderPdf, type PdfDoc, type PdfSection } from '../../native/pdf.js';
import { durationParams } from './facts.js';

type T = ReturnType<typeof translator>;

/** A fact in words, with what it is about. */
export function factText(t: T, f: ReportFactView): string {
  return t(f.key, f.params);
}

export function verdictText(t: T, v: VerdictView): string {
  return `${t(`report:clause.${v.clause}`)}: ${t(`report:status.${v.status}`)}`;
}

const MARK: Record<ReportFactView['severity'], string> = { ok: '✓', deviation: '✗', unchecked: '?', info: '·' };

function reportDoc(r: ComplianceReportView, lang: Language): PdfDoc {
  const t = translator(lang);
  const late = (ms: number | null): string => (ms === null ? '—' : t('report:lateness', durationParams(ms)));
  // Times the reader's way ("2 dec. 2026 15:10"); codes of the record in words.
  const when = (iso: string | null | undefined): string => (iso ? formatIso(iso, lang) : '—');
  const code = (key: string, raw: string): string => (hasKey(key) ? t(key) : raw);
  const sections: PdfSection[] = [
    {
      heading: t('report:verdicts'),
      table: { columns: [t('report:clause'), t('report:verdict')], rows: r.verdicts.map((v) => [t(`report:clause.${v.clause}`), t(`report:status.${v.status}`)]) },
    },
    ...r.verdicts.map((v) => ({
      heading: verdictText(t, v),
      paragraphs: v.facts.map((f) => `${MARK[f.severity]} ${factText(t, f)}${f.refs.length > 0 ? ` [${f.refs.join(', ')}]` : ''}`),
    })),
    {
      heading: t('report:section.retention'),
      paragraphs: [
        t('report:retention', { months: r.retention.months, interval: r.retention.sweepIntervalMinutes, horizon: r.retention.horizon, deletionLog: r.retention.deletionLogRetentionMonths, handoverLog: r.retention.handoverLogRetentionMonths }),
      ],
      table: {
        columns: [t('report:col.root'), t('report:col.oldest'), t('report:col.due'), t('report:col.ok')],
        rows: r.p2.today.map((x) => [x.path, when(x.oldestUnheldEnd), when(x.due), x.ok ? t('report:yes') : t('report:no')]),
      },
    },
    {
      heading: t('report:section.lateList'),
      table: {
        columns: [t('report:col.file'), t('report:col.due'), t('report:col.deleted'), t('report:col.late'), t('report:col.cause')],
        rows: r.p2.mostLate.map((d) => [`#${d.deletion} ${d.path}`, when(d.due), when(d.deleted), late(d.latenessMs), d.causes.map((c) => `${t(`report:cause.${c.cause}`)}${c.ref ? ` (${c.ref})` : ''}`).join('; ')]),
      },
    },
    {
      heading: t('report:section.incidents'),
      table: {
        columns: [t('report:col.incident'), t('report:col.reason'), t('report:col.status'), t('report:col.reviewBy')],
        rows: r.incidents.map((i) => [`${i.ref} ${i.title}`, code(`evidence:reason-${i.reason}`, i.reason), code(`incident:status-${i.status}`, i.status), `${when(i.reviewBy)}${i.overdue ? ' !' : ''}`]),
      },
    },
    {
      heading: t('report:section.handovers'),
      table: {
        columns: [t('report:col.incident'), t('report:col.to'), t('report:col.recipient'), t('report:col.reference'), t('report:col.when')],
        rows: r.handovers.map((h) => [h.incident, t(organisationMsg(h.organisation)), h.recipient, h.reference, when(h.handedOver)]),
      },
    },
    {
      heading: t('report:section.deletionsByReason'),
      table: { columns: [t('report:col.reason'), t('report:col.count'), t('report:col.bytes')], rows: r.deletionsByReason.map((d) => [t(deletionReasonMsg(d.reason)), String(d.n), String(d.bytes ?? '')]) },
    },
    {
      heading: t('report:section.alarms'),
      table: {
        columns: ['#', t('report:col.kind'), t('report:col.message'), t('report:col.acknowledged')],
        rows: r.alarms.map((a) => [String(a.id), code(`ui:alarmKinds.${a.kind}`, a.kind), t(storedMsg(a.msg, a.message) ?? textMsg(a.message)), a.acknowledged ? `${when(a.acknowledged)} ${t(actorMsg(a.acknowledgedBy ?? ''))}` : '—']),
      },
    },
    {
      heading: t('report:section.audit'),
      paragraphs: [
        r.auditChain.ok ? t('report:chainOk', { events: r.auditChain.events }) : t('report:chainBroken', { id: r.auditChain.firstBroken?.id ?? 0, reason: r.auditChain.firstBroken?.reason ?? '' }),
        ...(r.anchor ? [t('report:anchor', { seq: r.anchor.seq, hash: r.anchor.hash, signature: r.anchor.signature, fingerprint: r.anchor.keyFingerprint, at: r.anchor.at })] : []),
      ],
    },
  ];
  return {
    title: t('report:title'),
    subtitle: `${r.site.controller} · ${t('report:period', { from: r.period.from, to: r.period.to })} · ${t('report:generated', { at: r.generated })}`,
    footer: t('report:dpo', { contact: r.site.dpoContact }),
    sections,
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderComplianceHtml(r: ComplianceReportView, lang: Language = r.site.language): string {
  const doc = reportDoc(r, lang);
  const section = (s: PdfSection): string =>
    `<h2>${esc(s.heading)}</h2>${(s.paragraphs ?? []).map((p) => `<p>${esc(p)}</p>`).join('')}${s.table ? `<table><tr>${s.table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${s.table.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>` : ''}`;
  return `<!doctype html><html lang="${lang}"><head>${documentHead(doc.title)}</head><body><h1>${esc(doc.title)}</h1><p>${esc(doc.subtitle ?? '')}</p>${doc.sections.map(section).join('')}<p>${esc(doc.footer ?? '')}</p></body></html>\n`;
}

export async function writeComplianceReport(r: ComplianceReportView, format: 'html' | 'pdf' | 'json', out: string, lang: Language = r.site.language): Promise<void> {
  if (format === 'json') writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
  else if (format === 'html') writeFileSync(out, renderComplianceHtml(r, lang));
  else await renderPdf(reportDoc(r, lang), out);
}
