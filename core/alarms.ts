/**
 * Alarms: conditions a person must see. Raising an alarm that is already open only refreshes
 * it; every raise and acknowledgement is audit-logged. Blocking kinds pause deletion until
 * acknowledged.
 */
import { BLOCKING_ALARMS, type AlarmKind } from '../common/domain.js';
import { failure } from '../common/errors.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import { storedMsg } from '../common/i18n/words.js';
import { ackAlarm, clearAlarm, getAlarm, insertAlarm, listAlarms, listOpenAlarms, openAlarmByKey, touchAlarm, type AlarmRow } from '../db/alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import type { AlarmView } from '../common/api/types.js';
import { formatInstant } from '../common/time.js';

/**
 * What an alarm says is `msg` (a catalogue sentence with its parameters): it goes into the
 * alarm's details for every face to render in its reader's language, and its English rendering
 * is the stored `message` (the log form). `message` alone is for callers not converted yet.
 */
export function raiseAlarm(
  ctx: Ctx,
  alarm: { kind: AlarmKind; key: string; rootId?: number | null; details?: Record<string, unknown> } & ({ msg: Msg; message?: string } | { message: string; msg?: undefined }),
): number {
  const a = alarm.msg ? { ...alarm, message: alarm.message ?? english(alarm.msg), details: { ...(alarm.details ?? {}), msg: alarm.msg } } : { ...alarm, message: alarm.message as string };
  const now = ctx.now();
  const open = openAlarmByKey(ctx.db, a.key);
  if (open) {
    touchAlarm(ctx.db, open.id, a.message, a.details ?? {}, now);
    return open.id;
  }
  const id = insertAlarm(ctx.db, { kind: a.kind, key: a.key, rootId: a.rootId ?? null, message: a.message, details: a.details ?? {}, nowMs: now });
  audit(ctx, 'alarm.raised', { alarm: id, kind: a.kind, message: a.message, ...(a.details ?? {}) });
  return id;
}

/** The condition behind an alarm has ended; the alarm stays visible until acknowledged. */
export function conditionEnded(ctx: Ctx, key: string): void {
  const open = openAlarmByKey(ctx.db, key);
  if (open && open.cleared_ms === null) clearAlarm(ctx.db, open.id, ctx.now());
}

export function acknowledgeAlarm(ctx: Ctx, id: number, note: string | null): AlarmRow {
  const row = getAlarm(ctx.db, id);
  if (!row) throw failure('not_found', 'alarm:errNoAlarm', { alarm: id });
  if (row.acked_ms !== null) throw failure('conflict', 'alarm:errAcked', { alarm: id, by: row.acked_by ?? { key: 'incident:unknownActor' } });
  ackAlarm(ctx.db, id, ctx.actor.name, note, ctx.now());
  audit(ctx, 'alarm.acknowledged', { alarm: id, kind: row.kind, note });
  return getAlarm(ctx.db, id) as AlarmRow;
}

export function openAlarms(ctx: Ctx): AlarmRow[] {
  return listOpenAlarms(ctx.db);
}

export function blockingAlarms(ctx: Ctx, rootId?: number): AlarmRow[] {
  return listOpenAlarms(ctx.db).filter(
    (a) => BLOCKING_ALARMS.has(a.kind as AlarmKind) && (rootId === undefined || a.root_id === null || a.root_id === rootId),
  );
}

/** Open alarms, or with `all` also those acknowledged in the last `days` days. */
export function alarmList(ctx: Ctx, all: boolean, days = 90): AlarmRow[] {
  return all ? listAlarms(ctx.db, ctx.now() - days * 86_400_000) : listOpenAlarms(ctx.db);
}

/** What an alarm says as a Msg: the one it was raised with, or (raised before alarms carried one) its stored English read back. */
export function alarmMsg(a: Pick<AlarmRow, 'message' | 'details'>): Msg | null {
  const d = JSON.parse(a.details) as { msg?: unknown };
  return storedMsg(d.msg, a.message);
}

/** An alarm as people and programs read it (the API contract's AlarmView). */
export function alarmView(ctx: Ctx, a: AlarmRow): AlarmView {
  const tz = ctx.settings().siteTimeZone;
  return {
    id: a.id,
    kind: a.kind,
    message: a.message,
    msg: alarmMsg(a),
    raised: formatInstant(a.raised_ms, tz),
    acknowledged: a.acked_ms === null ? null : formatInstant(a.acked_ms, tz),
    acknowledgedBy: a.acked_by,
    conditionEnded: a.cleared_ms !== null,
    details: JSON.parse(a.details) as unknown,
  };
}

/**
 * An acknowledged alarm is a one-time permission for what the person saw, not for anything
 * worse: it covers the current condition only if its measure (`field` in the alarm's details: how
 * many would be deleted, how far the clock is off) is no larger than when it was acknowledged,
 * give or take `slack`.
 */
export function permitCovers(permit: AlarmRow, field: string, now: number, slack: (acked: number) => number): boolean {
  let acked: unknown;
  try {
    acked = (JSON.parse(permit.details) as Record<string, unknown>)[field];
  } catch {
    return false;
  }
  return typeof acked === 'number' && now <= acked + slack(acked);
}
