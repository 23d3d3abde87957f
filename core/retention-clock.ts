/**
 * Is the wall clock telling the truth? Retention counts two months from "now", so a clock set
 * days ahead deletes days early. Three checks, each from a fact that clock does not control:
 *
 * 1. Backwards: now is earlier than the last sweep. The alarm names the footage that went early
 *    while the clock ran ahead (deletions whose due time is still in the future).
 * 2. A jump: since the last sweep the wall clock moved further than the machine's uptime (which
 *    libfaketime, a mis-set clock or NTP stepping does not move) in the same boot.
 * 3. The recorders: the newest recording on every online root (whose start comes from its file
 *    name: the recorder's own clock) ended long before "now".
 *
 * A person acknowledging the alarm lets one sweep go ahead (and that sweep becomes the new
 * reference). A dry run computes the same verdict and raises nothing.
 */
import { english, type Msg } from '../common/i18n/catalog.js';
import { formatInstant, retentionCutoff } from '../common/time.js';
import { markAlarmUsed, unusedAckedAlarm } from '../db/alarms.js';
import { deletedBeforeDue } from '../db/deletions.js';
import type { RootRow } from '../db/roots.js';
import { countUnheldEndingBetween, newestEnd } from '../db/segments.js';
import type { SweepRow } from '../db/sweeps.js';
import { permitCovers, raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import type { MachineClock } from './machine-clock.js';

/** Small differences are NTP slewing, a suspended laptop, a VM paused for a while. */
const JUMP_TOLERANCE_MS = 30 * 60_000;
const BACKWARDS_TOLERANCE_MS = 60_000;

/** "12 d 3 h", "45 min": how big a clock error is, for people. */
export function spanWords(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return `${h} h ${m % 60} min`;
  return `${m} min`;
}

export type ClockVerdict = { ok: true } | { ok: false; refusal: Msg; /** The alarm raised (null in a dry run). */ alarm: number | null };

interface Finding {
  kind: 'clock-backwards' | 'clock-suspect';
  alarm: Msg;
  refusal: Msg;
  details: Record<string, unknown>;
}

function earlyFootage(ctx: Ctx, skewMs: number): { count: number; cameras: string } {
  const s = ctx.settings();
  const now = ctx.now();
  const r = countUnheldEndingBetween(ctx.db, retentionCutoff(now - skewMs, s.retentionMonths, s.siteTimeZone), retentionCutoff(now, s.retentionMonths, s.siteTimeZone));
  return { count: r.n, cameras: r.cameras ?? '—' };
}

function findings(ctx: Ctx, last: SweepRow | undefined, machine: MachineClock, onlineRoots: readonly RootRow[]): Finding | null {
  const now = ctx.now();
  const tz = ctx.settings().siteTimeZone;
  if (last && now < last.started_ms - BACKWARDS_TOLERANCE_MS) {
    const early = deletedBeforeDue(ctx.db, now);
    const count = early.reduce((n, e) => n + e.n, 0);
    const base = { now: formatInstant(now, tz), last: formatInstant(last.started_ms, tz) };
    const from = Math.min(...early.map((e) => e.from_ms ?? Infinity));
    const to = Math.max(...early.map((e) => e.to_ms ?? -Infinity));
    const alarm: Msg =
      count > 0
        ? { key: 'deletion:alarmClockBackwardsEarly', params: { ...base, count, cameras: early.map((e) => e.camera_id ?? '?').join(', '), from: formatInstant(from, tz), to: formatInstant(to, tz) } }
        : { key: 'deletion:alarmClockBackwards', params: base };
    return { kind: 'clock-backwards', alarm, refusal: { key: 'deletion:refusedClockBackwards' }, details: { now, lastSweep: last.started_ms, offMs: last.started_ms - now, wentEarly: early } };
  }
  // 2. Same boot: the wall clock may not run ahead of the machine's own clock.
  if (last && last.uptime_ms !== null && machine.uptimeMs >= last.uptime_ms && (machine.bootId === null || last.boot_id === null || machine.bootId === last.boot_id)) {
    const jump = now - last.started_ms - (machine.uptimeMs - last.uptime_ms);
    if (jump > JUMP_TOLERANCE_MS) {
      const early = earlyFootage(ctx, jump);
      return {
        kind: 'clock-suspect',
        alarm: { key: 'deletion:alarmClockJump', params: { jump: spanWords(jump), ...early } },
        refusal: { key: 'deletion:refusedClockJump', params: { jump: spanWords(jump) } },
        details: { jumpMs: jump, offMs: jump, wouldGoEarly: early.count },
      };
    }
  }
  // 3. The recorders' own clocks: every online root's newest recording ended long ago.
  const newest = onlineRoots.map((r) => newestEnd(ctx.db, r.id)).filter((m): m is number => m !== null);
  if (newest.length > 0) {
    const latest = Math.max(...newest);
    const skew = now - latest;
    if (skew > ctx.settings().clockCheckHours * 3_600_000) {
      const early = earlyFootage(ctx, skew);
      return {
        kind: 'clock-suspect',
        alarm: { key: 'deletion:alarmRecordersBehind', params: { skew: spanWords(skew), newest: formatInstant(latest, tz), ...early } },
        refusal: { key: 'deletion:refusedRecordersBehind', params: { skew: spanWords(skew) } },
        details: { skewMs: skew, offMs: skew, newestEndMs: latest, wouldGoEarly: early.count },
      };
    }
  }
  return null;
}

/**
 * The verdict for this sweep. Without a dry run an alarm is raised (or, once acknowledged, its
 * one-time permission used).
 */
export function checkClock(ctx: Ctx, opts: { last: SweepRow | undefined; machine: MachineClock; onlineRoots: readonly RootRow[]; dryRun: boolean }): ClockVerdict {
  const f = findings(ctx, opts.last, opts.machine, opts.onlineRoots);
  if (!f) {
    // A permission given for a clock problem that has since gone away is not kept for the next one.
    if (!opts.dryRun) {
      for (const kind of ['clock-backwards', 'clock-suspect']) {
        const stale = unusedAckedAlarm(ctx.db, kind, 0);
        if (stale) markAlarmUsed(ctx.db, stale.id, ctx.now());
      }
    }
    return { ok: true };
  }
  const acked = unusedAckedAlarm(ctx.db, f.kind, 0);
  // The permission covers the clock error the person saw (give or take half an hour), not a larger one.
  const off = typeof f.details.offMs === 'number' ? f.details.offMs : Infinity;
  const permit = acked && permitCovers(acked, 'offMs', off, () => 30 * 60_000) ? acked : undefined;
  if (permit) {
    if (!opts.dryRun) {
      markAlarmUsed(ctx.db, permit.id, ctx.now());
      audit(ctx, 'sweep.clock-approved', { alarm: permit.id, kind: f.kind });
    }
    return { ok: true };
  }
  const alarm = opts.dryRun ? null : raiseAlarm(ctx, { kind: f.kind, key: f.kind, message: english(f.alarm), details: { ...f.details, msg: f.alarm } });
  return { ok: false, refusal: f.refusal, alarm };
}
