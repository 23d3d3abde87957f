/**
 * The request clock across month ends, leap years and DST, against an oracle of its own: plain
 * calendar arithmetic on year/month/day (the same date a month later, else the month's last
 * day), and the local midnight read back with Intl, not with date-fns.
 */
import { describe, expect, it } from 'vitest';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { clockState, daysBetween, dueAfter, dueSoonFrom, endOfDay, lastDay } from './clock.js';

const TZ = 'Europe/Stockholm';
const at = (s: string): number => parseUserTime(s, TZ);

/** The oracle: the date `months` later (clamped), as y-m-d. */
function oracleDate(y: number, m: number, d: number, months: number): [number, number, number] {
  const mm = m - 1 + months;
  const ty = y + Math.floor(mm / 12);
  const tm = (mm % 12) + 1;
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return [ty, tm, Math.min(d, last)];
}

/** The wall clock of an instant in the site zone, read with Intl. */
function wall(ms: number): string {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const p = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

describe('an access request is due one calendar month after receipt, at the end of the day (site time)', () => {
  it('clamps month ends and counts leap days', () => {
    expect(lastDay(dueAfter(at('2026-01-31'), 1, TZ), TZ)).toBe('2026-02-28');
    expect(lastDay(dueAfter(at('2028-01-31'), 1, TZ), TZ)).toBe('2028-02-29');
    expect(lastDay(dueAfter(at('2026-05-31'), 1, TZ), TZ)).toBe('2026-06-30');
    expect(lastDay(dueAfter(at('2026-12-15T16:45'), 1, TZ), TZ)).toBe('2027-01-15');
    // The deadline passes at the next midnight, site time.
    expect(formatInstant(dueAfter(at('2026-01-31T09:00'), 1, TZ), TZ)).toBe('2026-03-01T00:00:00+01:00');
  });

  it('is DST-correct: a deadline across the spring and autumn changes is local midnight', () => {
    // Received in winter time, due in summer time (clocks go forward 29 March 2026).
    expect(formatInstant(dueAfter(at('2026-03-03'), 1, TZ), TZ)).toBe('2026-04-04T00:00:00+02:00');
    // Received on the day the clocks go back (25 October 2026, a 25-hour day), at 23:30.
    expect(formatInstant(dueAfter(at('2026-10-25T23:30'), 1, TZ), TZ)).toBe('2026-11-26T00:00:00+01:00');
    // Received on the day the clocks go forward, just after the gap.
    expect(formatInstant(dueAfter(at('2026-03-29T03:10'), 1, TZ), TZ)).toBe('2026-04-30T00:00:00+02:00');
    // An extension of two more months from a receipt on 30 November: end of 28 February.
    expect(lastDay(dueAfter(at('2026-11-30'), 3, TZ), TZ)).toBe('2027-02-28');
  });

  it('agrees with plain calendar arithmetic for every day of two years and every hour in the DST days', () => {
    for (let day = 0; day < 731; day++) {
      const base = new Date(Date.UTC(2027, 0, 1 + day));
      const [y, m, d] = [base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate()];
      // Around the last Sundays of March and October (the DST changes) every hour that matters.
      const nearChange = (m === 3 || m === 10) && d >= 24;
      for (const hour of nearChange ? [0, 1, 2, 3, 12, 23] : [10]) {
        let received: number;
        try {
          received = at(`${y}-${pad(m)}-${pad(d)}T${pad(hour)}:30`);
        } catch {
          continue; // in the spring gap or the autumn's repeated hour: a person is asked for the offset
        }
        for (const months of [1, 3]) {
          const [ty, tm, td] = oracleDate(y, m, d, months);
          const due = dueAfter(received, months, TZ);
          expect(lastDay(due, TZ), `${y}-${m}-${d} +${months}`).toBe(`${ty}-${pad(tm)}-${pad(td)}`);
          const next = new Date(Date.UTC(ty, tm - 1, td + 1));
          expect(wall(due)).toBe(`${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())} 00:00`);
          expect(due).toBeGreaterThan(received);
        }
      }
    }
  });

  it('says "due soon" from seven days before the last day, overdue after it, and counts days taken', () => {
    const received = at('2026-01-31T10:00');
    const due = dueAfter(received, 1, TZ);
    expect(wall(dueSoonFrom(due, TZ))).toBe('2026-02-21 00:00');
    const open = { received_ms: received, due_ms: due, extended_due_ms: null, delivered_ms: null, withdrawn_ms: null, status: 'open' as const };
    expect(clockState(open, at('2026-02-20T23:59'), TZ)).toBe('running');
    expect(clockState(open, at('2026-02-21T00:00'), TZ)).toBe('due-soon');
    expect(clockState(open, at('2026-02-28T23:59'), TZ)).toBe('due-soon');
    expect(clockState(open, at('2026-03-01T00:00'), TZ)).toBe('overdue');
    expect(clockState({ ...open, extended_due_ms: endOfDay(at('2026-04-30'), TZ) }, at('2026-03-01T00:00'), TZ)).toBe('running');
    expect(clockState({ ...open, status: 'answered', delivered_ms: at('2026-02-28T16:00') }, at('2026-06-01'), TZ)).toBe('answered-in-time');
    expect(clockState({ ...open, status: 'answered', delivered_ms: at('2026-03-01T08:00') }, at('2026-06-01'), TZ)).toBe('answered-late');
    expect(daysBetween(received, at('2026-02-28T16:00'), TZ)).toBe(28);
    // Across the spring change, days are calendar days, not 24-hour periods.
    expect(daysBetween(at('2026-03-28T23:30'), at('2026-03-30T00:10'), TZ)).toBe(2);
  });
});
