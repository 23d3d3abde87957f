/**
 * The logs that name people or places have a stated retention too (POLICY G2): the deletion log
 * and the handover log are pruned of rows older than their setting, and each pruning is
 * audit-logged. Nothing else removes their rows (triggers refuse it).
 */
import { addMonths } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { stmt } from '../db/open.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export function pruneLogs(ctx: Ctx): { deletions: number; handovers: number } {
  const s = ctx.settings();
  const now = ctx.now();
  const before = (months: number): number => addMonths(new TZDate(now, s.siteTimeZone), -months).getTime();
  const deletionsBefore = before(s.deletionLogRetentionMonths);
  const handoversBefore = before(s.handoverLogRetentionMonths);
  return ctx.db.transaction(() => {
    const setHorizon = stmt(ctx.db, 'INSERT INTO log_horizon (log, before_ms) VALUES (?, ?) ON CONFLICT(log) DO UPDATE SET before_ms = excluded.before_ms');
    setHorizon.run('deletions', deletionsBefore);
    setHorizon.run('handovers', handoversBefore);
    const d = stmt(ctx.db, "DELETE FROM deletions WHERE outcome != 'pending' AND deleted_ms < ?").run(deletionsBefore).changes;
    const h = stmt(ctx.db, 'DELETE FROM handovers WHERE handed_ms < ?').run(handoversBefore).changes;
    if (d > 0 || h > 0) {
      audit(ctx, 'log.pruned', { deletions: d, deletionsBefore, deletionLogRetentionMonths: s.deletionLogRetentionMonths, handovers: h, handoversBefore, handoverLogRetentionMonths: s.handoverLogRetentionMonths });
    }
    return { deletions: d, handovers: h };
  }).immediate();
}
