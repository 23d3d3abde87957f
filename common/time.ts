/**
 * Time rules. Everything is stored as UTC milliseconds; "2 months" is counted in calendar months
 * on the site's wall clock (Europe/Stockholm by default), so DST and month lengths come out as a
 * person reading the policy would expect.
 */
import { TZDate, tzOffset } from '@date-fns/tz';
import { addMonths, format } from 'date-fns';
import { failure } from './errors.js';

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(tz: string): string {
  if (!isValidTimeZone(tz)) throw failure('invalid_request', 'core:timeZone', { text: tz });
  return tz;
}

const HOUR = 3_600_000;

/**
 * Converts a wall-clock time in `tz` to an instant. Offsets are cached per wall-clock hour
 * because a recorder tree has millions of names but only a few thousand distinct hours.
 * A wall time inside the spring-forward gap is read with the offset before the gap; a wall time
 * in the repeated autumn hour is read as its later occurrence (documented in ARCHITECTURE.md).
 */
export class WallClock {
  private readonly cache = new Map<number, number>();
  constructor(readonly timeZone: string) {}

  toInstant(wallAsUtcMs: number): number {
    if (this.timeZone === 'UTC') return wallAsUtcMs;
    const hourKey = Math.floor(wallAsUtcMs / HOUR);
    let offsetMs = this.cache.get(hourKey);
    if (offsetMs === undefined) {
      const o1 = tzOffset(this.timeZone, new Date(wallAsUtcMs)) * 60_000;
      const o2 = tzOffset(this.timeZone, new Date(wallAsUtcMs - o1)) * 60_000;
      offsetMs = o2;
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(hourKey, offsetMs);
    }
    return wallAsUtcMs - offsetMs;
  }
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO 8601 date or date-time typed by a person. Without an offset it is site time.
 * A bare date means the start of that day in site time.
 */
export function parseUserTime(text: string, siteTimeZone: string): number {
  const m = ISO_RE.exec(text.trim());
  if (!m) throw failure('invalid_request', 'core:notATime', { text });
  const [, y, mo, d, h, mi, s, ms, off] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0')));
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(s ?? 0) > 59
  ) {
    throw failure('invalid_request', 'core:notARealTime', { text });
  }
  if (off === undefined) return onlyReading(text, wall, siteTimeZone);
  if (off === 'Z') return wall;
  const sign = off.startsWith('-') ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return wall - sign * offMin * 60_000;
}

/** Every instant whose wall-clock reading in `tz` is `wall` (0 in a spring gap, 2 in the autumn's repeated hour). */
export function wallReadings(wall: number, tz: string): number[] {
  const offsets = new Set([-14, 0, 14].map((h) => tzOffset(tz, new Date(wall + h * HOUR))));
  const out = new Set<number>();
  for (const o of offsets) {
    const inst = wall - o * 60_000;
    if (tzOffset(tz, new Date(inst)) === o) out.add(inst);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * A time a person typed without an offset is read in the site's zone only when it names one
 * instant. In the autumn's repeated hour it names two, in the spring gap none: a hold must not
 * silently cover the wrong hour, so the person is asked for the offset instead of a guess.
 */
function onlyReading(text: string, wall: number, tz: string): number {
  const readings = wallReadings(wall, tz);
  if (readings.length === 1) return readings[0] as number;
  if (readings.length === 2) {
    const [a, b] = readings as [number, number];
    throw failure('invalid_request', 'deletion:timeAmbiguous', { text, zone: tz, firstIso: formatInstant(a, tz), secondIso: formatInstant(b, tz) });
  }
  // In the gap: the same wall time read with the offset before the gap, and after it.
  const before = wall - tzOffset(tz, new Date(wall - 14 * HOUR)) * 60_000;
  const after = wall - tzOffset(tz, new Date(wall + 14 * HOUR)) * 60_000;
  throw failure('invalid_request', 'deletion:timeInGap', { text, zone: tz, beforeIso: formatInstant(Math.min(before, after), tz), afterIso: formatInstant(Math.max(before, after), tz) });
}

/** ISO 8601 with the zone's offset, e.g. 2026-11-25T14:30:00+01:00. */
export function formatInstant(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), "yyyy-MM-dd'T'HH:mm:ssXXX");
}

