import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueClock, formatInstant, parseUserTime, retentionBounds, retentionCutoff, retentionDueAt } from './time.js';

const TZ = 'Europe/Stockholm';

describe('parseUserTime', () => {
  it('reads a time without offset as site time, winter and summer', () => {
    expect(parseUserTime('2026-01-15T10:00', TZ)).toBe(Date.parse('2026-01-15T09:00:00Z'));
    expect(parseUserTime('2026-07-15T10:00', TZ)).toBe(Date.parse('2026-07-15T08:00:00Z'));
  });
  it('honours an explicit offset or Z', () => {
    expect(parseUserTime('2026-07-15T10:00:00Z', TZ)).toBe(Date.parse('2026-07-15T10:00:00Z'));
    expect(parseUserTime('2026-07-15T10:00:00+05:30', TZ)).toBe(Date.parse('2026-07-15T04:30:00Z'));
  });
  it('asks for the offset of a time in the autumn\'s repeated hour, naming both readings', () => {
    expect(() => parseUserTime('2026-10-25T02:30', 'Europe/Stockholm')).toThrow(/2026-10-25T02:30:00\+02:00 or 2026-10-25T02:30:00\+01:00/);
    expect(parseUserTime('2026-10-25T02:30+01:00', 'Europe/Stockholm')).toBe(Date.parse('2026-10-25T01:30:00Z'));
    expect(parseUserTime('2026-10-25T03:30', 'Europe/Stockholm')).toBe(Date.parse('2026-10-25T02:30:00Z'));
  });
  it('refuses a time in the spring gap instead of moving it, naming the readings around it', () => {
    expect(() => parseUserTime('2026-03-29T02:30', 'Europe/Stockholm')).toThrow(/does not exist.*01:30:00\+01:00 or .*03:30:00\+02:00/);
    expect(parseUserTime('2026-03-29T03:00', 'Europe/Stockholm')).toBe(Date.parse('2026-03-29T01:00:00Z'));
  });
  it('refuses what is not a real date-time with a readable message', () => {
    expect(() => parseUserTime('yesterday', TZ)).toThrow(/ISO 8601/);
    expect(() => parseUserTime('2026-02-30T10:00', TZ)).toThrow(/not a real/);
  });
});

describe('retention due time', () => {
  it('counts calendar months on the Stockholm wall clock across the October DST change', () => {
    // Ends 12:00 CEST on 25 Aug; due 12:00 CET on 25 Oct (the clocks went back that morning).
    const end = Date.parse('2026-08-25T10:00:00Z');
    expect(formatInstant(retentionDueAt(end, 2, TZ), TZ)).toBe('2026-10-25T12:00:00+01:00');
    expect(retentionDueAt(end, 2, TZ) - end).toBe(61 * 86_400_000 + 3_600_000);
  });
  it('counts across the March DST change', () => {
    // Ends 12:00 CET on 29 Jan; due 12:00 CEST on 29 Mar (the last Sunday of March 2026).
    const end = Date.parse('2026-01-29T11:00:00Z');
    expect(formatInstant(retentionDueAt(end, 2, TZ), TZ)).toBe('2026-03-29T12:00:00+02:00');
  });
  it('rolls the 31st to the last day of a shorter month', () => {
    const end = parseUserTime('2026-12-31T15:00', TZ);
    expect(formatInstant(retentionDueAt(end, 2, TZ), TZ)).toBe('2027-02-28T15:00:00+01:00');
  });
  it('DueClock (quarter-hour cache) equals the exact due time, across DST changes (property)', () => {
    const clock = new DueClock(2, TZ);
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2025-01-01'), max: Date.parse('2030-01-01') }), (end) => {
        expect(clock.dueAt(end)).toBe(retentionDueAt(end, 2, TZ));
      }),
      { numRuns: 5000 },
    );
    // Every minute around both 2026 changes, and the ends of long months.
    for (const day of ['2026-01-29', '2026-03-29', '2026-08-25', '2026-10-25', '2026-12-31']) {
      const start = Date.parse(`${day}T00:00:00Z`) - 6 * 3_600_000;
      for (let m = start; m < start + 12 * 3_600_000; m += 60_000 + 7) expect(clock.dueAt(m)).toBe(retentionDueAt(m, 2, TZ));
    }
  });
  it('the bounds never call a not-yet-due recording due, nor a due one not due (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2025-01-01'), max: Date.parse('2030-01-01') }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), (now, months, delta) => {
        const { sure, top } = retentionBounds(now, months, TZ);
        const end = retentionCutoff(now, months, TZ) + delta;
        const due = retentionDueAt(end, months, TZ) <= now;
        if (end <= sure) expect(due).toBe(true);
        if (end > top) expect(due).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
  it('a later end can fall due earlier at a month end, which is why there is a band', () => {
    // 1 month: May 30 23:00 is due June 30 23:00, but May 31 00:00 is due June 30 00:00.
    const a = parseUserTime('2027-05-30T23:00', TZ);
    const b = parseUserTime('2027-05-31T00:00', TZ);
    expect(retentionDueAt(b, 1, TZ)).toBeLessThan(retentionDueAt(a, 1, TZ));
  });
});
