/**
 * Facts and verdicts: a verdict is computed from the facts it lists, never written by hand. Any
 * deviation makes it "not held"; otherwise anything that could not be checked makes it
 * "incomplete"; only a verdict whose every fact was checked and fine is "held".
 */
import type { FactParams, FactSeverity, ReportClause, ReportFactView, VerdictView } from '../../common/api/report.js';
import { formatLocal } from '../../common/time.js';

export function fact(key: string, params: FactParams, severity: FactSeverity, refs: readonly string[] = []): ReportFactView {
  return { key: `report:${key}`, params, severity, refs: [...refs] };
}

export function verdictOf(clause: ReportClause, facts: readonly ReportFactView[]): VerdictView {
  const status = facts.some((f) => f.severity === 'deviation') ? 'not-held' : facts.some((f) => f.severity === 'unchecked') ? 'incomplete' : 'held';
  return { clause, status, held: status === 'held', facts: [...facts] };
}

/** A duration as whole days, hours and minutes, for sentences ("9 d 3 h"). */
export function durationParams(ms: number): { days: number; hours: number; minutes: number } {
  const m = Math.max(0, Math.round(ms / 60_000));
  return { days: Math.floor(m / 1440), hours: Math.floor((m % 1440) / 60), minutes: m % 60 };
}

/** A time for a sentence: the site's wall clock to the minute. */
export function wall(ms: number, tz: string): string {
  return formatLocal(ms, tz, 'yyyy-MM-dd HH:mm');
}

/** At most `n` references, then how many more (a fact about 10,000 files names a few). */
export function someRefs(refs: readonly string[], n = 10): string[] {
  return refs.length <= n ? [...refs] : [...refs.slice(0, n), `+${refs.length - n}`];
}
