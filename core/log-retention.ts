/**
 * The logs that name people or places have a stated retention too (POLICY G2): the deletion log
 * and the handover log are pruned of rows older than their setting. Pruning is the only thing
 * that removes their rows, and only behind a horizon that is itself a record: a 'log.horizon'
 * audit event, chained and signed with the site key, then anchored. The triggers read the
 * horizon table; `custodian audit verify` checks that table against the signed events, so a
 * horizon moved by hand is named.
 */
import { addMonths } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { CHAINED_TABLES, horizons, installationOf, pruneLimit, pruneThrough, setHorizon } from '../db/ledger.js';
import { anchorChain, signText, type Anchor } from './anchors.js';
import { audit } from './audit.js';
import { horizonStatement } from './chain.js';
import type { Ctx } from './context.js';

const LOGS = [
  { log: 'deletions', table: 'deletions', time: 'deleted_ms', setting: 'deletionLogRetentionMonths' },
  { log: 'handovers', table: 'handovers', time: 'handed_ms', setting: 'handoverLogRetentionMonths' },
] as const;

export function pruneLogs(ctx: Ctx): { deletions: number; handovers: number; anchor: Anchor | null } {
  const s = ctx.settings();
  const now = ctx.now();
  const before = (months: number): number => addMonths(new TZDate(now, s.siteTimeZone), -months).getTime();
  const installation = installationOf(ctx.db).uuid;
  const counts = ctx.db.transaction(() => {
    const current = new Map(horizons(ctx.db).map((h) => [h.log, h.through_id ?? 0]));
    const out = { deletions: 0, handovers: 0 };
    const details: Record<string, unknown> = {};
    for (const l of LOGS) {
      const beforeMs = before(s[l.setting]);
      const throughId = pruneLimit(ctx.db, l.table, l.time, beforeMs);
      if (throughId <= (current.get(l.log) ?? 0)) continue;
      const h = { log: l.log, throughId, beforeMs, atMs: now };
      const signed = signText(ctx, horizonStatement(installation, h));
      audit(ctx, 'log.horizon', { ...h, retentionMonths: s[l.setting], ...signed });
      setHorizon(ctx.db, l.log, beforeMs, throughId);
      for (const t of CHAINED_TABLES.filter((c) => c.horizon === l.log)) {
        const n = pruneThrough(ctx.db, t.table, throughId);
        if (t.table === l.table) out[l.log] = n;
      }
      details[`${l.log}Before`] = beforeMs;
      details[l.setting] = s[l.setting];
    }
    if (out.deletions > 0 || out.handovers > 0) audit(ctx, 'log.pruned', { deletions: out.deletions, handovers: out.handovers, ...details });
    return out;
  }).immediate();
  if (counts.deletions === 0 && counts.handovers === 0) return { ...counts, anchor: null };
  // The horizon is signed in its event already; the anchor puts the pruned chain's head outside the database too.
  let anchor: Anchor | null = null;
  try {
    anchor = anchorChain(ctx, 'log-pruned');
  } catch {
    // anchorChain raised an alarm saying why; the pruning stands, signed in its own event.
  }
  return { ...counts, anchor };
}
