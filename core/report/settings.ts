/**
 * Settings the policy fixes, in the compliance report (issue 15): a fact where a setting deviates
 * from the policy today, and one for each change of it in the period, who made it and when, so
 * an administrator's confirmed change away from the policy is visible to the DPO whatever the
 * setting says by the time the report is read.
 *  - P2: the retention (policy: 2 months).
 *  - P4: the audience rules (what HR and the Police receive of staff, visitor and mixed clips).
 */
import type { ReportFactView } from '../../common/api/report.js';
import { POLICY_RETENTION_MONTHS, newRuleDeviations, retentionDeviates, ruleChanges } from '../../common/policy-guard.js';
import { AudienceRulesSchema } from '../../common/settings.js';
import { auditByAction } from '../../db/audit.js';
import type { Ctx } from '../context.js';
import { fact, wall } from './facts.js';

export function settingFacts(ctx: Ctx, fromMs: number, toMs: number): { p2: ReportFactView[]; p4: ReportFactView[] } {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const p2: ReportFactView[] = [];
  const p4: ReportFactView[] = [];
  if (retentionDeviates(s.retentionMonths)) p2.push(fact('p2.setting.retention', { months: s.retentionMonths, policy: POLICY_RETENTION_MONTHS }, 'deviation', ['retentionMonths']));
  for (const e of auditByAction(ctx.db, 'setting.changed', fromMs, toMs)) {
    const d = JSON.parse(e.details) as { key?: unknown; from?: unknown; to?: unknown };
    const at = wall(e.ts_ms, tz);
    if (d.key === 'retentionMonths' && typeof d.to === 'number') {
      const params = { at, by: e.actor, from: typeof d.from === 'number' ? d.from : '—', to: d.to, policy: POLICY_RETENTION_MONTHS };
      p2.push(fact('p2.setting.changed', params, retentionDeviates(d.to) ? 'deviation' : 'info', [`audit #${e.id}`]));
    }
    if (d.key === 'audienceRules') {
      const before = AudienceRulesSchema.safeParse(d.from);
      const after = AudienceRulesSchema.safeParse(d.to);
      if (!after.success) continue;
      const changes = before.success ? ruleChanges(before.data, after.data) : [];
      const broke = before.success ? newRuleDeviations(before.data, after.data) : [];
      const params = { at, by: e.actor, changes: changes.map((c) => `${c.audience}/${c.zone}: ${c.from} → ${c.to}`).join(', ') || '—', looser: changes.filter((c) => c.looser).length };
      p4.push(fact('p4.setting.changed', params, broke.length > 0 ? 'deviation' : 'info', [`audit #${e.id}`]));
    }
  }
  return { p2, p4 };
}
