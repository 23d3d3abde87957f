import type { Command } from 'commander';
import { LAYOUT_PRESETS } from '../../common/layout.js';
import { assertTimeZone } from '../../common/time.js';
import { failure } from '../../common/errors.js';
import { textMsg } from '../../common/i18n/words.js';
import { audit } from '../../core/audit.js';
import { openCtx } from '../../core/context.js';
import { scanAll, type ScanReport } from '../../core/indexer.js';
import { addRoot, removeRoot, roots as listRoots } from '../../core/roots.js';
import { changeSetting } from '../../core/settings.js';
import { status } from '../../core/status.js';
import { siteKeys } from '../../core/site.js';
import { ensureFirstAdmin } from '../../core/users.js';
import { clockFrom, dataDirFrom, settleLanguage, withCtx } from '../context.js';
import { printJson, sentence, table, when, words } from '../io.js';
import { collect, globals, type CliContext } from './shared.js';

function printScan(c: CliContext, reports: ScanReport[], json: boolean): void {
  if (json) {
    printJson(c.io, { roots: reports });
    return;
  }
  const t = words(c.io);
  for (const r of reports) {
    if (!r.online) {
      c.io.out(`${t('cli:scanOffline', { path: r.path, reason: textMsg(r.offlineReason ?? '') })}\n`);
      continue;
    }
    const more = `${r.pending ? t('cli:scanPending', { count: r.pending }) : ''}${r.empty ? t('cli:scanEmpty', { count: r.empty }) : ''}`;
    c.io.out(`${t('cli:scanLine', { path: r.path, added: r.added, changed: r.changed, missing: r.missing, unrecognised: r.unrecognised, more, ms: r.durationMs })}\n`);
    if (r.missingRefused) c.io.out(`${t('cli:scanMissingRefused', { count: r.missingRefused })}\n`);
    for (const u of r.newlyUnrecognised.slice(0, 10)) c.io.out(`${t('cli:scanUnrecognised', { path: u.path, reason: textMsg(u.reason) })}\n`);
    for (const p of r.problems.slice(0, 10)) c.io.out(`${t('cli:scanProblem', { problem: textMsg(p) })}\n`);
  }
}

