/**
 * An incident's material goes (after the last handover, or when it is closed): its archived
 * clips and every package copy Custodian holds, except the one handed over (the recipient's).
 * What goes is decided here from the records; the deleting is the door's (recorded-files.ts).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sha256File } from '../../native/hash.js';
import { fileFacts } from '../../native/recorder-fs.js';
import { PackageManifestSchema, clipPackagePath } from '../../common/manifest.js';
import { clipsOf, setClipDeleted, type IncidentRow } from '../../db/incidents.js';
import { markPackageDeleted, packagesOf, type PackageRow } from '../../db/packages.js';
import type { Ctx } from '../context.js';
import { archiveDir } from '../paths.js';
import { deleteRecordedFiles, reportForeignFiles, type RecordedFile } from './recorded-files.js';

export interface MaterialDeletion {
  deleted: number;
  failed: { path: string; reason: string }[];
  /** Files found where Custodian's material was that Custodian did not write: left alone. */
  foreign: string[];
}

/** The archived clips of an incident, by record. */
function clipFiles(ctx: Ctx, inc: IncidentRow, reason: string, handoverId: number | null): RecordedFile[] {
  const base = archiveDir(ctx);
  return clipsOf(ctx.db, inc.id)
    .filter((c) => c.status === 'complete')
    .map((c) => ({ kind: 'clip' as const, recordId: c.id, base, rel: c.rel_path.split('/'), size: c.size, sha256: c.sha256, cameraId: c.camera_id, fromMs: c.start_ms, toMs: c.end_ms, incidentRef: inc.ref, handoverId, reason }));
}

/** What the package writer writes beside the clips (native/package-writer.ts). */
const WRITER_FILES = ['manifest.sig', 'site-public.pem', 'VERIFY.txt', 'index.html', 'SHA256SUMS'];

/**
 * The files of one package copy, by record: the manifest Custodian signed (its SHA-256 is in the
 * database) lists the clips with their hashes. A manifest that is not the recorded one makes
 * nothing deletable.
 *
 * Until every file of a package is recorded with its hash when it is written (issue 12), the
 * writer's own files (by their fixed names) and the zip are taken as they are found.
 */
export async function packageCopyFiles(pkg: PackageRow, reason: string, incidentRef: string, handoverId: number | null): Promise<RecordedFile[]> {
  let manifestBytes: Buffer;
  try {
    manifestBytes = readFileSync(path.join(pkg.dir, 'manifest.json'));
  } catch {
    return [];
  }
  if (createHash('sha256').update(manifestBytes).digest('hex') !== pkg.manifest_sha256) return [];
  const parsed = PackageManifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
  if (!parsed.success) return [];
  const files: RecordedFile[] = parsed.data.files.map((f, i) => ({
    kind: 'package' as const,
    recordId: pkg.id * 10_000 + i,
    base: pkg.dir,
    rel: clipPackagePath(f.name).split('/'),
    size: f.size,
    sha256: f.sha256,
    cameraId: f.camera,
    fromMs: f.startMs,
    toMs: f.endMs,
    incidentRef,
    handoverId,
    reason,
  }));
  files.push({ kind: 'package', recordId: pkg.id * 10_000 + 9_999, base: pkg.dir, rel: ['manifest.json'], size: manifestBytes.length, sha256: pkg.manifest_sha256, incidentRef, handoverId, reason });
  const asFound = WRITER_FILES.map((n) => ({ base: pkg.dir, name: n }));
  if (pkg.zip_path) asFound.push({ base: path.dirname(pkg.zip_path), name: path.basename(pkg.zip_path) });
  for (const [i, f] of asFound.entries()) {
    const facts = fileFacts(path.join(f.base, f.name));
    if (!facts) continue;
    const sha = await sha256File(path.join(f.base, f.name)).catch(() => null);
    files.push({ kind: 'package', recordId: pkg.id * 10_000 + 9_000 + i, base: f.base, rel: [f.name], size: facts.size, sha256: sha, incidentRef, handoverId, reason });
  }
  return files;
}

/**
 * Deletes the incident's archived clips and the package copies Custodian holds (all but
 * `keepPackageId`, the copy handed over). Each deletion is logged by the door; anything else
 * found in those folders stays and is named in a `foreign-files` alarm.
 */
export async function deleteIncidentMaterial(ctx: Ctx, inc: IncidentRow, reason: string, handoverId: number | null, keepPackageId: string | null): Promise<MaterialDeletion> {
  const out: MaterialDeletion = { deleted: 0, failed: [], foreign: [] };
  const clips = await deleteRecordedFiles(ctx, clipFiles(ctx, inc, reason, handoverId));
  ctx.db.transaction(() => {
    for (const g of clips.gone) setClipDeleted(ctx.db, g.recordId);
  })();
  out.deleted += clips.deleted;
  out.failed.push(...clips.failed);
  if (clips.failed.length === 0) out.foreign.push(...reportForeignFiles(ctx, archiveDir(ctx), `foreign-files:${inc.ref}:archive`, { below: [inc.ref], removeBase: true }));

  for (const pkg of packagesOf(ctx.db, inc.id)) {
    if (pkg.package_id === keepPackageId || pkg.deleted_ms !== null) continue;
    const files = await packageCopyFiles(pkg, reason, inc.ref, handoverId);
    const r = await deleteRecordedFiles(ctx, files);
    out.deleted += r.deleted;
    out.failed.push(...r.failed);
    const parent = path.dirname(pkg.dir);
    const left = reportForeignFiles(ctx, parent, `foreign-files:${inc.ref}:${pkg.package_id}`, { below: [path.basename(pkg.dir)], removeBase: true });
    out.foreign.push(...left);
    if (r.failed.length === 0) ctx.db.transaction(() => markPackageDeleted(ctx.db, pkg.id, ctx.now()))();
  }
  return out;
}
