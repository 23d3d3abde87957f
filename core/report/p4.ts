/**
 * P4 "staff and visitor material separated, as far as possible": judged against the policy, not
 * against whatever the settings say today.
 *  - The audience rules (setting audienceRules): HR has no need to see visitors, so HR receiving
 *    visitor-only clips (masked or not), or mixed clips unmasked, is a deviation. The Police
 *    investigate crimes and receive everything.
 *  - Every package exported in the period, from what it actually held (its manifest, or the
 *    export's audit record): the same test per clip.
 *  - Cameras whose zone nobody has set (every clip of theirs is filed as mixed by default).
 *  - Archived clips outside their folder: the row's path says another zone than its class, or a
 *    file on disk sits in another zone's folder, or a file no clip accounts for.
 */
import path from 'node:path';
import type { ReportFactView, SeparationSection } from '../../common/api/report.js';
import { ZONES, type Zone } from '../../common/domain.js';
import { ruleDeviations } from '../../common/policy-guard.js';
import { listCameras } from '../../db/cameras.js';
import { clipsOf, listIncidents } from '../../db/incidents.js';
import { packagesCreated } from '../../db/packages.js';
import type { Ctx } from '../context.js';
import { archiveDir } from '../paths.js';
import { filesUnder } from './disk.js';
import { fact, someRefs } from './facts.js';
import { packageContents, type PackageContents } from './package-contents.js';

type PackageDeviation = SeparationSection['packages'][number]['deviations'][number];

export function packageDeviations(c: PackageContents, recordedAudience: string): PackageDeviation[] {
  const out: PackageDeviation[] = [];
  if (c.manifestMatches === false) out.push({ file: 'manifest.json', zone: null, problem: 'manifest-changed' });
  if (c.audienceInManifest !== null && c.audienceInManifest !== recordedAudience) out.push({ file: 'manifest.json', zone: null, problem: 'wrong-audience' });
  if (recordedAudience !== 'hr') return out;
  for (const f of c.files) {
    if (f.zone === null) out.push({ file: f.name, zone: null, problem: 'unknown-zone' });
    else if (f.zone === 'visitor') out.push({ file: f.name, zone: f.zone, problem: 'visitor-for-hr' });
    else if (f.zone === 'mixed' && !f.masked) out.push({ file: f.name, zone: f.zone, problem: 'mixed-unmasked-for-hr' });
  }
  return out;
}

function misplacedClips(ctx: Ctx): SeparationSection['misplacedClips'] {
  const archive = archiveDir(ctx);
  const out: SeparationSection['misplacedClips'] = [];
  for (const inc of listIncidents(ctx.db)) {
    const clips = clipsOf(ctx.db, inc.id).filter((c) => c.status === 'complete');
    if (clips.length === 0) continue;
    for (const c of clips) {
      const parts = c.rel_path.split('/');
      if (parts.length !== 3 || parts[0] !== inc.ref || parts[1] !== c.subjects) out.push({ incident: inc.ref, clip: c.id, path: c.rel_path, subjects: c.subjects, problem: 'wrong-folder' });
    }
    const byPath = new Map(clips.map((c) => [c.rel_path, c]));
    for (const rel of filesUnder(path.join(archive, inc.ref))) {
      const full = `${inc.ref}/${rel}`;
      if (byPath.has(full)) continue;
      const base = rel.split('/').pop() ?? rel;
      const owner = clips.find((c) => c.rel_path.split('/').pop() === base);
      // The clip's file is in another folder than its row says (moved by hand, or a zone folder mixed up).
      if (owner) out.push({ incident: inc.ref, clip: owner.id, path: full, subjects: owner.subjects, problem: 'found-elsewhere' });
      else out.push({ incident: inc.ref, clip: null, path: full, subjects: (ZONES as readonly string[]).includes(rel.split('/')[0] ?? '') ? (rel.split('/')[0] as Zone) : null, problem: 'unknown-file' });
    }
  }
  return out;
}

export async function separationPart(ctx: Ctx, fromMs: number, toMs: number): Promise<{ section: SeparationSection; facts: ReportFactView[] }> {
  const rules = ctx.settings().audienceRules;
  const facts: ReportFactView[] = [];

  const judged = ruleDeviations(rules);
  const ruleRows: SeparationSection['rules'] = judged.map((j) => ({ audience: j.audience, ...rules[j.audience], deviations: j.deviations }));
  for (const r of ruleRows) {
    if (r.deviations.length === 0) facts.push(fact('p4.rules.ok', { audience: r.audience, staff: r.staff, visitor: r.visitor, mixed: r.mixed }, 'ok'));
    for (const d of r.deviations) facts.push(fact(`p4.rules.${d}`, { audience: r.audience, rule: d === 'visitor-for-hr' ? r.visitor : r.mixed }, 'deviation', ['audienceRules']));
  }

  const packages: SeparationSection['packages'] = [];
  let checked = 0;
  const unchecked: string[] = [];
  for (const pkg of packagesCreated(ctx.db, fromMs, toMs)) {
    const c = await packageContents(ctx, pkg, pkg.incident_ref);
    if (c.source === 'none') {
      unchecked.push(pkg.package_id);
      packages.push({ package: pkg.package_id, incident: pkg.incident_ref, audience: pkg.audience, source: c.source, deviations: [] });
      continue;
    }
    checked++;
    const deviations = packageDeviations(c, pkg.audience);
    packages.push({ package: pkg.package_id, incident: pkg.incident_ref, audience: pkg.audience, source: c.source, deviations });
    for (const d of deviations) facts.push(fact(`p4.package.${d.problem}`, { package: pkg.package_id, incident: pkg.incident_ref, audience: pkg.audience, file: d.file }, 'deviation', [pkg.incident_ref, pkg.package_id]));
  }
  if (checked > 0) facts.push(fact('p4.packages.checked', { count: checked, deviating: packages.filter((p) => p.deviations.length > 0).length }, 'info'));
  if (packages.length === 0) facts.push(fact('p4.packages.none', {}, 'info'));
  if (unchecked.length > 0) facts.push(fact('p4.packages.unchecked', { count: unchecked.length }, 'unchecked', someRefs(unchecked)));

  const cameras = listCameras(ctx.db);
  const unzoned = cameras.filter((c) => c.classified === 0).map((c) => c.id);
  if (unzoned.length > 0) facts.push(fact('p4.cameras.unzoned', { count: unzoned.length, of: cameras.length }, 'deviation', someRefs(unzoned)));
  else facts.push(fact('p4.cameras.ok', { count: cameras.length }, 'ok'));

  const misplaced = misplacedClips(ctx);
  for (const m of misplaced) facts.push(fact(`p4.clip.${m.problem}`, { incident: m.incident, clip: m.clip ?? 0, path: m.path, subjects: m.subjects ?? '—' }, 'deviation', [m.incident, m.path]));
  if (misplaced.length === 0) facts.push(fact('p4.clips.ok', {}, 'ok'));

  return { section: { rules: ruleRows, packages, camerasWithoutZone: unzoned, misplacedClips: misplaced }, facts };
}
