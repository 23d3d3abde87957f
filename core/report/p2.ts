/**
 * P2 for a period: "recorded material is kept 2 months, then deleted". Every recording deleted in
 * the period is held against its due time (after holds, core/report/lateness.ts); one deleted
 * more than a sweep interval after it is late, and any late deletion means P2 did not hold in
 * that period, whatever today looks like. Each late deletion is explained from the record:
 *  - overdue at first index: Custodian only learnt of it after it was due (overdue_at_index);
 *  - offline: its root was offline (root-offline alarms, root.online audit events);
 *  - alarm: a blocking alarm paused deletion until a person acknowledged it;
 *  - deferred: the file could not be deleted then (delete-failed) and was retried;
 *  - no sweep: no sweep ran for longer than an interval (the service was not running);
 *  - unexplained: none of these is on record.
 * Today's part: the oldest recording no hold keeps, per root, against its due time.
 */
import type { LateCause, LateDeletionView, ReportFactView, RetentionSection } from '../../common/api/report.js';
import { BLOCKING_ALARMS, type AlarmKind } from '../../common/domain.js';
import { formatInstant, retentionDueAt } from '../../common/time.js';
import { alarmsOverlapping } from '../../db/alarms.js';
import { auditByAction } from '../../db/audit.js';
import { deletionCountsByRoot, iterateDeletionLog, type DeletionLogRow } from '../../db/deletions.js';
import { listRoots } from '../../db/roots.js';
import { oldestUnheldEnd } from '../../db/segments.js';
import { sweepStarts } from '../../db/sweeps.js';
import type { Ctx } from '../context.js';
import { durationParams, fact, someRefs, wall } from './facts.js';
import { HoldHistory, latenessOf } from './lateness.js';

const DAY = 86_400_000;
/** How far before the period the report looks for sweeps (a recording held for a year, then late). */
const SWEEP_LOOKBACK_MS = 400 * DAY;
const MOST_LATE = 20;

interface Pause {
  kind: 'offline' | 'alarm' | 'deferred';
  alarm: number | null;
  alarmKind: string | null;
  root: number | null;
  /** null: known only by its end (a root.online event without an alarm row of its own). */
  fromMs: number | null;
  toMs: number;
  late: number;
}

/** The spells during which deletion was paused or could not happen, from the alarm table and the audit log. */
function pausesOf(ctx: Ctx, toMs: number): { pauses: Pause[]; backOnline: Map<number, number[]> } {
  const now = ctx.now();
  const backOnline = new Map<number, number[]>();
  for (const e of auditByAction(ctx.db, 'root.online', 0, Math.max(toMs, now))) {
    const root = (JSON.parse(e.details) as { root?: unknown }).root;
    if (typeof root !== 'number') continue;
    const list = backOnline.get(root) ?? [];
    list.push(e.ts_ms);
    backOnline.set(root, list);
  }
  const pauses: Pause[] = [];
  for (const a of alarmsOverlapping(ctx.db, 0, Math.max(toMs, now))) {
    if (a.kind === 'root-offline' && a.root_id !== null) {
      // An offline spell ends when the root is seen again (the scan writes root.online and ends the alarm's condition).
      const back = (backOnline.get(a.root_id) ?? []).find((t) => t >= a.raised_ms);
      const end = back ?? a.cleared_ms ?? now;
      pauses.push({ kind: 'offline', alarm: a.id, alarmKind: a.kind, root: a.root_id, fromMs: a.raised_ms, toMs: end, late: 0 });
    } else if (BLOCKING_ALARMS.has(a.kind as AlarmKind)) {
      // A blocking alarm pauses deletion until a person acknowledges it.
      pauses.push({ kind: 'alarm', alarm: a.id, alarmKind: a.kind, root: a.root_id, fromMs: a.raised_ms, toMs: a.acked_ms ?? now, late: 0 });
    } else if (a.kind === 'delete-failed') {
      pauses.push({ kind: 'deferred', alarm: a.id, alarmKind: a.kind, root: a.root_id, fromMs: a.raised_ms, toMs: a.cleared_ms ?? a.acked_ms ?? now, late: 0 });
    }
  }
  return { pauses, backOnline };
}

