import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { failure } from '../../common/errors.js';
import { english, translator, type Translate } from '../../common/i18n/catalog.js';
import { organisationMsg, textMsg } from '../../common/i18n/words.js';
import { VERIFY_COMMANDS, normalizeFingerprint } from '../../common/manifest.js';
import { parseUserTime } from '../../common/time.js';
import { defaultDataDir, openCtx } from '../../core/context.js';
import { exportPackage, verifyPackageForSite } from '../../core/exports.js';
import { discardPackage, recordHandover } from '../../core/handover.js';
import { complianceReport, writeComplianceReport } from '../../core/reports.js';
import { factText, verdictText } from '../../core/report/render.js';
import { clockFrom, dataDirFrom, settleLanguage, withCtxAsync } from '../context.js';
import { EXIT, printJson, words } from '../io.js';
import { progressFor } from '../progress.js';
import { globals, type CliContext } from './shared.js';

/** Audiences as the reader names them: "HR, Polisen". */
function audiencesWords(t: Translate, audiences: readonly string[]): string {
  return [...new Set(audiences)].map((a) => t(`evidence:audience-${a}`)).join(', ');
}

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
        const t = words(c.io);
        const bar = progressFor(c.io, g.json ?? false, t('cli:exportTitle', { ref }));
        const weights = { redact: [0, 0.5], copy: [0.5, 0.75], hash: [0.75, 0.9], sign: [0.9, 0.92], zip: [0.92, 1] } as const;
        try {
          const r = await exportPackage(ctx, ref, {
            audience: opts.audience,
            outDir: opts.out,
            zip: opts.zip ?? false,
            onProgress: (p) => {
              const [a, b] = weights[p.phase];
              bar.update(a + (b - a) * p.fraction, t(`ui:steps.${p.phase}`));
            },
          });
          bar.update(1, t('cli:done'));
          bar.stop();
          if (g.json) c.io.out(`${JSON.stringify(r)}\n`);
          else {
            c.io.out(`${t('evidence:cliExported', { id: r.packageId, audience: { key: `evidence:audience-${r.audience}` }, dir: r.dir, zip: r.zipPath ? t('cli:exportZip', { zip: r.zipPath }) : '' })}\n${t('cli:exportClips', { files: r.files, redacted: r.redacted })}\n`);
            for (const l of r.leftOut) c.io.out(`${t('cli:leftOut', { clip: l.clip, camera: l.camera, subjects: t(`ui:zones.${l.subjects}`), reason: l.msg })}\n`);
            c.io.out(`${t('cli:manifestSha', { sha: r.manifestSha256 })}\n${t('evidence:cliFingerprint', { fingerprint: r.fingerprint })}\n`);
          }
        } finally {
          bar.stop();
        }
      });
    });

  program
    .command('verify <dirOrZip>')
    .description("check a package whole: every file against its signed manifest, and whose key signed it (exit 0 only when valid against this site's key or --expect-fingerprint)")
    .option('--expect-fingerprint <hex>', "the signing key's fingerprint from the handover receipt (64 hex digits)")
    .action(async (target: string, opts: { expectFingerprint?: string }, cmd: Command) => {
      const g = globals(cmd);
      if (!existsSync(target)) throw failure('invalid_request', 'cli:noPackageAt', { path: target });
      let expected: string | undefined;
      if (opts.expectFingerprint !== undefined) {
        expected = normalizeFingerprint(opts.expectFingerprint) ?? undefined;
        if (expected === undefined) throw failure('invalid_request', 'evidence:errExpectFingerprint', { value: opts.expectFingerprint.slice(0, 100) });
      }
      // With a data folder the package must also be signed by this site's key.
      const dataDir = dataDirFrom(g, c.io);
      const hasSite = existsSync(path.join(dataDir, 'custodian.db')) && (g.data !== undefined || c.io.env.CUSTODIAN_DATA !== undefined || dataDir === defaultDataDir());
      const now = clockFrom(c.io);
      const ctx = hasSite ? openCtx({ dataDir, mustExist: true, ...(now ? { now } : {}) }) : null;
      try {
        settleLanguage(g, c.io, ctx);
        const t = words(c.io);
        const r = await verifyPackageForSite(ctx, target, expected);
        if (g.json) {
          printJson(c.io, {
            verdict: r.verdict,
            ok: r.ok,
            fingerprint: r.fingerprint,
            checkedAgainst: r.checkedAgainst,
            summary: english(r.summary),
            packageId: r.manifest?.packageId ?? null,
            incident: r.manifest?.incident.reference ?? null,
            audience: r.manifest?.audience ?? null,
            problems: r.problems,
          });
        } else {
          // The signer is named every time, with the line that computes it without Custodian.
          const lines = [
            r.fingerprint === null ? t('evidence:verdictNoKey') : t('evidence:verdictFingerprint', { fingerprint: r.fingerprint }),
            t('evidence:verdictFingerprintHow', { command: VERIFY_COMMANDS.fingerprint }),
            t(r.summary),
          ];
          if (r.verdict === 'invalid') c.io.err(`${lines.join('\n')}\n`);
          else c.io.out(`${lines.join('\n')}\n`);
          for (const p of r.problems) c.io.err(`${t('cli:problemLine', { file: p.file, kind: t(`ui:verify.kinds.${p.kind}`), detail: p.msg })}\n`);
        }
        // Intact but signed by a key nobody vouched for: never "done".
        if (r.verdict === 'intact') c.setExit(EXIT.refused);
        else if (r.verdict === 'invalid') c.setExit(EXIT.failed);
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
        const failed = r.deletion?.failed ?? [];
        if (g.json) {
          printJson(c.io, {
            handover: r.handover.id,
            package: r.handover.package_id,
            incident: r.incident.ref,
            status: r.incident.status,
            keyFingerprint: r.handover.key_fingerprint,
            recipientCopy: r.handover.recipient_copy,
            pending: r.pending.map((p) => ({ packageId: p.package_id, audience: p.audience })),
            materialDeleted: r.deletion !== null,
            deleted: r.deletion?.deleted ?? 0,
            failed,
            receiptHtml: r.receiptHtml,
            receiptPdf: r.receiptPdf,
            retried: r.retried,
          });
        } else {
          const t = words(c.io);
          c.io.out(`${r.retried ? t('evidence:cliHandoverRetried') : t('evidence:cliHandoverRecorded', { id: r.handover.id, package: r.handover.package_id, ref: r.incident.ref, organisation: organisationMsg(r.handover.organisation) })}\n`);
          if (r.deletion === null) c.io.out(`${t('evidence:cliMaterialKept', { pending: audiencesWords(t, r.pending.map((p) => p.audience)) })}\n`);
          else c.io.out(`${t('evidence:cliMaterialDeleted', { count: r.deletion.deleted, status: { key: `incident:status-${r.incident.status}` } })}\n`);
          c.io.out(`${t('evidence:cliReceipt', { pdf: r.receiptPdf })}\n`);
        }
        if (failed.length > 0) {
          c.io.err(`${words(c.io)('cli:notDeletedReason', { count: failed.length, reason: textMsg(failed[0]?.reason ?? '') })}\n`);
          c.setExit(EXIT.failed);
        }
      });
    });

  program
    .command('package')
    .description("an incident's export packages")
    .command('discard <packageId>')
    .description('record that a package will not be handed over (its copy is deleted; the material too, if it was the last package waiting after a handover)')
    .requiredOption('--reason <text>', 'why it will not be handed over')
    .action(async (packageId: string, opts: { reason: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const r = await discardPackage(ctx, packageId, opts.reason);
        const failed = [...r.copy.failed, ...(r.deletion?.failed ?? [])];
        if (g.json) printJson(c.io, { package: r.package.package_id, audience: r.package.audience, incident: r.incident.ref, status: r.incident.status, deleted: r.copy.deleted + (r.deletion?.deleted ?? 0), materialDeleted: r.deletion !== null, failed });
        else {
          const t = words(c.io);
          c.io.out(`${t('evidence:cliDiscarded', { id: r.package.package_id, audience: { key: `evidence:audience-${r.package.audience}` }, reason: opts.reason.trim() })}\n`);
          if (r.deletion !== null) c.io.out(`${t('evidence:cliMaterialDeleted', { count: r.deletion.deleted, status: { key: `incident:status-${r.incident.status}` } })}\n`);
        }
        if (failed.length > 0) {
          c.io.err(`${words(c.io)('cli:notDeletedReason', { count: failed.length, reason: textMsg(failed[0]?.reason ?? '') })}\n`);
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
      if (!['html', 'pdf', 'json'].includes(opts.format)) throw failure('invalid_request', 'cli:formatChoice', { choices: 'html, pdf, json', value: opts.format });
      if (opts.lang !== undefined && opts.lang !== 'sv' && opts.lang !== 'en') throw failure('invalid_request', 'cli:langChoice', { value: opts.lang });
      await withCtxAsync(g, c.io, async (ctx) => {
        const tz = ctx.settings().siteTimeZone;
        const lang = (opts.lang as 'sv' | 'en' | undefined) ?? c.io.language ?? ctx.settings().language;
        const r = await complianceReport(ctx, { ...(opts.from ? { fromMs: parseUserTime(opts.from, tz) } : {}), ...(opts.to ? { toMs: parseUserTime(opts.to, tz) } : {}) });
        await writeComplianceReport(r, opts.format as 'html' | 'pdf' | 'json', path.resolve(opts.out), lang);
        if (g.json) printJson(c.io, { out: path.resolve(opts.out), verdicts: r.verdicts });
        else {
          const t = translator(lang);
          const lines = r.verdicts.flatMap((v) => [verdictText(t, v), ...v.facts.filter((f) => f.severity !== 'info' || v.status !== 'held').map((f) => `  ${factText(t, f)}`)]);
          c.io.out(`${lines.join('\n')}\n${t('cli:reportWritten', { file: path.resolve(opts.out) })}\n`);
        }
      });
    });
}