/** A short local form for people: 2026-11-25 14:30:00. */
export function formatLocal(ms: number, timeZone: string, pattern = 'yyyy-MM-dd HH:mm:ss'): string {
  return format(new TZDate(ms, timeZone), pattern);
}

/**
 * The instant a recording that ended at `endMs` becomes due for deletion: `months` calendar
 * months later on the site's wall clock. date-fns clamps the 31st to the month's last day.
 */
export function retentionDueAt(endMs: number, months: number, timeZone: string): number {
  return addMonths(new TZDate(endMs, timeZone), months).getTime();
}

/**
 * A boundary between due and not-yet-due end times at `nowMs`, found by bisection. The due rule
 * is not monotonic at month ends (Dec 31 15:00 is due on Feb 28 15:00, Dec 30 23:00 on Feb 28
 * 23:00: a later end can fall due earlier), so this one boundary is exact only up to
 * RETENTION_BAND_MS; see retentionBounds.
 */
export function retentionCutoff(nowMs: number, months: number, timeZone: string): number {
  let lo = addMonths(new TZDate(nowMs, timeZone), -months).getTime() - 2 * 86_400_000;
  let hi = lo + 8 * 86_400_000;
  while (retentionDueAt(lo, months, timeZone) > nowMs) lo -= 86_400_000;
  while (retentionDueAt(hi, months, timeZone) <= nowMs) hi += 86_400_000;
  // invariant: due(lo) <= now < due(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (retentionDueAt(mid, months, timeZone) <= nowMs) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Clamping the 31st to a shorter month moves a date back at most three days, and a DST change
 * moves it one hour: two end times further apart than this are always due in the same order.
 */
export const RETENTION_BAND_MS = 4 * 86_400_000;

/**
 * Every recording ending at or before `sure` is due at `nowMs`; none ending after `top` is.
 * Between them (only days near the boundary) each end time is checked with the exact rule.
 */
export function retentionBounds(nowMs: number, months: number, timeZone: string): { sure: number; top: number } {
  const b = retentionCutoff(nowMs, months, timeZone);
  return { sure: b - RETENTION_BAND_MS, top: b + RETENTION_BAND_MS };
}

export function addCalendarDays(ms: number, days: number, timeZone: string): number {
  const d = new TZDate(ms, timeZone);
  d.setDate(d.getDate() + days);
  return d.getTime();
}

/**
 * retentionDueAt for many segments at once. Within a quarter of an hour (UTC-aligned) no clock
 * change can happen (every zone's transitions fall on quarter hours), so the due time moves
 * one-for-one with the end time; one exact computation per quarter hour serves every segment in
 * it. A sweep of 100,000 segments otherwise spends seconds in time-zone arithmetic.
 */
export class DueClock {
  private readonly days = new Map<number, number | null>();
  private readonly quarters = new Map<number, number>();
  constructor(
    readonly months: number,
    readonly timeZone: string,
  ) {}

  dueAt(endMs: number): number {
    // Most UTC days map to their due day one-for-one: checked at both ends of the day (a clock
    // change or a clamped month end in between would change the length), then used for every
    // end in the day. Other days fall back to quarter hours, where no clock change can happen.
    const day = Math.floor(endMs / 86_400_000) * 86_400_000;
    let base = this.days.get(day);
    if (base === undefined) {
      const a = retentionDueAt(day, this.months, this.timeZone);
      const b = retentionDueAt(day + 86_399_999, this.months, this.timeZone);
      base = b - a === 86_399_999 ? a : null;
      if (this.days.size > 10_000) this.days.clear();
      this.days.set(day, base);
    }
    if (base !== null) return base + (endMs - day);
    const q = Math.floor(endMs / 900_000) * 900_000;
    let due = this.quarters.get(q);
    if (due === undefined) {
      due = retentionDueAt(q, this.months, this.timeZone);
      if (this.quarters.size > 100_000) this.quarters.clear();
      this.quarters.set(q, due);
    }
    return due + (endMs - q);
  }
}
