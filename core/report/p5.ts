/**
 * P5 "never kept longer than a concrete need": at most until the formal handover, and every
 * archive has a review date.
 *  - Incidents past their review date now, and every time in the period one was (from the audit
 *    record: the date set at creation, each extension, the close or handover that ended it).
 *  - Every handed-over or closed incident whose material is still on disk: the archive folder,
 *    any package copy Custodian holds (every copy but the one handed over, and that one too when
 *    it lies in Custodian's data folder), and unfinished export work. The disk is looked at.
 *  - How long after the final handover the material went (the last deletion of its clips and
 *    copies in the deletion log).
 * With several recipients, material must be gone only once no package of the incident waits.
 */
import path from 'node:path';
import type { KeepingSection, ReportFactView } from '../../common/api/report.js';
import { formatInstant } from '../../common/time.js';
import { auditByAction } from '../../db/audit.js';
import { lastMaterialDeletions } from '../../db/deletions.js';
import { listHandovers, type HandoverRow } from '../../db/handovers.js';
import { listIncidents, type IncidentRow } from '../../db/incidents.js';
import { packageFiles, packagesOf, type PackageRow } from '../../db/packages.js';
import type { Ctx } from '../context.js';
import { pendingPackages } from '../package-state.js';
import { isOverdue } from '../incidents.js';
import { archiveDir } from '../paths.js';
import { exists, filesUnder, isInside } from './disk.js';
import { durationParams, fact, someRefs, wall } from './facts.js';

const DAY = 86_400_000;

interface ReviewChange {
  atMs: number;
  toMs: number;
}

/** When an incident's review date was set and moved, from the audit record. */
function reviewHistory(ctx: Ctx, untilMs: number): Map<string, ReviewChange[]> {
  const out = new Map<string, ReviewChange[]>();
  const add = (ref: unknown, atMs: number, toMs: unknown): void => {
    if (typeof ref !== 'string' || typeof toMs !== 'number') return;
    const list = out.get(ref) ?? [];
    list.push({ atMs, toMs });
    out.set(ref, list);
  };
  for (const e of auditByAction(ctx.db, 'incident.created', 0, untilMs)) {
    const d = JSON.parse(e.details) as { incident?: unknown; reviewByMs?: unknown };
    add(d.incident, e.ts_ms, d.reviewByMs);
  }
  for (const e of auditByAction(ctx.db, 'incident.extended', 0, untilMs)) {
    const d = JSON.parse(e.details) as { incident?: unknown; toMs?: unknown };
    add(d.incident, e.ts_ms, d.toMs);
  }
  for (const list of out.values()) list.sort((a, b) => a.atMs - b.atMs);
  return out;
}

/** The spells an incident spent past its review date before `endMs` (its close, handover or now). */
function overdueSpells(inc: IncidentRow, changes: readonly ReviewChange[], endMs: number): { fromMs: number; toMs: number }[] {
  const list = changes.length > 0 ? changes : [{ atMs: inc.created_ms, toMs: inc.review_by_ms }];
  const spells: { fromMs: number; toMs: number }[] = [];
  for (let i = 0; i < list.length; i++) {
    const review = (list[i] as ReviewChange).toMs;
    const until = Math.min(list[i + 1]?.atMs ?? endMs, endMs);
    if (until > review) spells.push({ fromMs: review, toMs: until });
  }
  return spells;
}

/**
 * Package copies Custodian holds (recorded with the package, issue 12): every copy in its data
 * folder, and every copy written elsewhere that was not handed over; a handed-over copy written
 * elsewhere (--out) is the recipient's. Packages from before copies were recorded: every copy but
 * the handed-over one, and that one too inside the data folder.
 */
function custodianCopies(ctx: Ctx, pkgs: readonly PackageRow[], handedOver: ReadonlySet<string>): { held: PackageRow[]; recipients: PackageRow[] } {
  const held: PackageRow[] = [];
  const recipients: PackageRow[] = [];
  for (const p of pkgs) {
    const inData = p.location === null ? isInside(ctx.dataDir, p.dir) : p.location === 'data';
    if (handedOver.has(p.package_id) && !inData) recipients.push(p);
    else held.push(p);
  }
  return { held, recipients };
}

/**
 * What is left of one package copy on disk: the files Custodian recorded writing (folder and zip)
 * that are still there, and anything else in its folder. Packages from before copies were
 * recorded: every file in the folder, and the zip.
 */
function copyOnDisk(ctx: Ctx, p: PackageRow): { files: number; foreign: number } {
  const recorded = packageFiles(ctx.db, p.id);
  const inFolder = filesUnder(p.dir);
  if (recorded.length === 0) return { files: inFolder.length + (p.zip_path && exists(p.zip_path) ? 1 : 0), foreign: 0 };
  const folderPaths = new Set(recorded.filter((f) => f.copy === 'folder').map((f) => f.rel_path));
  const left = recorded.filter((f) => (f.copy === 'folder' ? exists(path.join(p.dir, ...f.rel_path.split('/'))) : exists(path.join(path.dirname(p.dir), f.rel_path)))).length;
  return { files: left, foreign: inFolder.filter((rel) => !folderPaths.has(rel)).length };
}

