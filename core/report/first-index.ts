/**
 * The fact P2 needs to tell "went late because Custodian only learnt of it late" from "went late
 * because deletion was paused": which recordings were already overdue when first indexed. The
 * indexer calls this after inserting a camera's new segments; consecutive overdue ids become
 * one row (a cold index of a year of footage writes a few hundred rows, not a million).
 */
import { DueClock } from '../../common/time.js';
import { insertOverdueAtIndex } from '../../db/overdue-at-index.js';
import type { Ctx } from '../context.js';

export interface IndexedSegment {
  readonly endMs: number;
}

/** One due clock per connection while the settings stay (its day cache serves a whole cold index). */
const clocks = new WeakMap<Ctx, DueClock>();

function dueClockOf(ctx: Ctx): DueClock {
  const s = ctx.settings();
  let c = clocks.get(ctx);
  if (!c || c.months !== s.retentionMonths || c.timeZone !== s.siteTimeZone) {
    c = new DueClock(s.retentionMonths, s.siteTimeZone);
    clocks.set(ctx, c);
  }
  return c;
}

export function noteOverdueAtIndex(ctx: Ctx, rootId: number, camera: string, rows: readonly IndexedSegment[], ids: readonly number[]): void {
  const now = ctx.now();
  const due = dueClockOf(ctx);
  let run: { first: number; last: number; n: number; oldest: number; newest: number } | null = null;
  const flush = (): void => {
    if (!run) return;
    insertOverdueAtIndex(ctx.db, { root_id: rootId, camera_id: camera, first_segment_id: run.first, last_segment_id: run.last, segments: run.n, oldest_end_ms: run.oldest, newest_end_ms: run.newest, indexed_ms: now });
    run = null;
  };
  for (let i = 0; i < rows.length; i++) {
    const id = ids[i];
    const end = (rows[i] as IndexedSegment).endMs;
    if (id === undefined) break;
    if (due.dueAt(end) > now) {
      flush();
      continue;
    }
    if (run && id === run.last + 1) {
      run.last = id;
      run.n++;
      run.oldest = Math.min(run.oldest, end);
      run.newest = Math.max(run.newest, end);
    } else {
      flush();
      run = { first: id, last: id, n: 1, oldest: end, newest: end };
    }
  }
  flush();
}
