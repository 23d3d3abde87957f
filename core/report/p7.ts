/**
 * P7 "no audio is recorded": recordings found with a sound track (ffprobe, stored per segment),
 * archived clips cut from sources with sound, and every package exported in the period: each clip
 * of a copy still on disk is probed for an audio stream. Recordings that ended over a day ago and
 * were never probed (or could not be read), and packages no longer on disk, could not be checked, and the verdict says
 * so rather than assuming.
 */
import type { AudioSection, ReportFactView } from '../../common/api/report.js';
import { clipsOf, listIncidents } from '../../db/incidents.js';
import { packagesCreated } from '../../db/packages.js';
import { audioSegmentsByCamera, countUnprobed } from '../../db/segments.js';
import { resolveMediaTools, type MediaTools } from '../../native/media-tools.js';
import { probeMedia } from '../../native/probe.js';
import type { Ctx } from '../context.js';
import { fact, someRefs } from './facts.js';
import { packageContents } from './package-contents.js';

export async function audioPart(ctx: Ctx, fromMs: number, toMs: number): Promise<{ section: AudioSection; facts: ReportFactView[] }> {
  const facts: ReportFactView[] = [];
  const segments = audioSegmentsByCamera(ctx.db);
  for (const s of segments) facts.push(fact('p7.segments', { camera: s.camera, count: s.n }, 'deviation', [s.camera]));
  const clips = listIncidents(ctx.db).flatMap((i) => clipsOf(ctx.db, i.id).filter((c) => c.source_had_audio === 1).map((c) => ({ incident: i.ref, camera: c.camera_id })));
  for (const c of clips) facts.push(fact('p7.sources', { incident: c.incident, camera: c.camera }, 'deviation', [c.incident]));
  // The newest recordings are still in the probe queue: only those that ended over a day ago count.
  const unprobed = countUnprobed(ctx.db, ctx.now() - 86_400_000);
  if (unprobed > 0) facts.push(fact('p7.unprobed', { count: unprobed }, 'unchecked'));
  if (segments.length === 0 && clips.length === 0) facts.push(fact('p7.noAudioRecorded', {}, 'ok'));

  let tools: MediaTools | null = null;
  try {
    const s = ctx.settings();
    tools = resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
  } catch {
    tools = null;
  }
  const packages: AudioSection['packages'] = [];
  for (const pkg of packagesCreated(ctx.db, fromMs, toMs)) {
    const c = await packageContents(ctx, pkg, pkg.incident_ref);
    const row: AudioSection['packages'][number] = { package: pkg.package_id, incident: pkg.incident_ref, checked: 0, withAudio: [], unchecked: 0, why: null };
    if (c.clipFiles.length === 0 || !tools) {
      row.unchecked = Math.max(c.clips, pkg.files);
      row.why = tools ? 'gone' : 'no-tools';
    } else {
      for (const file of c.clipFiles) {
        try {
          const p = await probeMedia(tools, file);
          row.checked++;
          if (p.hasAudio) row.withAudio.push(file);
        } catch {
          row.unchecked++;
          row.why = 'gone';
        }
      }
    }
    packages.push(row);
    if (row.withAudio.length > 0) facts.push(fact('p7.package.audio', { package: pkg.package_id, incident: pkg.incident_ref, count: row.withAudio.length }, 'deviation', [pkg.incident_ref, ...someRefs(row.withAudio, 3)]));
    if (row.unchecked > 0) facts.push(fact(`p7.package.unchecked-${row.why ?? 'gone'}`, { package: pkg.package_id, incident: pkg.incident_ref, count: row.unchecked }, 'unchecked', [pkg.incident_ref, pkg.package_id]));
  }
  const clean = packages.filter((p) => p.checked > 0 && p.withAudio.length === 0 && p.unchecked === 0);
  if (clean.length > 0) facts.push(fact('p7.packages.ok', { count: clean.length, clips: clean.reduce((a, p) => a + p.checked, 0) }, 'ok', someRefs(clean.map((p) => p.package))));
  if (packages.length === 0) facts.push(fact('p7.packages.none', {}, 'info'));
  return { section: { segments, clips, packages }, facts };
}
