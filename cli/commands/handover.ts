import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CustodianError } from '../../common/errors.js';
import { translator } from '../../common/i18n/catalog.js';
import { parseUserTime } from '../../common/time.js';
import { defaultDataDir, openCtx } from '../../core/context.js';
import { exportPackage, verifyPackageForSite } from '../../core/exports.js';
import { recordHandover } from '../../core/handover.js';
import { complianceReport, writeComplianceReport } from '../../core/reports.js';
import { factText, verdictText } from '../../core/report/render.js';
import { clockFrom, dataDirFrom, withCtxAsync } from '../context.js';
import { EXIT, printJson } from '../io.js';
import { progressFor } from '../progress.js';
import { globals, type CliContext } from './shared.js';

export function registerHandover(program: Command, c: CliContext): void {
  program
    .command('export <ref>')
    .description('write an evidence package for the Police or HR that opens and verifies on any computer')
    .requiredOption('--audience <who>', 'police or hr')
    .requiredOption('--out <dir>', 'a new or empty folder for the package')
    .option('--zip', 'also write a zip of the package beside it')
    .action(async (ref: string, opts: { audience: string; out: string; zip?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const bar = progressFor(c.io, g.json ?? false, `Export ${ref}`);
        const weights = { redact: [0, 0.5], copy: [0.5, 0.75], hash: [0.75, 0.9], sign: [0.9, 0.92], zip: [0.92, 1] } as const;
        try {
          const r = await exportPackage(ctx, ref, {
            audience: opts.audience,
            outDir: opts.out,
            zip: opts.zip ?? false,
            onProgress: (p) => {
              const [a, b] = weights[p.phase];
              bar.update(a + (b - a) * p.fraction, p.phase);
            },
          });
          bar.update(1, 'done');
          bar.stop();
          if (g.json) c.io.out(`${JSON.stringify(r)}\n`);
          else {
            c.io.out(`Package ${r.packageId} for ${opts.audience}: ${r.dir}${r.zipPath ? ` (and ${r.zipPath})` : ''}\n${r.files} clip(s), ${r.redacted} with masks burned in.\n`);
            for (const l of r.leftOut) c.io.out(`  left out: clip #${l.clip} (${l.camera}, ${l.subjects}) — ${l.reason}\n`);
            c.io.out(`Manifest SHA-256: ${r.manifestSha256}\n`);
          }
        } finally {
          bar.stop();
        }
      });
    });

  program
    .command('verify <dirOrZip>')
    .description('check a package\'s hashes and signature; names any file changed, added or removed (exit 0 only when whole)')
    .action(async (target: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      if (!existsSync(target)) throw new CustodianError('invalid_request', `There is no package at ${target}.`);
      // With a data folder the package must also be signed by this site's key.
      const dataDir = dataDirFrom(g, c.io);
      const hasSite = existsSync(path.join(dataDir, 'custodian.db')) && (g.data !== undefined || c.io.env.CUSTODIAN_DATA !== undefined || dataDir === defaultDataDir());
      const now = clockFrom(c.io);
      const ctx = hasSite ? openCtx({ dataDir, mustExist: true, ...(now ? { now } : {}) }) : null;
      try {
        const r = await verifyPackageForSite(ctx, target);
        if (g.json) printJson(c.io, { ok: r.ok, packageId: r.manifest?.packageId ?? null, incident: r.manifest?.incident.reference ?? null, problems: r.problems, checkedAgainstSiteKey: ctx !== null });
        else if (r.ok) c.io.out(`The package is whole: ${r.manifest?.files.length ?? 0} clip(s), signature valid${ctx ? ' (this site\'s key)' : ''}.\n`);
        else for (const p of r.problems) c.io.err(`${p.file}: ${p.kind} — ${p.detail}\n`);
        if (!r.ok) c.setExit(EXIT.failed);
      } finally {
        ctx?.close();
      }
    });

  program
    .command('handover <ref>')
    .description('record the formal handover of an exported package; the archived material is then deleted')
    .requiredOption('--to <who>', 'police or hr')
    .requiredOption('--reference <text>', 'their reference: police report number or HR case')
    .requiredOption('--recipient <text>', 'the person who receives it')
    .requiredOption('--package <dir>', 'the package handed over')
    .option('--method <text>', 'how (e.g. in person on USB stick)')
    .option('--note <text>', 'anything else')
    .action(async (ref: string, opts: { to: string; reference: string; recipient: string; package: string; method?: string; note?: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const r = await recordHandover(ctx, ref, { to: opts.to, reference: opts.reference, recipient: opts.recipient, packageDir: opts.package, ...(opts.method ? { method: opts.method } : {}), ...(opts.note ? { note: opts.note } : {}) });
        if (g.json) printJson(c.io, { handover: r.handover.id, incident: r.incident.ref, status: r.incident.status, deleted: r.deletion.deleted, failed: r.deletion.failed, receiptHtml: r.receiptHtml, receiptPdf: r.receiptPdf, retried: r.retried });
        else {
          c.io.out(`${r.retried ? 'Handover already recorded; finished the deletion' : `Handover #${r.handover.id} of ${r.incident.ref} to ${r.handover.organisation} recorded`}.\n`);
          c.io.out(`Deleted ${r.deletion.deleted} archived file(s); incident status: ${r.incident.status}.\nReceipt: ${r.receiptPdf} (and .html)\n`);
        }
        if (r.deletion.failed.length > 0) {
          c.io.err(`${r.deletion.failed.length} file(s) could not be deleted now (${r.deletion.failed[0]?.reason ?? ''}); run the same command again to finish.\n`);
          c.setExit(EXIT.failed);
        }
      });
    });

  program
    .command('report')
    .description('reports for the data protection officer')
    .command('compliance')
    .description('whether P2, P4, P5 and P7 held in a period, and the facts each verdict rests on')
    .requiredOption('--out <file>', 'where to write it')
    .option('--format <html|pdf|json>', 'format', 'html')
    .option('--from <time>', 'start of the period (default: 90 days ago)')
    .option('--to <time>', 'end of the period (default: now)')
    .option('--lang <sv|en>', "language of the words (default: the site's)")
    .action(async (opts: { out: string; format: string; from?: string; to?: string; lang?: string }, cmd: Command) => {
      const g = globals(cmd);
      if (!['html', 'pdf', 'json'].includes(opts.format)) throw new CustodianError('invalid_request', `--format must be html, pdf or json, not "${opts.format}".`);
      if (opts.lang !== undefined && opts.lang !== 'sv' && opts.lang !== 'en') throw new CustodianError('invalid_request', `--lang must be sv or en, not "${opts.lang}".`);
      await withCtxAsync(g, c.io, async (ctx) => {
        const tz = ctx.settings().siteTimeZone;
        const lang = (opts.lang as 'sv' | 'en' | undefined) ?? ctx.settings().language;
        const r = await complianceReport(ctx, { ...(opts.from ? { fromMs: parseUserTime(opts.from, tz) } : {}), ...(opts.to ? { toMs: parseUserTime(opts.to, tz) } : {}) });
        await writeComplianceReport(r, opts.format as 'html' | 'pdf' | 'json', path.resolve(opts.out), lang);
        if (g.json) printJson(c.io, { out: path.resolve(opts.out), verdicts: r.verdicts });
        else {
          const t = translator(lang);
          const lines = r.verdicts.flatMap((v) => [verdictText(t, v), ...v.facts.filter((f) => f.severity !== 'info' || v.status !== 'held').map((f) => `  ${factText(t, f)}`)]);
          c.io.out(`${lines.join('\n')}\nWritten to ${path.resolve(opts.out)}\n`);
        }
      });
    });
}
