/**
 * The access request's clock (GDPR art. 12(3); issue 14 "Clock"): an answer is due one calendar
 * month after the request was received, in the site's time zone; once, before that first
 * deadline, it can be extended by up to two more months, with a reason and the date the
 * requester was told.
 *
 * A deadline counted in months ends with the last hour of the day in the later month that has
 * the same date as the day of receipt, or of that month's last day when it has no such date
 * (received 31 January: due by the end of 28 February; EU Regulation 1182/71 art. 3). So a
 * deadline here is the end of a day: the instant the next day begins on the site's wall clock,
 * which date-fns computes on a TZDate across DST changes (a day is 23 or 25 hours then), as the
 * retention rule counts its months. Times are UTC milliseconds; the last day is shown as a date.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, differenceInCalendarDays } from 'date-fns';
import { formatLocal } from '../../common/time.js';

/** The first deadline is this many months after receipt; an extension reaches at most MAX_MONTHS. */
export const DUE_MONTHS = 1;
export const MAX_MONTHS = 3;
/** An alarm says "due in 7 days" from this many calendar days before the deadline's last day. */
export const DUE_SOON_DAYS = 7;

/** The start of the site day `ms` falls in. */
export function dayStart(ms: number, tz: string): number {
  const d = new TZDate(ms, tz);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * The end of the day `months` calendar months after the day of `receivedMs` (the 31st clamped to
 * the month's last day): the instant after which the answer is late.
 */
export function dueAfter(receivedMs: number, months: number, tz: string): number {
  const day = new TZDate(dayStart(receivedMs, tz), tz);
  return addDays(addMonths(day, months), 1).getTime();
}

/** The end of the site day that `dateMs` falls in (a date a person typed as the new deadline). */
export function endOfDay(dateMs: number, tz: string): number {
  return addDays(new TZDate(dayStart(dateMs, tz), tz), 1).getTime();
}

/** The deadline's last day, as a person reads it ("2026-02-28"). */
export function lastDay(dueMs: number, tz: string): string {
  return formatLocal(dueMs - 1, tz, 'yyyy-MM-dd');
}

/** Whole calendar days from the day of receipt to the day of `atMs` (the register's "days taken"). */
export function daysBetween(receivedMs: number, atMs: number, tz: string): number {
  return differenceInCalendarDays(new TZDate(atMs, tz), new TZDate(receivedMs, tz));
}

/** The moment the "due in 7 days" alarm starts: the start of the day DUE_SOON_DAYS before the last day. */
export function dueSoonFrom(dueMs: number, tz: string): number {
  return addDays(new TZDate(dayStart(dueMs - 1, tz), tz), -DUE_SOON_DAYS).getTime();
}

export interface ClockFacts {
  received_ms: number;
  due_ms: number;
  extended_due_ms: number | null;
  delivered_ms: number | null;
  withdrawn_ms: number | null;
  status: 'open' | 'ready' | 'answered' | 'withdrawn';
}

/** The deadline that holds: the extended one, if the request was extended. */
export function effectiveDue(r: Pick<ClockFacts, 'due_ms' | 'extended_due_ms'>): number {
  return r.extended_due_ms ?? r.due_ms;
}

export type ClockState = 'running' | 'due-soon' | 'overdue' | 'answered-in-time' | 'answered-late' | 'withdrawn';

/** Where a request stands against its deadline at `nowMs`, from its facts. */
export function clockState(r: ClockFacts, nowMs: number, tz: string): ClockState {
  const due = effectiveDue(r);
  if (r.status === 'withdrawn') return 'withdrawn';
  if (r.status === 'answered' && r.delivered_ms !== null) return r.delivered_ms < due ? 'answered-in-time' : 'answered-late';
  if (nowMs >= due) return 'overdue';
  return nowMs >= dueSoonFrom(due, tz) ? 'due-soon' : 'running';
}
