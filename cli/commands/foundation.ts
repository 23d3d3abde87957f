import type { Command } from 'commander';
import { compileLayout, LAYOUT_PRESETS } from '../../common/layout.js';
import { SettingsSchema } from '../../common/settings.js';
import { assertTimeZone, formatLocal } from '../../common/time.js';
import { CustodianError, failure } from '../../common/errors.js';
import { english } from '../../common/i18n/catalog.js';
import { audit } from '../../core/audit.js';
import { openCtx } from '../../core/context.js';
import { scanAll, type ScanReport } from '../../core/indexer.js';
import { checkFolder, proposeLayout } from '../../core/layout-detect.js';
import { addRoot, assertAddable, removeRoot, roots as listRoots } from '../../core/roots.js';
import { changeSetting } from '../../core/settings.js';
import { status } from '../../core/status.js';
import { siteKeys } from '../../core/site.js';
import { ensureFirstAdmin } from '../../core/users.js';
import { clockFrom, dataDirFrom, withCtx, withCtxAsync } from '../context.js';
import { printJson, table } from '../io.js';
import { confirmProposal, processConfirmInput, type ChosenLayout, type ConfirmInput } from './layout-prompt.js';
import { collect, globals, type CliContext } from './shared.js';

function registered(r: { id: number; path: string; layout: string; layoutTimeZone: string | null }): string {
  return english({ key: 'layouts:confirm.registered', params: { id: r.id, folder: r.path, layout: r.layout, zone: r.layoutTimeZone ? `, ${r.layoutTimeZone}` : '' } });
}

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

const LAYOUT_HELP = `how the recorder names files: ${LAYOUT_PRESETS.map((p) => p.name).join(', ')} or a pattern (without it Custodian looks at the folder, proposes one and asks)`;
const LANG_HELP = 'language of the proposal (default en)';
const YES_HELP = 'take the layout Custodian proposes without asking (only when it is not in doubt)';

/**
 * The layout of each folder: the one named with --layout, or the one a person confirms after
 * Custodian has looked (null: nothing is to be registered; the exit code is set).
 */
async function layoutsFor(
  c: CliContext,
  input: ConfirmInput,
  dirs: readonly string[],
  opts: { layout?: string; layoutTimezone?: string; yes?: boolean; lang?: string; json: boolean; dataDir: string; siteTimeZone: string; maxSegmentMinutes: number },
): Promise<ChosenLayout[] | null> {
  if (opts.lang !== undefined && opts.lang !== 'sv' && opts.lang !== 'en') throw failure('invalid_request', 'layouts:badLang', { lang: opts.lang });
  const out: ChosenLayout[] = [];
  for (const dir of dirs) {
    let chosen: ChosenLayout | null;
    const folder = { dir, dataDir: opts.dataDir, siteTimeZone: opts.siteTimeZone, maxSegmentMinutes: opts.maxSegmentMinutes };
    if (opts.layout !== undefined) {
      compileLayout(opts.layout, opts.siteTimeZone, opts.layoutTimezone);
      checkFolder(folder);
      chosen = { layout: opts.layout };
    } else {
      const proposal = proposeLayout(folder);
      chosen = await confirmProposal(c.io, input, proposal, { yes: opts.yes ?? false, json: opts.json, siteTimeZone: opts.siteTimeZone, lang: opts.lang === 'sv' ? 'sv' : 'en', setExit: c.setExit });
    }
    if (!chosen) return null;
    out.push(opts.layoutTimezone ? { ...chosen, layoutTimeZone: opts.layoutTimezone } : chosen);
  }
  return out;
}

