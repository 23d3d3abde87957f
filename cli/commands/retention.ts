import type { Command } from 'commander';
import { failure } from '../../common/errors.js';
import { actorMsg, textMsg } from '../../common/i18n/words.js';
import { SettingsSchema, type SettingKey } from '../../common/settings.js';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { acknowledgeAlarm, alarmList, alarmView } from '../../core/alarms.js';
import { addHold, holds, releaseHoldById } from '../../core/holds.js';
import { sweep, type SweepReport } from '../../core/retention.js';
import { changeSetting, coerceSettingValue } from '../../core/settings.js';
import { withCtx } from '../context.js';
import { EXIT, printJson, sentence, table, when, words, type Io } from '../io.js';
import { registerDpoLogs } from './logs.js';
import { collect, globals, positiveInt, type CliContext } from './shared.js';

/** Why a sweep was refused, in the reader's words. */
export function refusalWords(io: Io, r: Pick<SweepReport, 'refusals'>): string {
  const t = words(io);
  return r.refusals.map((m) => t(m)).join('; ');
}

export function registerRetention(program: Command, c: CliContext): void {
  program
    .command('sweep')
    .description('delete every recording that is due now (or list it with --dry-run)')
    .option('--dry-run', 'show what would be deleted and when the next deletion is due; delete nothing')
    .action((opts: { dryRun?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = sweep(ctx, { dryRun: opts.dryRun ?? false });
        const tz = ctx.settings().siteTimeZone;
        const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
        if (g.json) {
          printJson(c.io, {
            deleted: r.deleted,
            held: r.held,
            due: r.due,
            deferred: r.deferred,
            refused: r.refused,
            refusals: r.refusals,
            alarms: r.alarms,
            dryRun: r.dryRun,
            sweep: r.sweep,
            durationMs: r.durationMs,
            cutoff: iso(r.cutoffMs),
            nextDue: iso(r.nextDueMs),
            leftAlone: r.leftAlone,
            roots: r.roots,
            ...(r.dryRun ? { wouldDelete: r.items.map((i) => ({ ...i, start: iso(i.startMs), end: iso(i.endMs), dueAt: iso(i.dueMs) })) } : {}),
          });
        } else {
          const t = words(c.io);
          if (r.dryRun) {
            c.io.out(`${t('cli:dryRun', { due: r.due, cutoff: iso(r.cutoffMs), held: r.held })}\n`);
            for (const i of r.items.slice(0, 20)) c.io.out(`${t('cli:wouldDelete', { path: i.path, due: iso(i.dueMs) })}\n`);
            if (r.items.length > 20) c.io.out(`${t('cli:andMore', { count: r.due - 20 })}\n`);
          } else {
            c.io.out(`${t('cli:swept', { deleted: r.deleted, held: r.held, deferred: r.deferred ? t('cli:sweptDeferred', { count: r.deferred }) : '' })}\n`);
          }
          for (const l of r.leftAlone.slice(0, 10)) c.io.out(`${t('cli:leftAlone', { path: l.path, reason: textMsg(l.reason) })}\n`);
          c.io.out(`${t('cli:nextDeletion', { when: when(c.io, iso(r.nextDueMs)) })}\n`);
          if (r.refused) c.io.err(`${t('cli:refused', { reason: refusalWords(c.io, r), alarms: r.alarms.length > 0 ? t('cli:refusedAlarms', { alarms: r.alarms.map((a) => `#${a}`).join(', ') }) : '' })}\n`);
        }
        if (r.refused) c.setExit(EXIT.refused);
      });
    });

  const hold = program.command('hold').description('keep recordings of cameras in a time window from deletion');
  hold
    .command('add')
    .description('add a hold (prints its id)')
    .requiredOption('--camera <id>', 'camera (repeat for more)', collect, [])
    .requiredOption('--from <time>', 'ISO 8601; site time when no offset is given')
    .requiredOption('--to <time>', 'ISO 8601; site time when no offset is given')
    .requiredOption('--reason <text>', 'why')
    .action((opts: { camera: string[]; from: string; to: string; reason: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const tz = ctx.settings().siteTimeZone;
        const h = addHold(ctx, { cameras: opts.camera, fromMs: parseUserTime(opts.from, tz), toMs: parseUserTime(opts.to, tz), reason: opts.reason });
        if (g.json) printJson(c.io, { id: h.id, cameras: opts.camera, from: formatInstant(h.from_ms, tz), to: formatInstant(h.to_ms, tz), reason: h.reason });
        else c.io.out(`${h.id}\n`);
      });
    });
  hold
    .command('release <id>')
    .description('release a hold')
    .requiredOption('--reason <text>', 'why')
    .action((id: string, opts: { reason: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const h = releaseHoldById(ctx, positiveInt(id), opts.reason);
        if (g.json) printJson(c.io, { id: h.id, released: true });
        else c.io.out(`${words(c.io)('cli:holdReleased', { id: h.id })}\n`);
      });
    });
  hold
    .command('list')
    .description('list holds')
    .option('--all', 'include released holds')
    .action((opts: { all?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const tz = ctx.settings().siteTimeZone;
        const rows = holds(ctx, opts.all ?? false).map((h) => ({
          id: h.id,
          cameras: h.cameras ? h.cameras.split(',') : [],
          from: formatInstant(h.from_ms, tz),
          to: formatInstant(h.to_ms, tz),
          reason: h.reason,
          source: h.source,
          sourceRef: h.source_ref,
          createdBy: h.created_by,
          released: h.released_ms === null ? null : formatInstant(h.released_ms, tz),
        }));
        if (g.json) printJson(c.io, { holds: rows });
        else {
          const t = words(c.io);
          c.io.out(`${table([[t('cli:colId'), t('cli:colCameras'), t('cli:colFrom'), t('cli:colTo'), t('cli:colReason'), t('cli:colReleased')], ...rows.map((h) => [h.id, h.cameras.join(','), when(c.io, h.from), when(c.io, h.to), t(textMsg(h.reason)), h.released ? when(c.io, h.released) : ''])])}\n`);
        }
      });
    });

  const alarms = program
    .command('alarms')
    .description('alarms that need a person (ack one with "alarms ack ID")')
    .option('--all', 'include acknowledged alarms of the last 90 days')
    .action((opts: { all?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const rows = alarmList(ctx, opts.all ?? false).map((a) => alarmView(ctx, a));
        if (g.json) printJson(c.io, { alarms: rows });
        else if (rows.length === 0) c.io.out(`${words(c.io)('cli:noAlarms')}\n`);
        else {
          const t = words(c.io);
          for (const a of rows) {
            c.io.out(`${t('cli:alarmHead', { id: a.id, kind: t(`ui:alarmKinds.${a.kind}`), raised: a.raised })}\n  ${sentence(c.io, a.msg, a.message)}\n`);
            if (a.acknowledged) c.io.out(`${t('cli:alarmAcked', { when: a.acknowledged, by: actorMsg(a.acknowledgedBy ?? '') })}\n`);
          }
        }
      });
    });
  alarms
    .command('ack <id>')
    .description('acknowledge an alarm (for a paused deletion: lets the next sweep go ahead)')
    .option('--note <text>', 'what you checked')
    .action((id: string, opts: { note?: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const a = acknowledgeAlarm(ctx, positiveInt(id), opts.note ?? null);
        if (g.json) printJson(c.io, { id: a.id, acknowledged: true, by: a.acked_by });
        else c.io.out(`${words(c.io)('cli:alarmAck', { id: a.id })}\n`);
      });
    });

  const log = program.command('log').description('the logs the data protection officer reviews');
  registerDpoLogs(log, c);

  const settings = program.command('settings').description('show or change site settings (every change is audit-logged)');
  settings
    .command('show')
    .description('all settings with their values')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const s = ctx.settings();
        if (g.json) printJson(c.io, s);
        else c.io.out(`${table(Object.entries(s).map(([k, v]) => [k, JSON.stringify(v)]))}\n`);
      });
    });
  settings
    .command('set <key> <value>')
    .description(`change a setting (${Object.keys(SettingsSchema.shape).join(', ')})`)
    .action((key: string, value: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      if (!(key in SettingsSchema.shape)) throw failure('invalid_request', 'cli:noSettingList', { key, keys: Object.keys(SettingsSchema.shape).join(', ') });
      withCtx(g, c.io, (ctx) => {
        const v = changeSetting(ctx, key as SettingKey, coerceSettingValue(key as SettingKey, value));
        if (g.json) printJson(c.io, { [key]: v });
        else c.io.out(`${key} = ${JSON.stringify(v)}\n`);
      });
    });
}
