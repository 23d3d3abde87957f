/**
 * The compliance report for the DPO (POLICY P2, P4, P5, P6, P7, P8): for the period asked, what
 * the record says happened and, per clause, a verdict computed from the facts it lists
 * (core/report/: p2 retention, p4 separation, p5 keeping, p7 audio). The core returns codes and
 * facts; the words come from the catalogue (common/i18n/report.ts) in the face that shows them
 * (core/report/render.ts for HTML and PDF, the UI, the command line).
 */
import type { ComplianceReportView } from '../common/api/report.js';
import { formatInstant, retentionCutoff } from '../common/time.js';
import { listAlarms } from '../db/alarms.js';
import { deletionTotalsByReason } from '../db/deletions.js';
import { listIncidents } from '../db/incidents.js';
import { alarmMsg } from './alarms.js';
import { anchorChain } from './anchors.js';
import type { Ctx } from './context.js';
import { verifyRecords } from './records.js';
import { handoverLog } from './handover.js';
import { isOverdue } from './incidents.js';
import { verdictOf } from './report/facts.js';
import { retentionPart } from './report/p2.js';
import { separationPart } from './report/p4.js';
import { keepingPart } from './report/p5.js';
import { audioPart } from './report/p7.js';
import { requestsPart } from './report/g1.js';
import { settingFacts } from './report/settings.js';

export { renderComplianceHtml, writeComplianceReport } from './report/render.js';

/** The shape the API contract names (common/api/report.ts). */
export type ComplianceReport = ComplianceReportView;

const DAY = 86_400_000;

export async function complianceReport(ctx: Ctx, opts: { fromMs?: number; toMs?: number } = {}): Promise<ComplianceReport> {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const now = ctx.now();
  const fromMs = opts.fromMs ?? now - 90 * DAY;
  const toMs = opts.toMs ?? now;
  const iso = (ms: number): string => formatInstant(ms, tz);

  const p2 = retentionPart(ctx, fromMs, toMs);
  const p4 = await separationPart(ctx, fromMs, toMs);
  const p5 = keepingPart(ctx, fromMs, toMs);
  const p7 = await audioPart(ctx, fromMs, toMs);
  const g1 = requestsPart(ctx, fromMs, toMs);
  const policySettings = settingFacts(ctx, fromMs, toMs);

  const incidents = listIncidents(ctx.db)
    .map((i) => ({ ref: i.ref, title: i.title, reason: i.reason, status: i.status, reviewBy: iso(i.review_by_ms), ageDays: Math.floor((now - i.created_ms) / DAY), overdue: isOverdue(i, now) }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue));
  return {
    generated: iso(now),
    period: { from: iso(fromMs), to: iso(toMs), fromMs, toMs },
    site: { controller: s.controller, dpoContact: s.dpoContact, timeZone: tz, language: s.language },
    retention: {
      months: s.retentionMonths,
      sweepIntervalMinutes: s.sweepIntervalMinutes,
      deletionLogRetentionMonths: s.deletionLogRetentionMonths,
      handoverLogRetentionMonths: s.handoverLogRetentionMonths,
      horizon: iso(retentionCutoff(now, s.retentionMonths, tz)),
    },
    verdicts: [verdictOf('P2', [...p2.facts, ...policySettings.p2]), verdictOf('P4', [...p4.facts, ...policySettings.p4]), verdictOf('P5', p5.facts), verdictOf('P7', p7.facts), verdictOf('G1', g1.facts)],
    p2: p2.section,
    p4: p4.section,
    p5: p5.section,
    p7: p7.section,
    g1: g1.section,
    incidents,
    handovers: handoverLog(ctx, fromMs).filter((h) => Date.parse(h.handedOver) <= toMs),
    deletionsByReason: deletionTotalsByReason(ctx.db, fromMs, toMs),
    alarms: listAlarms(ctx.db, fromMs)
      .filter((a) => a.raised_ms <= toMs)
      .map((a) => ({ id: a.id, kind: a.kind, message: a.message, msg: alarmMsg(a), raised: iso(a.raised_ms), acknowledged: a.acked_ms === null ? null : iso(a.acked_ms), acknowledgedBy: a.acked_by })),
    auditChain: chainVerdict(ctx),
    anchor: reportAnchor(ctx),
  };
}

/** The records checked whole, with their anchors (not only the database: issue 11). */
function chainVerdict(ctx: Ctx): ComplianceReportView['auditChain'] {
  const v = verifyRecords(ctx);
  return { ok: v.ok, events: v.records.audit ?? 0, ...(v.firstBroken ? { firstBroken: { id: v.firstBroken.rowId ?? v.firstBroken.seq ?? 0, reason: v.firstBroken.text } } : {}) };
}

/**
 * The report carries the chain's head signed now: a report printed or sent to the DPO is an
 * anchor that has left the machine, so history behind it cannot be rewritten unseen.
 */
function reportAnchor(ctx: Ctx): ComplianceReportView['anchor'] {
  try {
    const a = anchorChain(ctx, 'compliance report');
    return { seq: a.seq, hash: a.hash, signature: a.signature, keyFingerprint: a.keyFingerprint, at: formatInstant(Date.parse(a.at), ctx.settings().siteTimeZone) };
  } catch {
    return null; // the chain does not verify: anchorChain raised the alarm, the report says BROKEN
  }
}
