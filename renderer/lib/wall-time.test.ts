import { describe, expect, it } from 'vitest';
import { addMonth, monthGrid, readDay, readTime, showDay } from './wall-time.js';

describe('dates and times the reader types and reads, not the browser’s', () => {
  it('shows a day the Swedish way and the British way', () => {
    expect(showDay('2026-12-02', 'sv')).toBe('2 dec. 2026');
    expect(showDay('2026-12-02', 'en')).toBe('2 Dec 2026');
    expect(showDay('', 'sv')).toBe('');
  });

  it('reads the days a Swedish person writes, and nothing that is not a day', () => {
    for (const text of ['2 dec. 2026', '2 dec 2026', '2 december 2026', '2026-12-02', '2/12 2026', '2.12.2026', '  2  dec.  2026 ']) expect([text, readDay(text, 'sv')]).toEqual([text, '2026-12-02']);
    expect(readDay('31 mar. 2027', 'sv')).toBe('2027-03-31');
    for (const text of ['', '31 feb. 2026', '2026-13-01', 'i morgon', '12/02/2026 03:10 PM']) expect([text, readDay(text, 'sv')]).toEqual([text, null]);
    expect(readDay('2 Dec 2026', 'en')).toBe('2026-12-02');
  });

  it('reads 24-hour times only', () => {
    expect(readTime('15:10')).toBe('15:10');
    expect(readTime('1510')).toBe('15:10');
    expect(readTime('9.05')).toBe('09:05');
    expect(readTime('15:10:30', true)).toBe('15:10:30');
    expect(readTime('15:10', true)).toBe('15:10:00');
    for (const text of ['24:00', '15:60', '3 PM', '15', '']) expect([text, readTime(text)]).toEqual([text, null]);
  });

  it('lays out a month Monday first with the reader’s names', () => {
    const g = monthGrid('2026-12', 'sv');
    expect(g.title).toBe('december 2026');
    expect(g.weekdays).toEqual(['må', 'ti', 'on', 'to', 'fr', 'lö', 'sö']);
    // 1 December 2026 is a Tuesday: the grid starts on Monday 30 November.
    expect(g.days[0]).toMatchObject({ day: '2026-11-30', inMonth: false });
    expect(g.days[1]).toMatchObject({ day: '2026-12-01', label: '1', inMonth: true, full: 'tisdag 1 december 2026' });
    expect(g.days).toHaveLength(42);
    // The DST change (29 March 2026 in Stockholm) does not skip or repeat a day.
    const march = monthGrid('2026-03', 'sv').days.map((d) => d.day);
    expect(new Set(march).size).toBe(42);
    expect(march).toContain('2026-03-29');
    expect(addMonth('2026-12', 1)).toBe('2027-01');
    expect(addMonth('2026-01', -1)).toBe('2025-12');
  });
});
