/**
 * The records commands: `audit verify` (are the records whole, checked against the anchors),
 * `audit anchor` (sign the chain's head now), `backup` and `restore`.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { failure } from '../../common/errors.js';
import { english, type Msg } from '../../common/i18n/catalog.js';
import { anchorChain } from '../../core/anchors.js';
import { backupTo, restoreBackup } from '../../core/backup.js';
import { verifyRecords, type RecordsVerdict } from '../../core/records.js';
import { clockFrom, dataDirFrom, withCtx, withCtxAsync } from '../context.js';
import { EXIT, printJson } from '../io.js';
import { collect, globals, type CliContext } from './shared.js';

const say = (key: string, params: Msg['params'] = {}): string => `${english({ key: `records:${key}`, params })}\n`;

function expectation(text: string): { seq: number; hash: string } {
  const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!m) throw failure('invalid_request', 'records:cli.badExpect', { text });
  return { seq: Number(m[1]), hash: (m[2] as string).toLowerCase() };
}

function printVerdict(c: CliContext, v: RecordsVerdict): void {
  if (!v.ok) {
    c.io.err(say('verify.broken', { first: v.firstBroken?.text ?? '' }));
    for (const p of v.problems.slice(1, 10)) c.io.err(`  ${p.text}\n`);
    if (v.problemCount > 10) c.io.err(say('verify.more', { n: v.problemCount - 10 }));
    return;
  }
  c.io.out(say('verify.whole', { audit: v.records.audit ?? 0, deletions: v.records.deletions ?? 0, handovers: v.records.handovers ?? 0, entries: v.entries }));
  if ((v.pruned.deletions ?? 0) + (v.pruned.handovers ?? 0) > 0) c.io.out(say('verify.pruned', { deletions: v.pruned.deletions ?? 0, handovers: v.pruned.handovers ?? 0 }));
  if (v.anchors.latest) c.io.out(say('verify.anchored', { valid: v.anchors.valid, seq: v.anchors.latest.seq, at: v.anchors.latest.at, unanchored: v.anchors.unanchored }));
  else c.io.out(say('verify.noAnchor'));
}

export function registerRecords(program: Command, c: CliContext): void {
  const auditCmd = program.command('audit').description('the records nobody can quietly change: audit events, deletion and handover records in one signed chain');
  auditCmd
    .command('verify')
    .description('check that the records are whole (exit 0) or name the first bad record (exit 1)')
    .option('--anchor <file>', 'also check against an anchor kept elsewhere (repeat for more)', collect, [])
    .option('--expect <seq:hash>', 'the chain must have this hash at this entry (from a receipt or report; repeat for more)', collect, [])
    .option('--key-fingerprint <hex>', 'the site key must be this one (the fingerprint you were given)')
    .action((opts: { anchor: string[]; expect: string[]; keyFingerprint?: string }, cmd: Command) => {
      const g = globals(cmd);
      const expect = opts.expect.map(expectation);
      withCtx(g, c.io, (ctx) => {
        const v = verifyRecords(ctx, { anchors: opts.anchor, expect, holdCopies: true, ...(opts.keyFingerprint ? { keyFingerprint: opts.keyFingerprint } : {}) });
        if (g.json) printJson(c.io, v);
        else printVerdict(c, v);
        if (!v.ok) c.setExit(EXIT.failed);
      });
    });
  auditCmd
    .command('anchor')
    .description('sign the chain\'s head with the site key now and write the anchor to <data>/anchors/')
    .option('--why <text>', 'why (kept in the anchor)', 'manual')
    .action((opts: { why: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const a = anchorChain(ctx, opts.why);
        if (g.json) printJson(c.io, a);
        else c.io.out(say('anchor.made', { seq: a.seq, hash: a.hash, fingerprint: a.keyFingerprint, file: a.file }));
      });
    });

  program
    .command('backup')
    .description('copy the database with SQLite\'s online backup (safe while the service runs) into a folder')
    .option('--to <dir>', 'the folder (default: the backupDir setting)')
    .action(async (opts: { to?: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const dir = opts.to ?? ctx.settings().backupDir;
        if (!dir) throw failure('invalid_request', 'records:backup.noDir');
        const r = await backupTo(ctx, dir, 'manual');
        if (g.json) printJson(c.io, r);
        else {
          c.io.out(say('backup.done', { file: r.file, bytes: r.bytes, seq: r.head?.seq ?? 0 }));
          if (r.anchorProblem) c.io.err(`${r.anchorProblem}\n`);
        }
      });
    });

  program
    .command('restore')
    .description('replace the database with a backup (the one there is moved aside), then reconcile with the disk and the anchors')
    .requiredOption('--from <file>', 'a backup written by "custodian backup"')
    .option('--force', 'restore even a backup that does not agree with its anchors')
    .action(async (opts: { from: string; force?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const now = clockFrom(c.io);
      const r = await restoreBackup({ dataDir: dataDirFrom(g, c.io), from: opts.from, force: opts.force ?? false, ...(now ? { now } : {}) });
      if (g.json) {
        printJson(c.io, { ...r, notVouched: r.notVouched.map((m) => ({ ...m, text: english(m) })) });
        return;
      }
      c.io.out(say('restore.done', { from: path.resolve(opts.from), seq: r.backupHead?.seq ?? 0, holds: r.holdsRestored }));
      if (r.replaced) c.io.out(say('restore.replaced', { file: r.replaced }));
      c.io.out(say('restore.cannotVouch'));
      for (const m of r.notVouched) c.io.out(`  ${english(m)}\n`);
      if (!r.verdict.ok) c.setExit(EXIT.failed);
    });
}
