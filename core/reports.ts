/**
 * The compliance report for the DPO (POLICY P2, P4, P5, P6, P7, P8): what the product did in a
 * period and, in words, whether each promise held and where not, why.
 */
import { writeFileSync } from 'node:fs';
import { documentHead } from '../common/api/http.js';
import { formatInstant, retentionCutoff } from '../common/time.js';
import { listAlarms } from '../db/alarms.js';
import { listCameras } from '../db/cameras.js';
import { countDeletionsByReason } from '../db/deletions.js';
import { HELD_SQL } from '../db/holds.js';
import { clipsOf, listIncidents } from '../db/incidents.js';
import { stmt } from '../db/open.js';
import { listRoots } from '../db/roots.js';
import { renderPdf, type PdfDoc } from '../native/pdf.js';
import { verifyAuditChain } from './audit.js';
import type { Ctx } from './context.js';
import { handoverLog } from './handover.js';
import { isOverdue } from './incidents.js';

export interface Verdict {
  clause: 'P2' | 'P4' | 'P5' | 'P7';
  held: boolean;
  words: string;
}

export function complianceReport(ctx: Ctx, opts: { fromMs?: number; toMs?: number } = {}) {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const now = ctx.now();
  const fromMs = opts.fromMs ?? now - 90 * 86_400_000;
  const toMs = opts.toMs ?? now;
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  const cutoff = retentionCutoff(now, s.retentionMonths, tz);
  const allowedOldestEnd = cutoff - s.sweepIntervalMinutes * 60_000;

  const roots = listRoots(ctx.db).map((r) => {
    const oldest = stmt(ctx.db, `SELECT MIN(end_ms) AS m FROM segments s WHERE root_id = ? AND state = 'present' AND NOT ${HELD_SQL}`).get(r.id) as { m: number | null };
    const ok = oldest.m === null || oldest.m >= allowedOldestEnd;
    return { id: r.id, path: r.path, online: r.online === 1, oldestUnheldEnd: iso(oldest.m), withinPeriod: ok };
  });
  const incidents = listIncidents(ctx.db)
    .map((i) => ({ ref: i.ref, title: i.title, reason: i.reason, status: i.status, reviewBy: iso(i.review_by_ms), ageDays: Math.floor((now - i.created_ms) / 86_400_000), overdue: isOverdue(i, now), clips: clipsOf(ctx.db, i.id) }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue));
  const handovers = handoverLog(ctx, fromMs).filter((h) => Date.parse(h.handedOver) <= toMs);
  const deletions = countDeletionsByReason(ctx.db, fromMs);
  const alarms = listAlarms(ctx.db, fromMs).map((a) => ({ id: a.id, kind: a.kind, message: a.message, raised: iso(a.raised_ms), acknowledged: iso(a.acked_ms), acknowledgedBy: a.acked_by }));
  const audioSegments = (stmt(ctx.db, 'SELECT camera_id, COUNT(*) AS n FROM segments WHERE has_audio = 1 GROUP BY camera_id').all() as { camera_id: string; n: number }[]);
  const audioClips = incidents.flatMap((i) => i.clips.filter((c) => c.source_had_audio === 1).map((c) => ({ incident: i.ref, camera: c.camera_id })));
  const chain = verifyAuditChain(ctx.db);
  const unclassified = listCameras(ctx.db).filter((c) => c.classified === 0).map((c) => c.id);

  const verdicts: Verdict[] = [];
  const late = roots.filter((r) => !r.withinPeriod);
  verdicts.push({
    clause: 'P2',
    held: late.length === 0,
    words: late.length === 0
      ? `Held: no unheld recording is older than ${s.retentionMonths} months plus one sweep interval (${s.sweepIntervalMinutes} min) on any root.`
      : `Not held: ${late.map((r) => `${r.path} still has unheld recordings ending ${r.oldestUnheldEnd}`).join('; ')}. Check the alarms (a paused sweep, an offline root) and the service.`,
  });
  const misfiled = incidents.flatMap((i) => i.clips.filter((c) => (c.status === 'complete') && !c.rel_path.includes(`/${c.subjects}/`)).map((c) => `${i.ref} clip ${c.id}`));
  verdicts.push({
    clause: 'P4',
    held: misfiled.length === 0 && unclassified.length === 0,
    words: misfiled.length === 0 && unclassified.length === 0
      ? 'Held: every archived clip is classified staff, visitor or mixed and stored in its own folder; every camera has a zone; exports follow the audience rules.'
      : `Not fully held: ${unclassified.length ? `cameras without a zone: ${unclassified.join(', ')}` : ''}${misfiled.length ? ` clips outside their folder: ${misfiled.join(', ')}` : ''}.`,
  });
  const overdue = incidents.filter((i) => i.overdue);
  const undeleted = incidents.filter((i) => i.status === 'handed-over');
  verdicts.push({
    clause: 'P5',
    held: overdue.length === 0 && undeleted.length === 0,
    words: overdue.length === 0 && undeleted.length === 0
      ? 'Held: no incident is past its review date, and the material of every handed-over incident was deleted.'
      : `Not held: ${overdue.length ? `overdue for review: ${overdue.map((i) => i.ref).join(', ')}. ` : ''}${undeleted.length ? `handed over but not yet deleted: ${undeleted.map((i) => i.ref).join(', ')}.` : ''}`,
  });
  verdicts.push({
    clause: 'P7',
    held: audioSegments.length === 0 && audioClips.length === 0,
    words: audioSegments.length === 0 && audioClips.length === 0
      ? 'Held: no recording with sound was found, and no export ever carries audio.'
      : `Deviation: cameras recorded sound (${audioSegments.map((a) => `${a.camera_id}: ${a.n} segments`).join(', ')}${audioClips.length ? `; incidents ${[...new Set(audioClips.map((c) => c.incident))].join(', ')}` : ''}). Exports carried no audio; the microphones must be turned off.`,
  });

  return {
    generated: iso(now),
    period: { from: iso(fromMs), to: iso(toMs) },
    site: { controller: s.controller, dpoContact: s.dpoContact, timeZone: tz },
    retention: { months: s.retentionMonths, sweepIntervalMinutes: s.sweepIntervalMinutes, deletionLogRetentionMonths: s.deletionLogRetentionMonths, handoverLogRetentionMonths: s.handoverLogRetentionMonths, horizon: iso(cutoff) },
    roots,
    incidents: incidents.map(({ clips: _c, ...rest }) => rest),
    handovers,
    deletionsByReason: deletions,
    alarms,
    audio: { segments: audioSegments, clips: audioClips },
    auditChain: chain,
    verdicts,
  };
}

