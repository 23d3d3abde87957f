import type { Command } from 'commander';
import { compileLayout, LAYOUT_PRESETS } from '../../common/layout.js';
import { SettingsSchema } from '../../common/settings.js';
import { assertTimeZone } from '../../common/time.js';
import { failure } from '../../common/errors.js';
import { english } from '../../common/i18n/catalog.js';
import { textMsg } from '../../common/i18n/words.js';
import { audit } from '../../core/audit.js';
import { openCtx } from '../../core/context.js';
import { scanAll, type ScanReport } from '../../core/indexer.js';
import { checkFolder, proposeLayout } from '../../core/layout-detect.js';
import { addRoot, assertAddable, removeRoot, roots as listRoots } from '../../core/roots.js';
import { changeSetting } from '../../core/settings.js';
import { status } from '../../core/status.js';
import { siteKeys } from '../../core/site.js';
import { ensureFirstAdmin } from '../../core/users.js';
import { clockFrom, dataDirFrom, settleLanguage, withCtx, withCtxAsync } from '../context.js';
import { printJson, sentence, table, when, words } from '../io.js';
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
        settleLanguage(g, c.io, ctx);
        if (ctx.settings().siteTimeZone !== opts.timezone) changeSetting(ctx, 'siteTimeZone', opts.timezone);
        const keys = siteKeys(ctx);
        audit(ctx, 'init', { dataDir: ctx.dataDir, keyFingerprint: keys.fingerprint });
        // The first init makes an administrator; its password goes to stderr so --json stays one document.
        const firstAdmin = ensureFirstAdmin(ctx);
        if (firstAdmin) c.io.err(`${words(c.io)(firstAdmin.msg)}\n`);
        const added = opts.storage.map((dir, i) => {
          const l = layouts[i] as ChosenLayout;
          return addRoot(ctx, { path: dir, layout: l.layout, adopt: opts.adopt ?? false, ...(l.layoutTimeZone ? { layoutTimeZone: l.layoutTimeZone } : {}) });
        });
        const out = { dataDir: ctx.dataDir, siteTimeZone: opts.timezone, keyFingerprint: keys.fingerprint, roots: added.map((r) => ({ id: r.id, path: r.path, layout: r.layout, layoutTimeZone: r.layout_tz, sentinel: r.sentinel_uuid })) };
        if (g.json) printJson(c.io, out);
        else {
          const t = words(c.io);
          c.io.out(`${t('cli:initDataFolder', { folder: ctx.dataDir })}\n${t('cli:initTimeZone', { tz: opts.timezone })}\n${t('cli:initFingerprint', { fingerprint: keys.fingerprint })}\n`);
          for (const r of out.roots) c.io.out(`${registered(r)}\n`);
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
