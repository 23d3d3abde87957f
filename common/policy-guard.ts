/**
 * Which settings the published policy fixes, and when a change breaks it: the administrator's
 * confirmation (the settings screen names the clause) and the compliance report (a fact where a
 * setting deviates, and each change of it in the period) judge with the same functions.
 * Runtime-neutral: the renderer uses it too.
 */
import type { AudienceRules } from './settings.js';

/** POLICY P2: "inspelat material sparas i 2 månader". */
export const POLICY_RETENTION_MONTHS = 2;

export type PolicyClause = 'P2' | 'P4';

export function retentionDeviates(months: number): boolean {
  return months !== POLICY_RETENTION_MONTHS;
}

export type RuleDeviation = 'visitor-for-hr' | 'mixed-unmasked-for-hr';

/**
 * What the policy allows each audience (P4 as the product reads it): HR has no need to see
 * visitors, so HR receiving visitor-only clips (masked or not), or mixed clips unmasked, is a
 * deviation. The Police investigate crimes and receive everything.
 */
export function ruleDeviations(rules: AudienceRules): { audience: 'police' | 'hr'; deviations: RuleDeviation[] }[] {
  const hr: RuleDeviation[] = [];
  if (rules.hr.visitor !== 'exclude') hr.push('visitor-for-hr');
  if (rules.hr.mixed === 'include') hr.push('mixed-unmasked-for-hr');
  return [
    { audience: 'police', deviations: [] },
    { audience: 'hr', deviations: hr },
  ];
}

const STRICTNESS = { exclude: 0, mask: 1, include: 2 } as const;

export interface RuleChange {
  audience: 'police' | 'hr';
  zone: 'staff' | 'visitor' | 'mixed';
  from: 'include' | 'mask' | 'exclude';
  to: 'include' | 'mask' | 'exclude';
  /** The audience receives more of that material than before (less masked, or at all). */
  looser: boolean;
}

/** Every cell of the rules that changed, and whether it gives the audience more than before. */
export function ruleChanges(before: AudienceRules, after: AudienceRules): RuleChange[] {
  const out: RuleChange[] = [];
  for (const audience of ['police', 'hr'] as const) {
    for (const zone of ['staff', 'visitor', 'mixed'] as const) {
      const from = before[audience][zone];
      const to = after[audience][zone];
      if (from !== to) out.push({ audience, zone, from, to, looser: STRICTNESS[to] > STRICTNESS[from] });
    }
  }
  return out;
}

/** Deviations the new rules have that the old did not: what a confirmation must name. */
export function newRuleDeviations(before: AudienceRules, after: AudienceRules): RuleDeviation[] {
  const had = new Set(ruleDeviations(before).flatMap((r) => r.deviations));
  return ruleDeviations(after).flatMap((r) => r.deviations).filter((d) => !had.has(d));
}
