import type { Command } from 'commander';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { cameras, parseMask, setCamera, type Mask } from '../../core/cameras.js';
import { archiveIncident, closeIncident, createIncident, extendIncident, findIncident, flagOverdue, incidents, reclassifyClip, verifyArchive } from '../../core/incidents.js';
import { incidentDetail, incidentSummary } from '../../core/incident-view.js';
import type { Ctx } from '../../core/context.js';
import { withCtx, withCtxAsync } from '../context.js';
import { EXIT, printJson, table, when, words } from '../io.js';
import { actorMsg, auditActionMsg, deletionReasonMsg, organisationMsg } from '../../common/i18n/words.js';
import { progressFor } from '../progress.js';
import { collect, globals, positiveInt, type CliContext } from './shared.js';

async function runArchive(c: CliContext, ctx: Ctx, ref: string, json: boolean) {
  const t = words(c.io);
  const bar = progressFor(c.io, json, t('cli:archiving', { ref }));
  try {
    return await archiveIncident(ctx, ref, (p) => bar.update(p.fraction, p.camera ? t('cli:archiveClip', { n: Math.min(p.clipIndex + 1, p.clips), of: p.clips, camera: p.camera }) : t('cli:done')));
  } finally {
    bar.stop();
  }
}

function printOne(c: CliContext, json: boolean, value: unknown): void {
  // With --json, progress went out as lines before; the result is the last line.
  if (json) c.io.out(`${JSON.stringify(value)}\n`);
}

