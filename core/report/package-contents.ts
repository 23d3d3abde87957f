/**
 * What an exported package held (clips, cameras, staff/visitor/mixed, masking), for the handover
 * log and the compliance report (P4, P7). Read from the package's own manifest while a copy is on
 * disk (its SHA-256 compared with the one recorded at export), otherwise from the export's audit
 * record (clip names, with each clip's zone from the incident's clip rows).
 *
 * MERGE NOTE: once packages record their manifest and files in the database (the evidence work),
 * packageContents should read that record first; the disk and the audit record then remain only
 * for packages exported before it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PackageContentsView } from '../../common/api/report.js';
import { ZONES, type Zone } from '../../common/domain.js';
import { clipPackagePath, parseManifest, type PackageManifest } from '../../common/manifest.js';
import { formatInstant, formatLocal } from '../../common/time.js';
import { pageAudit } from '../../db/audit.js';
import { clipsOf, type ClipRow } from '../../db/incidents.js';
import type { PackageRow } from '../../db/packages.js';
import { readPackageFile } from '../../native/package-read.js';
import type { Ctx } from '../context.js';

export interface PackageContents extends PackageContentsView {
  /** The manifest as read from disk (null when it came from the audit record or nowhere). */
  manifest: PackageManifest | null;
  /** Clip files of the copy on disk, when the manifest was read from the package folder. */
  clipFiles: string[];
  audienceInManifest: string | null;
}

const emptyZones = (): Record<Zone, number> => ({ staff: 0, visitor: 0, mixed: 0 });

function summarise(base: Omit<PackageContents, 'clips' | 'cameras' | 'zones' | 'masked'>): PackageContents {
  const zones = emptyZones();
  for (const f of base.files) if (f.zone) zones[f.zone]++;
  return { ...base, clips: base.files.length, cameras: [...new Set(base.files.map((f) => f.camera).filter((c): c is string => c !== null))].sort(), zones, masked: base.files.filter((f) => f.masked).length };
}

interface ExportRecord {
  files?: unknown;
}

/** Which archived clip an exported file name came from (names are `<camera>_<yyyyMMddTHHmmss>[_maskerad]` or `clip-<id>`). */
function clipForName(name: string, clips: readonly ClipRow[], tz: string): { clip: ClipRow | null; masked: boolean } {
  const masked = name.endsWith('_maskerad');
  const stem = masked ? name.slice(0, -'_maskerad'.length) : name;
  const byId = /^clip-(\d+)$/.exec(stem);
  if (byId) return { clip: clips.find((c) => c.id === Number(byId[1])) ?? null, masked };
  const cut = stem.lastIndexOf('_');
  if (cut < 0) return { clip: null, masked };
  const camera = stem.slice(0, cut);
  const stamp = stem.slice(cut + 1);
  const clip = clips.find((c) => c.camera_id === camera && formatLocal(c.start_ms ?? c.from_ms, tz, "yyyyMMdd'T'HHmmss") === stamp) ?? null;
  return { clip, masked };
}

export async function packageContents(ctx: Ctx, pkg: PackageRow, incidentRef: string): Promise<PackageContents> {
  const tz = ctx.settings().siteTimeZone;
  const head = { package: pkg.package_id, incident: incidentRef, audience: pkg.audience };
  const fromManifest = (m: PackageManifest, matches: boolean | null, clipFiles: string[]): PackageContents =>
    summarise({
      ...head,
      source: 'manifest',
      manifestMatches: matches,
      manifest: m,
      clipFiles,
      audienceInManifest: m.audience,
      files: m.files.map((f) => ({ name: f.name, camera: f.camera, zone: f.zone, masked: f.redaction !== null, start: f.start, end: f.end })),
    });
  const read = await readPackageFile(pkg.dir, pkg.zip_path, 'manifest.json');
  if (read) {
    try {
      const m = parseManifest(JSON.parse(read.bytes.toString('utf8')) as unknown);
      const matches = createHash('sha256').update(read.bytes).digest('hex') === pkg.manifest_sha256;
      const clipFiles = read.from === 'dir' ? m.files.map((f) => path.join(pkg.dir, ...clipPackagePath(f.name).split('/'))) : [];
      return fromManifest(m, matches, clipFiles);
    } catch {
      // A manifest that no longer parses is reported as changed; the audit record still says what went out.
      const fallback = exportRecord(ctx, pkg, head, tz);
      return { ...fallback, manifestMatches: false };
    }
  }
  return exportRecord(ctx, pkg, head, tz);
}

function exportRecord(ctx: Ctx, pkg: PackageRow, head: Pick<PackageContentsView, 'package' | 'incident' | 'audience'>, tz: string): PackageContents {
  const ev = pageAudit(ctx.db, { action: 'export', detail: { field: 'package', value: pkg.package_id } }, 0, 1)[0];
  const names = ev ? (JSON.parse(ev.details) as ExportRecord).files : undefined;
  if (!Array.isArray(names)) return summarise({ ...head, source: 'none', manifestMatches: null, manifest: null, clipFiles: [], audienceInManifest: null, files: [] });
  const clips = clipsOf(ctx.db, pkg.incident_id);
  const files = names
    .filter((n): n is string => typeof n === 'string')
    .map((name) => {
      const { clip, masked } = clipForName(name, clips, tz);
      const zone = clip && (ZONES as readonly string[]).includes(clip.subjects) ? clip.subjects : null;
      const start = clip ? (clip.start_ms ?? clip.from_ms) : null;
      const end = clip ? (clip.end_ms ?? clip.to_ms) : null;
      return { name, camera: clip?.camera_id ?? null, zone, masked, start: start === null ? null : formatInstant(start, tz), end: end === null ? null : formatInstant(end, tz) };
    });
  return summarise({ ...head, source: 'export-record', manifestMatches: null, manifest: null, clipFiles: [], audienceInManifest: pkg.audience, files });
}

/** What the API shows of a package's contents (without the manifest and file paths). */
export function contentsView(c: PackageContents): PackageContentsView {
  return {
    package: c.package,
    incident: c.incident,
    audience: c.audience,
    source: c.source,
    manifestMatches: c.manifestMatches,
    clips: c.clips,
    cameras: c.cameras,
    zones: c.zones,
    masked: c.masked,
    files: c.files,
  };
}

/** Contents of a package Custodian has no record of. */
export function noContents(packageId: string, incident: string, audience: string): PackageContentsView {
  return { package: packageId, incident, audience, source: 'none', manifestMatches: null, clips: 0, cameras: [], zones: emptyZones(), masked: 0, files: [] };
}