export function registerFoundation(program: Command, c: CliContext, input: ConfirmInput = processConfirmInput): void {
  program
    .command('init')
    .description('create the data folder and register recording roots (each gets a sentinel file)')
    .requiredOption('--storage <dir>', 'a recording root (repeat for more)', collect, [])
    .option('--layout <name|pattern>', LAYOUT_HELP)
    .option('--layout-timezone <tz>', 'the time zone file names are written in (default: the site\'s; presets carry their own)')
    .option('--yes', YES_HELP)
    .option('--lang <sv|en>', LANG_HELP)
    .option('--timezone <tz>', 'the site time zone', 'Europe/Stockholm')
    .option('--adopt', 'take over roots whose sentinel an earlier installation wrote, restoring the holds copied beside it')
    .action(async (opts: { storage: string[]; layout?: string; layoutTimezone?: string; yes?: boolean; lang?: string; timezone: string; adopt?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      assertTimeZone(opts.timezone);
      if (opts.layoutTimezone !== undefined) assertTimeZone(opts.layoutTimezone);
      const dataDir = dataDirFrom(g, c.io);
      // Every folder's layout is settled before anything is created: a proposal declined leaves no data folder behind.
      const layouts = await layoutsFor(c, input, opts.storage, { ...opts, json: g.json ?? false, dataDir, siteTimeZone: opts.timezone, maxSegmentMinutes: SettingsSchema.shape.maxSegmentMinutes.parse(undefined) });
      if (!layouts) return;
      const now = clockFrom(c.io);
      const ctx = openCtx({ dataDir, ...(now ? { now } : {}) });
      try {
        if (ctx.settings().siteTimeZone !== opts.timezone) changeSetting(ctx, 'siteTimeZone', opts.timezone);
        const keys = siteKeys(ctx);
        audit(ctx, 'init', { dataDir: ctx.dataDir, keyFingerprint: keys.fingerprint });
        // The first init makes an administrator; its password goes to stderr so --json stays one document.
        const firstAdmin = ensureFirstAdmin(ctx);
        if (firstAdmin) c.io.err(`${firstAdmin.message}\n`);
        const added = opts.storage.map((dir, i) => {
          const l = layouts[i] as ChosenLayout;
          return addRoot(ctx, { path: dir, layout: l.layout, adopt: opts.adopt ?? false, ...(l.layoutTimeZone ? { layoutTimeZone: l.layoutTimeZone } : {}) });
        });
        const out = { dataDir: ctx.dataDir, siteTimeZone: opts.timezone, keyFingerprint: keys.fingerprint, roots: added.map((r) => ({ id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz, sentinel: r.sentinel_uuid })) };
        if (g.json) printJson(c.io, out);
        else {
          c.io.out(`Data folder: ${ctx.dataDir}\nSite time zone: ${opts.timezone}\nSite signing key fingerprint (give it to package recipients): ${keys.fingerprint}\n`);
          for (const r of out.roots) c.io.out(`${registered(r)}\n`);
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
    .description('register another recording root (without --layout: Custodian looks at the folder, proposes a layout and asks)')
    .option('--layout <name|pattern>', LAYOUT_HELP)
    .option('--layout-timezone <tz>', 'the time zone file names are written in')
    .option('--yes', YES_HELP)
    .option('--lang <sv|en>', LANG_HELP)
    .option('--adopt', 'take over a root whose sentinel an earlier installation wrote, restoring the holds copied beside it')
    .action(async (dir: string, opts: { layout?: string; layoutTimezone?: string; yes?: boolean; lang?: string; adopt?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      if (opts.layoutTimezone !== undefined) assertTimeZone(opts.layoutTimezone);
      await withCtxAsync(g, c.io, async (ctx) => {
        const s = ctx.settings();
        // A refusal (a link, a system folder, a store, a registered root's storage) is said before any proposal.
        assertAddable(ctx, dir);
        const layouts = await layoutsFor(c, input, [dir], { ...opts, json: g.json ?? false, dataDir: ctx.dataDir, siteTimeZone: s.siteTimeZone, maxSegmentMinutes: s.maxSegmentMinutes });
        const l = layouts?.[0];
        if (!l) return;
        const r = addRoot(ctx, { path: dir, layout: l.layout, adopt: opts.adopt ?? false, ...(l.layoutTimeZone ? { layoutTimeZone: l.layoutTimeZone } : {}) });
        if (g.json) printJson(c.io, { id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz, sentinel: r.sentinel_uuid });
        else c.io.out(`${registered({ id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz })}\n`);
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