export function keepingPart(ctx: Ctx, fromMs: number, toMs: number): { section: KeepingSection; facts: ReportFactView[] } {
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  const iso = (ms: number): string => formatInstant(ms, tz);
  const facts: ReportFactView[] = [];
  const incidents = listIncidents(ctx.db);
  const handovers = listHandovers(ctx.db, 0);
  const byIncident = new Map<number, HandoverRow[]>();
  for (const h of handovers) byIncident.set(h.incident_id, [...(byIncident.get(h.incident_id) ?? []), h]);
  const history = reviewHistory(ctx, Math.max(toMs, now));

  const overdue: KeepingSection['overdue'] = incidents
    .filter((i) => isOverdue(i, now))
    .map((i) => ({ ref: i.ref, title: i.title, status: i.status, reviewBy: iso(i.review_by_ms), daysOverdue: Math.floor((now - i.review_by_ms) / DAY) }));
  for (const o of overdue) facts.push(fact('p5.overdue', { ref: o.ref, reviewBy: wall(Date.parse(o.reviewBy), tz), days: o.daysOverdue }, 'deviation', [o.ref]));

  const spells: KeepingSection['overdueSpells'] = [];
  for (const inc of incidents) {
    const firstHandover = (byIncident.get(inc.id) ?? [])[0]?.handed_ms;
    const end = Math.min(inc.closed_ms ?? Infinity, firstHandover ?? Infinity, now);
    for (const sp of overdueSpells(inc, history.get(inc.ref) ?? [], end)) {
      if (sp.toMs < fromMs || sp.fromMs > toMs) continue;
      const ongoing = sp.toMs >= now && isOverdue(inc, now);
      spells.push({ ref: inc.ref, from: iso(sp.fromMs), to: iso(sp.toMs), days: Math.round(((sp.toMs - sp.fromMs) / DAY) * 10) / 10, ongoing });
      // The ongoing one is already said above.
      if (!ongoing) facts.push(fact('p5.overdueSpell', { ref: inc.ref, from: wall(sp.fromMs, tz), to: wall(sp.toMs, tz), ...durationParams(sp.toMs - sp.fromMs) }, 'deviation', [inc.ref]));
    }
  }
  if (overdue.length === 0 && spells.length === 0) facts.push(fact('p5.noOverdue', { open: incidents.filter((i) => i.status === 'open' || i.status === 'archived').length }, 'ok'));

  const archive = archiveDir(ctx);
  const gone = new Map(lastMaterialDeletions(ctx.db).map((r) => [r.incident_ref, r.last_ms]));
  const material: KeepingSection['material'] = [];
  for (const inc of incidents) {
    const hs = byIncident.get(inc.id) ?? [];
    // Material must be gone once the incident is closed, or handed over with no package left
    // waiting for its handover (several recipients: the material stays while one waits).
    if (inc.status !== 'deleted' && (hs.length === 0 || pendingPackages(ctx, inc).length > 0)) continue;
    const remaining: KeepingSection['material'][number]['remaining'] = [];
    const archived = filesUnder(path.join(archive, inc.ref));
    if (archived.length > 0) remaining.push({ what: 'archive', package: null, path: path.join(archive, inc.ref), files: archived.length });
    const pkgs = packagesOf(ctx.db, inc.id);
    const { held, recipients } = custodianCopies(ctx, pkgs, new Set(hs.map((h) => h.package_id)));
    for (const p of held) {
      const { files, foreign } = copyOnDisk(ctx, p);
      if (files > 0) remaining.push({ what: 'package', package: p.package_id, path: p.dir, files });
      // Files Custodian did not write, left where its copy was: not its material, but said.
      if (foreign > 0) facts.push(fact('p5.foreignFiles', { ref: inc.ref, package: p.package_id, path: p.dir, files: foreign }, 'info', [inc.ref, p.dir]));
      const work = path.join(ctx.dataDir, 'exports-work', p.package_id);
      if (exists(work)) remaining.push({ what: 'work', package: p.package_id, path: work, files: filesUnder(work).length });
    }
    const finalMs = hs.length > 0 ? Math.max(...hs.map((h) => h.handed_ms)) : null;
    const goneMs = remaining.length === 0 ? (gone.get(inc.ref) ?? null) : null;
    material.push({
      ref: inc.ref,
      status: inc.status,
      finalHandover: finalMs === null ? null : iso(finalMs),
      materialGone: goneMs === null ? null : iso(goneMs),
      afterHandoverMs: finalMs !== null && goneMs !== null ? goneMs - finalMs : null,
      remaining,
    });
    for (const r of remaining) {
      facts.push(fact(`p5.remaining.${r.what}`, { ref: inc.ref, package: r.package ?? '', path: r.path, files: r.files, handedOver: finalMs === null ? '—' : wall(finalMs, tz), closed: finalMs === null }, 'deviation', [inc.ref, r.path]));
    }
    for (const p of recipients) facts.push(fact('p5.recipientCopy', { ref: inc.ref, package: p.package_id, path: p.dir }, 'info', [inc.ref, p.package_id]));
    if (remaining.length === 0 && finalMs !== null && finalMs >= fromMs && finalMs <= toMs) {
      if (goneMs === null) facts.push(fact('p5.goneUnrecorded', { ref: inc.ref, handedOver: wall(finalMs, tz) }, 'info', [inc.ref]));
      else facts.push(fact('p5.gone', { ref: inc.ref, handedOver: wall(finalMs, tz), gone: wall(goneMs, tz), ...durationParams(Math.max(0, goneMs - finalMs)) }, 'ok', [inc.ref]));
    }
  }
  const remainingRefs = material.filter((m) => m.remaining.length > 0).map((m) => m.ref);
  if (material.length > 0 && remainingRefs.length === 0) facts.push(fact('p5.allGone', { count: material.length }, 'ok', someRefs(material.map((m) => m.ref))));

  return { section: { overdue, overdueSpells: spells, material }, facts };
}
