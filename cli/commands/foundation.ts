import type { Command } from 'commander';
import { LAYOUT_PRESETS } from '../../common/layout.js';
import { assertTimeZone, formatLocal } from '../../common/time.js';
import { CustodianError } from '../../common/errors.js';
import { audit } from '../../core/audit.js';
import { openCtx } from '../../core/context.js';
import { scanAll, type ScanReport } from '../../core/indexer.js';
import { addRoot, removeRoot, roots as listRoots } from '../../core/roots.js';
import { changeSetting } from '../../core/settings.js';
import { status } from '../../core/status.js';
import { siteKeys } from '../../core/site.js';
import { ensureFirstAdmin } from '../../core/users.js';
import { clockFrom, dataDirFrom, withCtx } from '../context.js';
import { printJson, table } from '../io.js';
import { collect, globals, type CliContext } from './shared.js';

function printScan(c: CliContext, reports: ScanReport[], json: boolean): void {
  if (json) {
    printJson(c.io, { roots: reports });
    return;
  }
  for (const r of reports) {
    if (!r.online) {
      c.io.out(`${r.path}: OFFLINE — ${r.offlineReason ?? ''}. Nothing in it was changed.\n`);
      continue;
    }
    c.io.out(
      `${r.path}: ${r.added} added, ${r.changed} changed, ${r.missing} missing, ${r.unrecognised} unrecognised` +
        `${r.pending ? `, ${r.pending} still being written` : ''}${r.empty ? `, ${r.empty} empty` : ''} (${r.durationMs} ms)\n`,
    );
    if (r.missingRefused) c.io.out(`  ${r.missingRefused} recordings seem to have disappeared at once; not applied (see custodian alarms).\n`);
    for (const u of r.newlyUnrecognised.slice(0, 10)) c.io.out(`  unrecognised: ${u.path} — ${u.reason}\n`);
    for (const p of r.problems.slice(0, 10)) c.io.out(`  problem: ${p}\n`);
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
        if (ctx.settings().siteTimeZone !== opts.timezone) changeSetting(ctx, 'siteTimeZone', opts.timezone);
        const keys = siteKeys(ctx);
        audit(ctx, 'init', { dataDir: ctx.dataDir, keyFingerprint: keys.fingerprint });
        // The first init makes an administrator; its password goes to stderr so --json stays one document.
        const firstAdmin = ensureFirstAdmin(ctx);
        if (firstAdmin) c.io.err(`${firstAdmin.message}\n`);
        const added = opts.storage.map((dir) => addRoot(ctx, { path: dir, layout: opts.layout, adopt: opts.adopt ?? false, ...(opts.layoutTimezone ? { layoutTimeZone: opts.layoutTimezone } : {}) }));
        const out = { dataDir: ctx.dataDir, siteTimeZone: opts.timezone, keyFingerprint: keys.fingerprint, roots: added.map((r) => ({ id: r.id, path: r.path, layout: r.layout, sentinel: r.sentinel_uuid })) };
        if (g.json) printJson(c.io, out);
        else {
          c.io.out(`Data folder: ${ctx.dataDir}\nSite time zone: ${opts.timezone}\nSite signing key fingerprint (give it to package recipients): ${keys.fingerprint}\n`);
          for (const r of out.roots) c.io.out(`Recording root #${r.id}: ${r.path} (layout ${r.layout})\n`);
          c.io.out('Next: "custodian scan" to index, "custodian run" to keep retention running.\n');
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
        else c.io.out(`${table([['id', 'path', 'layout', 'online'], ...rows.map((r) => [r.id, r.path, r.layout, r.online ? 'yes' : `NO: ${r.offline_reason ?? ''}`])])}\n`);
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
        else c.io.out(`Recording root #${r.id}: ${r.path} (layout ${r.layout})\n`);
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
        else c.io.out(`Forgot recording root #${r.id} (${r.path}); its files were not touched.\n`);
      });
    });

  program
    .command('scan')
    .description('reconcile the index with the files on disk now')
    .option('--full', 'list every folder, even those whose modification time is unchanged')
    .action((opts: { full?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        if (listRoots(ctx).length === 0) throw new CustodianError('invalid_request', 'There are no recording roots: add one with "custodian roots add DIR".');
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
        const tz = s.siteTimeZone;
        c.io.out(`Site time zone ${tz}; recordings are kept ${s.retentionMonths} months (deleted from: ${s.retentionHorizon.slice(0, 16).replace('T', ' ')} and older).\n`);
        c.io.out(`Next deletion due: ${s.nextDeletion ? s.nextDeletion.replace('T', ' ') : '—'}\n\nRoots:\n`);
        c.io.out(`${table([['id', 'path', 'online', 'segments'], ...s.roots.map((r) => [r.id, r.path, r.online ? 'yes' : `NO: ${r.offlineReason ?? ''}`, r.segments])])}\n\nCameras:\n`);
        c.io.out(
          `${table([
            ['camera', 'zone', 'segments', 'oldest', 'newest'],
            ...s.cameras.map((cam) => [cam.id, cam.classified ? cam.zone : `${cam.zone} (unclassified)`, cam.segments, cam.oldest ? formatLocal(Date.parse(cam.oldest), tz, 'yyyy-MM-dd HH:mm') : '—', cam.newest ? formatLocal(Date.parse(cam.newest), tz, 'yyyy-MM-dd HH:mm') : '—']),
          ])}\n`,
        );
        c.io.out(`\n${s.segments} segments indexed, ${s.unrecognised} unrecognised files${s.audioSegments ? `, ${s.audioSegments} with AUDIO (policy deviation)` : ''}.\n`);
        if (s.alarms.length === 0) c.io.out('No alarms.\n');
        else {
          c.io.out(`\nAlarms (${s.alarms.length}):\n`);
          for (const a of s.alarms) c.io.out(`  #${a.id} [${a.kind}] ${a.message}${a.conditionEnded ? ' (condition has ended)' : ''}\n`);
        }
      });
    });
}
