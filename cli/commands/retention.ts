import type { Command } from 'commander';
import { CustodianError } from '../../common/errors.js';
import { SettingsSchema, type SettingKey } from '../../common/settings.js';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { acknowledgeAlarm, alarmList, alarmView } from '../../core/alarms.js';
import { addHold, holds, releaseHoldById } from '../../core/holds.js';
import { sweep } from '../../core/retention.js';
import { changeSetting, coerceSettingValue } from '../../core/settings.js';
import { withCtx } from '../context.js';
import { EXIT, printJson, table } from '../io.js';
import { registerDpoLogs } from './logs.js';
import { collect, globals, positiveInt, type CliContext } from './shared.js';

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
          if (r.dryRun) {
            c.io.out(`Dry run: ${r.due} recordings are due (ended before ${iso(r.cutoffMs)}), ${r.held} of the due ones are held.\n`);
            for (const i of r.items.slice(0, 20)) c.io.out(`  would delete ${i.path} (due ${iso(i.dueMs)})\n`);
            if (r.items.length > 20) c.io.out(`  … and ${r.due - 20} more\n`);
          } else {
            c.io.out(`Deleted ${r.deleted} recordings; ${r.held} due ones are held${r.deferred ? `; ${r.deferred} could not be deleted now and will be retried` : ''}.\n`);
          }
          for (const l of r.leftAlone.slice(0, 10)) c.io.out(`  left alone: ${l.path} — ${l.reason}\n`);
          c.io.out(`Next deletion due: ${iso(r.nextDueMs) ?? '—'}\n`);
          if (r.refused) c.io.err(`Refused by a safety rule: ${r.refused}${r.alarms.length > 0 ? ` See "custodian alarms" (alarm ${r.alarms.map((a) => `#${a}`).join(', ')}).` : ''}\n`);
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
        else c.io.out(`Hold #${h.id} released.\n`);
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
        else c.io.out(`${table([['id', 'cameras', 'from', 'to', 'reason', 'released'], ...rows.map((h) => [h.id, h.cameras.join(','), h.from, h.to, h.reason, h.released ?? ''])])}\n`);
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
        else if (rows.length === 0) c.io.out('No alarms.\n');
        else for (const a of rows) c.io.out(`#${a.id} [${a.kind}] ${a.raised}\n  ${a.message}\n${a.acknowledged ? `  acknowledged ${a.acknowledged} by ${a.acknowledgedBy ?? ''}\n` : ''}`);
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
        else c.io.out(`Alarm #${a.id} acknowledged.\n`);
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
      if (!(key in SettingsSchema.shape)) throw new CustodianError('invalid_request', `There is no setting "${key}". Settings: ${Object.keys(SettingsSchema.shape).join(', ')}.`);
      withCtx(g, c.io, (ctx) => {
        const v = changeSetting(ctx, key as SettingKey, coerceSettingValue(key as SettingKey, value));
        if (g.json) printJson(c.io, { [key]: v });
        else c.io.out(`${key} = ${JSON.stringify(v)}\n`);
      });
    });
}
