/**
 * Dates and times as a person types and reads them in the forms, the reader's way and never the
 * browser's: "2 dec. 2026" and "15:10" (24-hour) in Swedish, "2 Dec 2026" in English, whatever
 * locale the browser or the operating system has (a native `<input type="date">` shows the
 * browser's format, e.g. "12/02/2026, 03:10 PM"). Values stay the site's wall clock as
 * `yyyy-MM-dd` and `HH:mm[:ss]` strings (what `fromLocalInput` reads), so no time zone of the
 * browser is ever involved: the calendar is computed on plain dates.
 */
import { format, isValid, parse } from 'date-fns';
import { enGB } from 'date-fns/locale/en-GB';
import { sv } from 'date-fns/locale/sv';
import type { Lang } from './format.js';

const LOCALES = { sv, en: enGB } as const;

/** A day (`yyyy-MM-dd`) as the reader reads it: "2 dec. 2026". Empty for no day; the text itself when it is not one. */
export function showDay(day: string, lang: Lang): string {
  const d = dayDate(day);
  return d ? format(d, 'd MMM yyyy', { locale: LOCALES[lang] }) : day;
}

/** The day a person typed, as `yyyy-MM-dd`, or null: "2 dec. 2026", "2 dec 2026", "2 december 2026", "2026-12-02", "2/12 2026", "2.12.2026". */
export function readDay(text: string, lang: Lang): string | null {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return null;
  const ref = new Date(2000, 0, 1, 12);
  const tries: [string, string][] = [
    [t, 'yyyy-MM-dd'],
    [t, 'd MMM yyyy'],
    [t.replace(/\./g, ''), 'd MMM yyyy'],
    [t, 'd MMMM yyyy'],
    [t, 'd/M yyyy'],
    [t, 'd.M.yyyy'],
    [t, 'd/M/yyyy'],
  ];
  for (const [s, pattern] of tries) {
    const d = parse(s, pattern, ref, { locale: LOCALES[lang] });
    if (isValid(d) && d.getFullYear() >= 1970 && d.getFullYear() <= 9999) return format(d, 'yyyy-MM-dd');
  }
  return null;
}

/** A time a person typed, 24-hour, as `HH:mm` or `HH:mm:ss` (with `seconds`), or null: "15:10", "1510", "9.05", "15:10:30". */
export function readTime(text: string, seconds = false): string | null {
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))(?:[:.]?(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3] ?? '0');
  if (h > 23 || min > 59 || s > 59) return null;
  const two = (n: number): string => String(n).padStart(2, '0');
  return seconds ? `${two(h)}:${two(min)}:${two(s)}` : `${two(h)}:${two(min)}`;
}

function dayDate(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  // Noon: a plain calendar date, far from any midnight a DST change could move.
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  return d.getDate() === Number(m[3]) ? d : null;
}

export interface MonthGrid {
  /** "december 2026" */
  title: string;
  /** "må", "ti", … (Monday first in Swedish, as ISO weeks; Monday too in British English). */
  weekdays: string[];
  /** Six weeks of days (`yyyy-MM-dd`), with whether each is in the month shown. */
  days: { day: string; label: string; inMonth: boolean; full: string }[];
}

/** The calendar of the month `month` (`yyyy-MM`) for the picker, in the reader's words. */
export function monthGrid(month: string, lang: Lang): MonthGrid {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(y, m - 1, 1, 12);
  const locale = LOCALES[lang];
  const offset = (first.getDay() + 6) % 7; // Monday = 0
  const days: MonthGrid['days'] = [];
  for (let i = 0; i < 42; i++) {
    const d = new Date(y, m - 1, 1 - offset + i, 12);
    days.push({ day: format(d, 'yyyy-MM-dd'), label: String(d.getDate()), inMonth: d.getMonth() === m - 1, full: format(d, 'EEEE d MMMM yyyy', { locale }) });
  }
  const weekdays = days.slice(0, 7).map((d) => format(dayDate(d.day) as Date, 'EEEEEE', { locale }));
  return { title: format(first, 'LLLL yyyy', { locale }), weekdays, days };
}

/** The month `yyyy-MM` `delta` months from `month`. */
export function addMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return format(new Date(y, m - 1 + delta, 1, 12), 'yyyy-MM');
}