export function registerFoundation(program: Command, c: CliContext): void {
  program
    .command('init')
    .description('create the data folder and register recording roots (each gets a sentinel file)')
    .requiredOption('--storage <dir>', 'a recording root (repeat for more)', collect, [])
    .option('--layout <name|pattern>', `how the recorder names files: ${LAYOUT_PRESETS.map((p) => p.name).join(', ')} or a pattern`, 'camera-date-time')
    .option('--layout-timezone <tz>', 'the time zone file names are written in (default: the site\'s; presets carry their own)')
    .option('--timezone <tz>', 'the site time zone', 'Europe/Stockholm')
    .option('--adopt', 'take over roots whose sentinel an earlier installation wrote, restoring the holds copied beside it')
    .action((opts: { storage: string[]; layout: string; layoutTimezone?: string; timezone: string; adopt?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      assertTimeZone(opts.timezone);
      const now = clockFrom(c.io);
      const ctx = openCtx({ dataDir: dataDirFrom(g, c.io), ...(now ? { now } : {}) });
      try {
        settleLanguage(g, c.io, ctx);
        if (ctx.settings().siteTimeZone !== opts.timezone) changeSetting(ctx, 'siteTimeZone', opts.timezone);
        const keys = siteKeys(ctx);
        audit(ctx, 'init', { dataDir: ctx.dataDir, keyFingerprint: keys.fingerprint });
        // The first init makes an administrator; its password goes to stderr so --json stays one document.
        const firstAdmin = ensureFirstAdmin(ctx);
        if (firstAdmin) c.io.err(`${words(c.io)(firstAdmin.msg)}\n`);
        const added = opts.storage.map((dir) => addRoot(ctx, { path: dir, layout: opts.layout, adopt: opts.adopt ?? false, ...(opts.layoutTimezone ? { layoutTimeZone: opts.layoutTimezone } : {}) }));
        const out = { dataDir: ctx.dataDir, siteTimeZone: opts.timezone, keyFingerprint: keys.fingerprint, roots: added.map((r) => ({ id: r.id, path: r.path, layout: r.layout, sentinel: r.sentinel_uuid })) };
        if (g.json) printJson(c.io, out);
        else {
          const t = words(c.io);
          c.io.out(`${t('cli:initDataFolder', { folder: ctx.dataDir })}\n${t('cli:initTimeZone', { tz: opts.timezone })}\n${t('cli:initFingerprint', { fingerprint: keys.fingerprint })}\n`);
          for (const r of out.roots) c.io.out(`${t('cli:rootLine', { id: r.id, path: r.path, layout: r.layout })}\n`);
          c.io.out(`${t('cli:initNext')}\n`);
        }
      } finally {
        ctx.close();
      }
    });

  const roots = program.command('roots').description('list, add or remove recording roots');
  roots
    .command('list')
    .description('list recording roots')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const rows = listRoots(ctx);
        if (g.json) printJson(c.io, { roots: rows.map((r) => ({ id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz, online: r.online === 1, offlineReason: r.offline_reason })) });
        else {
          const t = words(c.io);
          c.io.out(`${table([[t('cli:colId'), t('cli:colPath'), t('cli:colLayout'), t('cli:colOnline')], ...rows.map((r) => [r.id, r.path, r.layout, r.online ? t('cli:yes') : t('cli:offlineNo', { reason: textMsg(r.offline_reason ?? '') })])])}\n`);
        }
      });
    });
  roots
    .command('add <dir>')
    .description('register another recording root')
    .option('--layout <name|pattern>', 'layout preset or pattern', 'camera-date-time')
    .option('--layout-timezone <tz>', 'the time zone file names are written in')
    .option('--adopt', 'take over a root whose sentinel an earlier installation wrote, restoring the holds copied beside it')
    .action((dir: string, opts: { layout: string; layoutTimezone?: string; adopt?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = addRoot(ctx, { path: dir, layout: opts.layout, adopt: opts.adopt ?? false, ...(opts.layoutTimezone ? { layoutTimeZone: opts.layoutTimezone } : {}) });
        if (g.json) printJson(c.io, { id: r.id, path: r.path, layout: r.layout, sentinel: r.sentinel_uuid });
        else c.io.out(`${words(c.io)('cli:rootLine', { id: r.id, path: r.path, layout: r.layout })}\n`);
      });
    });
  roots
    .command('remove <idOrPath>')
    .description('forget a recording root and its index (its files are left where they are)')
    .action((idOrPath: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = removeRoot(ctx, idOrPath);
        if (g.json) printJson(c.io, { removed: { id: r.id, path: r.path } });
        else c.io.out(`${words(c.io)('cli:rootForgotten', { id: r.id, path: r.path })}\n`);
      });
    });

  program
    .command('scan')
    .description('reconcile the index with the files on disk now')
    .option('--full', 'list every folder, even those whose modification time is unchanged')
    .action((opts: { full?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        if (listRoots(ctx).length === 0) throw failure('invalid_request', 'core:noRoots');
        printScan(c, scanAll(ctx, { full: opts.full ?? false }), g.json ?? false);
      });
    });

  program
    .command('status')
    .description('roots, cameras, segment counts, oldest and newest recording, alarms')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const s = status(ctx);
        if (g.json) {
          printJson(c.io, s);
          return;
        }
        const t = words(c.io);
        const zone = (z: string): string => t(`ui:zones.${z}`);
        c.io.out(`${t('cli:statusHead', { tz: s.siteTimeZone, months: s.retentionMonths, horizon: s.retentionHorizon })}\n`);
        c.io.out(`${t('cli:statusNext', { when: when(c.io, s.nextDeletion) })}\n\n${t('cli:statusRoots')}\n`);
        c.io.out(`${table([[t('cli:colId'), t('cli:colPath'), t('cli:colOnline'), t('cli:colSegments')], ...s.roots.map((r) => [r.id, r.path, r.online ? t('cli:yes') : t('cli:offlineNo', { reason: textMsg(r.offlineReason ?? '') }), r.segments])])}\n\n${t('cli:statusCameras')}\n`);
        c.io.out(
          `${table([
            [t('cli:colCamera'), t('cli:colZone'), t('cli:colSegments'), t('cli:colOldest'), t('cli:colNewest')],
            ...s.cameras.map((cam) => [cam.name ? `${cam.name} (${cam.id})` : cam.id, cam.classified ? zone(cam.zone) : t('cli:unclassified', { zone: zone(cam.zone) }), cam.segments, when(c.io, cam.oldest), when(c.io, cam.newest)]),
          ])}\n`,
        );
        c.io.out(`\n${t('cli:statusCounts', { segments: s.segments, unrecognised: s.unrecognised, audio: s.audioSegments ? t('cli:statusAudio', { count: s.audioSegments }) : '' })}\n`);
        if (s.alarms.length === 0) c.io.out(`${t('cli:noAlarms')}\n`);
        else {
          c.io.out(`\n${t('cli:alarmsHead', { count: s.alarms.length })}\n`);
          for (const a of s.alarms) c.io.out(`${t('cli:alarmLine', { id: a.id, kind: t(`ui:alarmKinds.${a.kind}`), text: sentence(c.io, a.msg, a.message), ended: a.conditionEnded ? t('cli:alarmEnded') : '' })}\n`);
        }
      });
    });
}
