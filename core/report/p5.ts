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
 *
 * MERGE NOTE: with several handovers per incident and copies recorded per package (the evidence
 * work), `custodianCopies` should read the recorded copies (each with its folder and whether it
 * is the recipient's) instead of deciding from the package row and the data folder.
 */
import path from 'node:path';
import type { KeepingSection, ReportFactView } from '../../common/api/report.js';
import { formatInstant } from '../../common/time.js';
import { auditByAction } from '../../db/audit.js';
import { lastMaterialDeletions } from '../../db/deletions.js';
import { listHandovers, type HandoverRow } from '../../db/handovers.js';
import { listIncidents, type IncidentRow } from '../../db/incidents.js';
import { packagesOf, type PackageRow } from '../../db/packages.js';
import type { Ctx } from '../context.js';
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

/** Package copies Custodian holds: every copy but the handed-over one, and that one too inside the data folder. */
function custodianCopies(ctx: Ctx, pkgs: readonly PackageRow[], handedOver: ReadonlySet<string>): { held: PackageRow[]; recipients: PackageRow[] } {
  const held: PackageRow[] = [];
  const recipients: PackageRow[] = [];
  for (const p of pkgs) {
    if (handedOver.has(p.package_id) && !isInside(ctx.dataDir, p.dir)) recipients.push(p);
    else held.push(p);
  }
  return { held, recipients };
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
    // Material must be gone once an incident is handed over (finally) or closed.
    if (hs.length === 0 && inc.status !== 'deleted') continue;
    const remaining: KeepingSection['material'][number]['remaining'] = [];
    const archived = filesUnder(path.join(archive, inc.ref));
    if (archived.length > 0) remaining.push({ what: 'archive', package: null, path: path.join(archive, inc.ref), files: archived.length });
    const pkgs = packagesOf(ctx.db, inc.id);
    const { held, recipients } = custodianCopies(ctx, pkgs, new Set(hs.map((h) => h.package_id)));
    for (const p of held) {
      const files = filesUnder(p.dir).length + (p.zip_path && exists(p.zip_path) ? 1 : 0);
      if (files > 0) remaining.push({ what: 'package', package: p.package_id, path: p.dir, files });
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