export function registerIncidents(program: Command, c: CliContext): void {
  const camera = program.command('camera').description('cameras: names, zones (staff/visitor/mixed) and privacy masks');
  camera
    .command('list')
    .description('list cameras; new ones are mixed and unclassified until set')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const rows = cameras(ctx).map((cam) => ({ id: cam.id, name: cam.name, zone: cam.zone, classified: cam.classified === 1, masks: JSON.parse(cam.masks) as Mask[] }));
        if (g.json) printJson(c.io, { cameras: rows });
        else {
          const t = words(c.io);
          const zone = (z: string): string => t(`ui:zones.${z}`);
          c.io.out(`${table([[t('cli:colId'), t('cli:colName'), t('cli:colZone'), t('cli:colMasks')], ...rows.map((r) => [r.id, r.name ?? '', r.classified ? zone(r.zone) : t('cli:unclassified', { zone: zone(r.zone) }), r.masks.length])])}\n`);
        }
      });
    });
  camera
    .command('set <id>')
    .description('set a camera\'s name, zone or privacy masks (x,y,w,h as fractions of the picture)')
    .option('--name <text>', 'display name')
    .option('--zone <zone>', 'staff, visitor or mixed')
    .option('--mask <x,y,w,h>', 'a privacy mask rectangle (repeat for more)', collect, [])
    .option('--clear-masks', 'remove all masks')
    .action((id: string, opts: { name?: string; zone?: string; mask: string[]; clearMasks?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const masks = opts.clearMasks ? [] : opts.mask.length > 0 ? opts.mask.map(parseMask) : undefined;
        const cam = setCamera(ctx, id, { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.zone !== undefined ? { zone: opts.zone } : {}), ...(masks ? { masks } : {}) });
        if (g.json) printJson(c.io, { id: cam.id, name: cam.name, zone: cam.zone, masks: JSON.parse(cam.masks) as unknown });
        else c.io.out(`${words(c.io)('cli:cameraSet', { id: cam.id, name: cam.name ?? '', zone: words(c.io)(`ui:zones.${cam.zone}`), count: (JSON.parse(cam.masks) as unknown[]).length })}\n`);
      });
    });

  const incident = program.command('incident').description('incidents: archive footage for a stated reason, only as long as needed');
  incident
    .command('create')
    .description('create an incident (prints its reference), hold its window and archive its clips')
    .requiredOption('--reason <reason>', 'crime-against-organisation, crime-on-premises or other')
    .requiredOption('--justification <text>', 'why the footage is needed')
    .requiredOption('--title <text>', 'a short title')
    .requiredOption('--from <time>', 'ISO 8601; site time when no offset is given')
    .requiredOption('--to <time>', 'ISO 8601; site time when no offset is given')
    .requiredOption('--camera <id>', 'camera (repeat for more)', collect, [])
    .option('--review-by <date>', 'when the need is reviewed (default: in incidentReviewDays)')
    .option('--no-wait', 'create and hold now; archive later (custodian incident archive REF, or the service)')
    .action(async (opts: { reason: string; justification: string; title: string; from: string; to: string; camera: string[]; reviewBy?: string; wait: boolean }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const tz = ctx.settings().siteTimeZone;
        const inc = createIncident(ctx, {
          reason: opts.reason,
          justification: opts.justification,
          title: opts.title,
          fromMs: parseUserTime(opts.from, tz),
          toMs: parseUserTime(opts.to, tz),
          cameras: opts.camera,
          ...(opts.reviewBy ? { reviewByMs: parseUserTime(opts.reviewBy, tz) } : {}),
        });
        if (!g.json) c.io.out(`${inc.ref}\n`);
        if (!opts.wait) {
          printOne(c, g.json ?? false, { ref: inc.ref, status: inc.status, archived: false });
          return;
        }
        const r = await runArchive(c, ctx, inc.ref, g.json ?? false);
        if (g.json) printOne(c, true, incidentDetail(ctx, r.incident));
        else {
          const t = words(c.io);
          c.io.out(`${t('cli:archived', { count: r.clips.length })}\n`);
          for (const gap of r.gaps) c.io.out(`${t('cli:gapLine', { camera: gap.camera, from: formatInstant(gap.fromMs, tz), to: formatInstant(gap.toMs, tz) })}\n`);
        }
      });
    });
  incident
    .command('archive <ref>')
    .description('archive (or resume archiving) an incident\'s clips')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const r = await runArchive(c, ctx, ref, g.json ?? false);
        if (g.json) printOne(c, true, incidentDetail(ctx, r.incident));
        else c.io.out(`${words(c.io)('cli:archivedRef', { ref: r.incident.ref, count: r.clips.filter((x) => x.status === 'complete').length })}\n`);
      });
    });
  incident
    .command('list')
    .description('incidents, overdue ones first')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        flagOverdue(ctx);
        const rows = incidents(ctx)
          .map((i) => incidentSummary(ctx, i))
          .sort((a, b) => Number(b.overdue) - Number(a.overdue));
        if (g.json) printJson(c.io, { incidents: rows });
        else {
          const t = words(c.io);
          c.io.out(`${table([[t('cli:colRef'), t('cli:colStatus'), t('cli:colReason'), t('cli:colReviewBy'), t('cli:colTitle')], ...rows.map((r) => [r.ref, t(`ui:incidentStatus.${r.status}`), t(`ui:reasons.${r.reason}`), `${when(c.io, r.reviewBy.slice(0, 10))}${r.overdue ? ` ${t('cli:overdue')}` : ''}`, r.title])])}\n`);
        }
      });
    });
  incident
    .command('show <ref>')
    .description('an incident\'s clips, hashes, status and history')
    .action((ref: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const d = incidentDetail(ctx, findIncident(ctx, ref));
        if (g.json) {
          printJson(c.io, d);
          return;
        }
        const t = words(c.io);
        const lines = [
          `${d.ref} — ${d.title}`,
          t('cli:showStatus', { status: t(`ui:incidentStatus.${d.status}`), overdue: d.overdue ? t('cli:showOverdue') : '' }),
          t('cli:showReason', { reason: t(`ui:reasons.${d.reason}`), justification: d.justification }),
          t('cli:showWindow', { from: d.from, to: d.to }),
          t('cli:showCameras', { cameras: d.cameras.join(', ') }),
          t('cli:showReviewBy', { when: d.reviewBy }),
          ...(d.closed ? [t('cli:showClosed', { when: d.closed, reason: d.closedReason ? deletionReasonMsg(d.closedReason) : '' })] : []),
        ];
        c.io.out(`${lines.join('\n')}\n`);
        c.io.out(`\n${t('cli:showClips')}\n${table([[t('cli:colId'), t('cli:colCamera'), t('cli:colSubjects'), t('cli:colStatus'), t('cli:colStart'), t('cli:colEnd'), 'SHA-256'], ...d.clips.map((x) => [x.id, x.camera, t(`ui:zones.${x.subjects}`), t(`ui:clipStatus.${x.status}`), when(c.io, x.start), when(c.io, x.end), x.sha256 ? x.sha256.slice(0, 16) : ''])])}\n`);
        for (const gap of d.gaps) c.io.out(`${t('cli:showGap', { camera: gap.camera, from: gap.from, to: gap.to })}\n`);
        if (d.packages.length > 0) {
          const state = (p: (typeof d.packages)[number]): string =>
            p.handover
              ? t('cli:stateHandedOver', { when: p.handover.handedOver, recipient: p.handover.recipient, organisation: organisationMsg(p.handover.organisation), reference: p.handover.reference })
              : p.discarded
                ? t('cli:stateDiscarded', { when: p.discarded.at, reason: p.discarded.reason ?? '' })
                : t('cli:statePending');
          c.io.out(`\n${t('cli:showPackages')}\n${table([[t('cli:colAudience'), t('cli:colPackage'), t('cli:colExported'), t('cli:colFingerprint'), t('cli:colState')], ...d.packages.map((p) => [t(`ui:audiences.${p.audience}`), p.packageId, when(c.io, p.exported), p.fingerprint ?? '', state(p)])])}\n`);
        }
        c.io.out(`\n${t('cli:showHistory')}\n`);
        for (const h of d.history) c.io.out(`  ${when(c.io, h.at)} ${t(actorMsg(h.actor))} ${t(auditActionMsg(h.action))}\n`);
      });
    });
  incident
    .command('extend <ref>')
    .description('move the review date, saying why the material is still needed')
    .requiredOption('--review-by <date>', 'the new review date')
    .requiredOption('--reason <text>', 'why')
    .action((ref: string, opts: { reviewBy: string; reason: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const inc = extendIncident(ctx, ref, parseUserTime(opts.reviewBy, ctx.settings().siteTimeZone), opts.reason);
        if (g.json) printJson(c.io, incidentSummary(ctx, inc));
        else c.io.out(`${words(c.io)('cli:reviewBy', { ref: inc.ref, when: formatInstant(inc.review_by_ms, ctx.settings().siteTimeZone).slice(0, 10) })}\n`);
      });
    });
  incident
    .command('close <ref>')
    .description('close without handover: the archived material is deleted and the deletion logged')
    .requiredOption('--reason <text>', 'why')
    .action(async (ref: string, opts: { reason: string }, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const r = await closeIncident(ctx, ref, opts.reason);
        if (g.json) printJson(c.io, { ...incidentSummary(ctx, r.incident), deleted: r.deletion.deleted, failed: r.deletion.failed });
        else c.io.out(`${words(c.io)('cli:closed', { ref: r.incident.ref, count: r.deletion.deleted, status: { key: `incident:status-${r.incident.status}` } })}\n`);
        if (r.deletion.failed.length > 0) {
          c.io.err(`${words(c.io)('cli:notDeletedRetry', { count: r.deletion.failed.length })}\n`);
          c.setExit(EXIT.failed);
        }
      });
    });

  program
    .command('clip')
    .description('archived clips')
    .command('set <clip>')
    .description('correct a clip\'s classification (the file moves to the matching folder)')
    .requiredOption('--subjects <who>', 'staff, visitor or mixed')
    .requiredOption('--reason <text>', 'why')
    .action((clip: string, opts: { subjects: string; reason: string }, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const row = reclassifyClip(ctx, positiveInt(clip), opts.subjects, opts.reason);
        if (g.json) printJson(c.io, { id: row.id, subjects: row.subjects, path: row.rel_path });
        else c.io.out(`${words(c.io)('cli:clipNow', { id: row.id, subjects: { key: `incident:subjects-${row.subjects}` }, path: row.rel_path })}\n`);
      });
    });

  program
    .command('archive')
    .description('the archive of incident clips')
    .command('verify [ref]')
    .description('rehash archived clips; any mismatch or missing file is an alarm')
    .action(async (ref: string | undefined, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      await withCtxAsync(g, c.io, async (ctx) => {
        const r = await verifyArchive(ctx, ref);
        if (g.json) printJson(c.io, { ok: r.problems.length === 0, ...r });
        else if (r.problems.length === 0) c.io.out(`${words(c.io)('cli:archiveWhole', { count: r.checked })}\n`);
        else for (const p of r.problems) c.io.err(`${words(c.io)('cli:archiveProblem', { ref: p.incident, path: p.path, problem: { key: p.problem === 'missing' ? 'incident:clipMissing' : 'incident:clipChanged' } })}\n`);
        if (r.problems.length > 0) c.setExit(EXIT.failed);
      });
    });
}