export type ComplianceReport = ReturnType<typeof complianceReport>;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function pdfDoc(r: ComplianceReport): PdfDoc {
  return {
    title: 'Efterlevnadsrapport — kamerabevakning / Compliance report',
    subtitle: `${r.site.controller} · ${r.period.from} – ${r.period.to}`,
    footer: `Dataskyddsombud: ${r.site.dpoContact}`,
    sections: [
      { heading: 'Slutsatser / Verdicts', table: { columns: ['', 'Höll / Held', ''], rows: r.verdicts.map((v) => [v.clause, v.held ? 'ja / yes' : 'NEJ / NO', v.words]) } },
      { heading: 'Lagring / Retention', paragraphs: [`${r.retention.months} månader; svep var ${r.retention.sweepIntervalMinutes} min; raderas från ${r.retention.horizon}. Raderingsloggen sparas ${r.retention.deletionLogRetentionMonths} månader, överlämningsloggen ${r.retention.handoverLogRetentionMonths} månader.`], table: { columns: ['Rot / Root', 'Online', 'Äldsta ej spärrade / Oldest unheld', 'Inom perioden'], rows: r.roots.map((x) => [x.path, x.online ? 'ja' : 'NEJ', x.oldestUnheldEnd ?? '—', x.withinPeriod ? 'ja' : 'NEJ']) } },
      { heading: 'Ärenden / Incidents', table: { columns: ['Ärende', 'Skäl', 'Status', 'Granskas', 'Ålder (d)'], rows: r.incidents.map((i) => [i.ref, i.reason, i.status, `${i.reviewBy ?? ''}${i.overdue ? ' FÖRSENAD' : ''}`, String(i.ageDays)]) } },
      { heading: 'Överlämningar / Handovers', table: { columns: ['Ärende', 'Till', 'Mottagare', 'Referens', 'När'], rows: r.handovers.map((h) => [h.incident, h.organisation, h.recipient, h.reference, h.handedOver]) } },
      { heading: 'Raderingar per skäl / Deletions by reason', table: { columns: ['Skäl / Reason', 'Antal', 'Byte'], rows: r.deletionsByReason.map((d) => [d.reason, String(d.n), String(d.bytes ?? '')]) } },
      { heading: 'Larm / Alarms', table: { columns: ['#', 'Typ', 'Meddelande', 'Kvitterat'], rows: r.alarms.map((a) => [String(a.id), a.kind, a.message, a.acknowledged ? `${a.acknowledged} ${a.acknowledgedBy ?? ''}` : '—']) } },
      { heading: 'Granskningsloggen / Audit log', paragraphs: [r.auditChain.ok ? `Hel: ${r.auditChain.events} händelser, varje länkad till den före.` : `BRUTEN: ${r.auditChain.firstBroken?.reason ?? ''}`] },
    ],
  };
}

export function renderComplianceHtml(r: ComplianceReport): string {
  const doc = pdfDoc(r);
  const section = (s: PdfDoc['sections'][number]): string =>
    `<h2>${esc(s.heading)}</h2>${(s.paragraphs ?? []).map((p) => `<p>${esc(p)}</p>`).join('')}${s.table ? `<table><tr>${s.table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${s.table.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>` : ''}`;
  return `<!doctype html><html lang="sv"><head>${documentHead(doc.title)}</head><body><h1>${esc(doc.title)}</h1><p>${esc(doc.subtitle ?? '')}</p>${doc.sections.map(section).join('')}<p>${esc(doc.footer ?? '')}</p></body></html>\n`;
}

export async function writeComplianceReport(r: ComplianceReport, format: 'html' | 'pdf' | 'json', out: string): Promise<void> {
  if (format === 'json') writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
  else if (format === 'html') writeFileSync(out, renderComplianceHtml(r));
  else await renderPdf(pdfDoc(r), out);
}