/** Index of the first element of sorted `xs` greater than `v`. */
function upperBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function retentionPart(ctx: Ctx, fromMs: number, toMs: number): { section: RetentionSection; facts: ReportFactView[] } {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const now = ctx.now();
  const intervalMs = s.sweepIntervalMinutes * 60_000;
  // A sweep starts every interval; one that starts a little late is not a missing sweep.
  const gapTolerance = intervalMs + Math.max(60_000, intervalMs / 2);
  const iso = (ms: number): string => formatInstant(ms, tz);
  const roots = listRoots(ctx.db);
  const rootPath = new Map(roots.map((r) => [r.id, r.path]));
  const holds = new HoldHistory(ctx.db);
  const { pauses, backOnline } = pausesOf(ctx, toMs);
  const sweeps = sweepStarts(ctx.db, fromMs - SWEEP_LOOKBACK_MS, Math.max(toMs, now));

  const byRoot = new Map<number | null, RetentionSection['byRoot'][number]>();
  let total = 0;
  for (const r of deletionCountsByRoot(ctx.db, { fromMs, toMs, kind: 'segment' })) {
    total += r.n;
    byRoot.set(r.root_id, { root: r.root_id, path: r.root_id === null ? null : (rootPath.get(r.root_id) ?? null), deletions: r.n, late: 0, worstMs: null, causes: {} });
  }

  const byEnd = new Map<string, Pause>();
  const explain = (d: DeletionLogRow, dueMs: number): { cause: LateCause; ref: string | null }[] => {
    const x = d.deleted_ms as number;
    const causes: { cause: LateCause; ref: string | null }[] = [];
    let start = dueMs;
    if (d.overdue_indexed_ms !== null && d.overdue_indexed_ms > dueMs) {
      causes.push({ cause: 'overdue-at-index', ref: iso(d.overdue_indexed_ms) });
      start = d.overdue_indexed_ms;
    }
    if (x - start <= intervalMs) return causes;
    let paused = false;
    for (const p of pauses) {
      if (p.fromMs === null || p.fromMs >= x || p.toMs <= start) continue;
      if (p.root !== null && p.root !== d.root_id) continue;
      causes.push({ cause: p.kind === 'offline' ? 'offline' : p.kind, ref: p.alarm === null ? null : `#${p.alarm}` });
      p.late++;
      paused = true;
    }
    // The root came back online inside the window, so it was offline before that (a spell whose
    // alarm was re-raised without a new row is known only by its end).
    const back = d.root_id === null ? undefined : (backOnline.get(d.root_id) ?? []).find((t) => t > start && t <= x);
    if (back !== undefined && !causes.some((c) => c.cause === 'offline')) {
      const key = `${d.root_id}:${back}`;
      let p = byEnd.get(key);
      if (!p) {
        p = { kind: 'offline', alarm: null, alarmKind: null, root: d.root_id, fromMs: null, toMs: back, late: 0 };
        byEnd.set(key, p);
        pauses.push(p);
      }
      p.late++;
      causes.push({ cause: 'offline', ref: iso(back) });
      paused = true;
    }
    if (paused) return causes;
    let prev = Math.max(start, fromMs - SWEEP_LOOKBACK_MS);
    let gap: { from: number; to: number } | null = null;
    for (let i = upperBound(sweeps, prev); i < sweeps.length && (sweeps[i] as number) <= x; i++) {
      const t = sweeps[i] as number;
      if (t - prev > gapTolerance && (!gap || t - prev > gap.to - gap.from)) gap = { from: prev, to: t };
      prev = t;
    }
    if (x - prev > gapTolerance && (!gap || x - prev > gap.to - gap.from)) gap = { from: prev, to: x };
    if (gap) causes.push({ cause: 'no-sweep', ref: `${iso(gap.from)}/${iso(gap.to)}` });
    else causes.push({ cause: 'unexplained', ref: null });
    return causes;
  };

  let late = 0;
  let worst: LateDeletionView | null = null;
  const mostLate: LateDeletionView[] = [];
  const causeCounts: Partial<Record<LateCause, number>> = {};
  const it = iterateDeletionLog(ctx.db, { fromMs, toMs, kind: 'segment', lateByMs: intervalMs });
  for (const d of it) {
    const l = latenessOf(holds, d, intervalMs, s.retentionMonths, tz);
    if (!l || !l.late) continue;
    late++;
    const causes = explain(d, l.dueMs);
    const main = (causes[0] ?? { cause: 'unexplained' as const }).cause;
    causeCounts[main] = (causeCounts[main] ?? 0) + 1;
    const r = byRoot.get(d.root_id);
    if (r) {
      r.late++;
      r.worstMs = Math.max(r.worstMs ?? 0, l.latenessMs);
      r.causes[main] = (r.causes[main] ?? 0) + 1;
    }
    const view = (): LateDeletionView => ({
      deletion: d.id,
      root: d.root_id,
      rootPath: d.root_id === null ? null : (rootPath.get(d.root_id) ?? null),
      camera: d.camera_id,
      path: d.path,
      due: iso(l.dueMs),
      heldUntil: l.heldUntil === null ? null : iso(l.heldUntil),
      deleted: iso(d.deleted_ms as number),
      latenessMs: l.latenessMs,
      causes,
    });
    if (!worst || l.latenessMs > worst.latenessMs) worst = view();
    if (mostLate.length < MOST_LATE || l.latenessMs > (mostLate[mostLate.length - 1] as LateDeletionView).latenessMs) {
      mostLate.push(view());
      mostLate.sort((a, b) => b.latenessMs - a.latenessMs);
      if (mostLate.length > MOST_LATE) mostLate.pop();
    }
  }

  const today: RetentionSection['today'] = roots.map((r) => {
    const oldest = oldestUnheldEnd(ctx.db, r.id);
    const due = oldest === null ? null : retentionDueAt(oldest, s.retentionMonths, tz);
    const overdueMs = due === null ? 0 : Math.max(0, now - due);
    return { root: r.id, path: r.path, online: r.online === 1, oldestUnheldEnd: oldest === null ? null : iso(oldest), due: due === null ? null : iso(due), overdueMs, ok: overdueMs <= intervalMs };
  });

  const facts: ReportFactView[] = [fact('p2.deletions', { count: total, from: wall(fromMs, tz), to: wall(toMs, tz) }, 'info')];
  if (late === 0) facts.push(fact('p2.noneLate', { count: total, interval: s.sweepIntervalMinutes }, 'ok'));
  else {
    const lateRoots = [...byRoot.values()].filter((r) => r.late > 0);
    facts.push(fact('p2.late', { count: late, of: total, interval: s.sweepIntervalMinutes }, 'deviation', lateRoots.map((r) => r.path ?? `root ${r.root ?? '?'}`)));
  }
  if (worst) {
    const w: LateDeletionView = worst;
    facts.push(
      fact(
        'p2.worst',
        { ...durationParams(w.latenessMs), latenessMs: w.latenessMs, root: w.rootPath ?? '—', camera: w.camera ?? '—', path: w.path, due: wall(Date.parse(w.due), tz), deleted: wall(Date.parse(w.deleted), tz), cause: (w.causes[0] ?? { cause: 'unexplained' }).cause },
        'deviation',
        [`#${w.deletion}`],
      ),
    );
  }
  for (const p of pauses.filter((x) => x.late > 0)) {
    const params = { late: p.late, alarm: p.alarm ?? 0, kind: p.alarmKind ?? '', root: p.root === null ? '—' : (rootPath.get(p.root) ?? String(p.root)), from: p.fromMs === null ? '—' : wall(p.fromMs, tz), to: wall(p.toMs, tz), ongoing: p.toMs >= now };
    const key = p.kind === 'offline' && p.alarm === null ? 'p2.pause.offline-seen' : `p2.pause.${p.kind}`;
    facts.push(fact(key, params, 'info', p.alarm === null ? [] : [`#${p.alarm}`]));
  }
  for (const cause of ['overdue-at-index', 'no-sweep', 'unexplained'] as const) {
    const n = causeCounts[cause] ?? 0;
    if (n > 0) facts.push(fact(`p2.cause.${cause}`, { count: n }, 'info', someRefs(mostLate.filter((m) => m.causes[0]?.cause === cause).map((m) => `#${m.deletion}`))));
  }
  for (const t of today) {
    if (t.oldestUnheldEnd === null) facts.push(fact('p2.today.empty', { root: t.path }, 'ok', [t.path]));
    else if (t.ok) facts.push(fact('p2.today.ok', { root: t.path, oldest: wall(Date.parse(t.oldestUnheldEnd), tz), due: wall(Date.parse(t.due as string), tz) }, 'ok', [t.path]));
    else facts.push(fact('p2.today.late', { root: t.path, oldest: wall(Date.parse(t.oldestUnheldEnd), tz), due: wall(Date.parse(t.due as string), tz), ...durationParams(t.overdueMs) }, 'deviation', [t.path]));
    if (!t.online) facts.push(fact('p2.today.offline', { root: t.path }, 'info', [t.path]));
  }

  return {
    section: {
      intervalMinutes: s.sweepIntervalMinutes,
      deletions: total,
      late,
      worst,
      mostLate,
      byRoot: [...byRoot.values()],
      pauses: pauses.filter((p) => p.late > 0).map((p) => ({ kind: p.kind, alarm: p.alarm, alarmKind: p.alarmKind, root: p.root, from: p.fromMs === null ? null : iso(p.fromMs), to: p.toMs >= now ? null : iso(p.toMs), late: p.late })),
      today,
    },
    facts,
  };
}
