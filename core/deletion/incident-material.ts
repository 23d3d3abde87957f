/**
 * An incident's material goes (after the last handover, or when it is closed): its archived
 * clips and the package copies the caller names (core/package-state.ts copiesToDelete: every
 * copy Custodian holds, and every copy written elsewhere that was never handed over). The files
 * of each copy are taken from their records; the deleting is the door's (recorded-files.ts).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sha256File } from '../../native/hash.js';
import { fileFacts } from '../../native/recorder-fs.js';
import { ManifestClipsSchema, clipPackagePath } from '../../common/manifest.js';
import { clipsOf, setClipDeleted, type IncidentRow } from '../../db/incidents.js';
import { markPackageDeleted, markPackageFileDeleted, packageDirIdentity, packageFiles, type PackageRow } from '../../db/packages.js';
import { english } from '../../common/i18n/catalog.js';
import { identityOf, sameIdentity, type Identity } from '../../native/governed-fs.js';
import { raiseAlarm } from '../alarms.js';
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
 * The files of one package copy, by record. A package written since migration 008 has every file
 * it wrote recorded (package_files: path, size, SHA-256; the folder's files and the zip): exactly
 * those. An older one has only its manifest's hash: the manifest Custodian signed lists the clips
 * with their hashes, and the writer's own files (by their fixed names) and the zip are taken as
 * they are found; a manifest that is not the recorded one makes nothing deletable.
 */
export async function packageCopyFiles(ctx: Ctx, pkg: PackageRow, reason: string, incidentRef: string, handoverId: number | null): Promise<RecordedFile[]> {
  const recorded = packageFiles(ctx.db, pkg.id).filter((f) => f.deleted_ms === null);
  if (recorded.length > 0 || pkg.location !== null) {
    // The folder's files only inside the very folder written; the zip beside it has no recorded
    // folder of its own, and its bytes (the manifest with this package's id) are this package's alone.
    const dirIdentity = packageDirIdentity(ctx.db, pkg.id);
    return recorded.map((f) => ({
      kind: 'package' as const,
      recordId: f.id,
      base: f.copy === 'zip' && pkg.zip_path !== null ? path.dirname(pkg.zip_path) : pkg.dir,
      baseIdentity: f.copy === 'zip' ? null : dirIdentity,
      rel: f.rel_path.split('/'),
      size: f.size,
      sha256: f.sha256,
      incidentRef,
      handoverId,
      reason,
    }));
  }
  return legacyPackageFiles(pkg, reason, incidentRef, handoverId);
}

/** A package from before its files were recorded (migration 008): from its signed manifest. */
async function legacyPackageFiles(pkg: PackageRow, reason: string, incidentRef: string, handoverId: number | null): Promise<RecordedFile[]> {
  let manifestBytes: Buffer;
  try {
    manifestBytes = readFileSync(path.join(pkg.dir, 'manifest.json'));
  } catch {
    return [];
  }
  if (createHash('sha256').update(manifestBytes).digest('hex') !== pkg.manifest_sha256) return [];
  const parsed = ManifestClipsSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
  if (!parsed.success) return [];
  const files: RecordedFile[] = parsed.data.files.map((f, i) => ({
    kind: 'package' as const,
    // Negative: never the id of a recorded package file (package_files.id) in the journal.
    recordId: -(pkg.id * 10_000 + i),
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
  files.push({ kind: 'package', recordId: -(pkg.id * 10_000 + 9_999), base: pkg.dir, rel: ['manifest.json'], size: manifestBytes.length, sha256: pkg.manifest_sha256, incidentRef, handoverId, reason });
  const asFound = WRITER_FILES.map((n) => ({ base: pkg.dir, name: n }));
  if (pkg.zip_path) asFound.push({ base: path.dirname(pkg.zip_path), name: path.basename(pkg.zip_path) });
  for (const [i, f] of asFound.entries()) {
    const facts = fileFacts(path.join(f.base, f.name));
    if (!facts) continue;
    const sha = await sha256File(path.join(f.base, f.name)).catch(() => null);
    files.push({ kind: 'package', recordId: -(pkg.id * 10_000 + 9_000 + i), base: f.base, rel: [f.name], size: facts.size, sha256: sha, incidentRef, handoverId, reason });
  }
  return files;
}

/**
 * Deletes one package copy by its records (a discard, or with the material). Each deletion is
 * logged by the door; anything else found in the copy's folder stays and is named in a
 * `foreign-files` alarm. The copy counts as deleted once every recorded file is gone.
 */
export async function deletePackageCopy(ctx: Ctx, pkg: PackageRow, inc: IncidentRow, reason: string, handoverId: number | null): Promise<MaterialDeletion> {
  const files = await packageCopyFiles(ctx, pkg, reason, inc.ref, handoverId);
  const r = await deleteRecordedFiles(ctx, files);
  ctx.db.transaction(() => {
    for (const g of r.gone) if (g.recordId > 0) markPackageFileDeleted(ctx.db, g.recordId, ctx.now());
  })();
  if (folderReplaced(ctx, pkg.dir, pkg.package_id, packageDirIdentity(ctx.db, pkg.id))) return { deleted: r.deleted, failed: r.failed, foreign: [pkg.dir] };
  const parent = path.dirname(pkg.dir);
  const foreign = reportForeignFiles(ctx, parent, `foreign-files:${inc.ref}:${pkg.package_id}`, { below: [path.basename(pkg.dir)], removeBase: true });
  if (r.failed.length === 0) ctx.db.transaction(() => markPackageDeleted(ctx.db, pkg.id, ctx.now()))();
  return { deleted: r.deleted, failed: r.failed, foreign };
}

/**
 * Another folder where the package copy was written (the copy moved away and a later package
 * exported to the same place): its files are not this copy's, even the ones with the same bytes.
 * Nothing in it is deleted or listed as foreign; an alarm names the folder, and the copy does not
 * count as deleted (its files were not found in its folder: the door failed them).
 */
export function folderReplaced(ctx: Ctx, dir: string, packageId: string, recorded: Identity | null): boolean {
  const now = identityOf(dir);
  if (recorded === null || now === null || sameIdentity(recorded, now)) return false;
  const params = { folder: dir, package: packageId };
  const msg = { key: 'deletion:alarmPackageFolderChanged', params };
  raiseAlarm(ctx, { kind: 'foreign-files', key: `package-folder-changed:${packageId}`, message: english(msg), details: { folder: dir, package: packageId, msg } });
  return true;
}

/**
 * Deletes the incident's archived clips and the package copies named (`copies`: decided by the
 * caller from the record). Each deletion is logged by the door; anything else found in those
 * folders stays and is named in a `foreign-files` alarm.
 */
export async function deleteIncidentMaterial(ctx: Ctx, inc: IncidentRow, reason: string, handoverId: number | null, copies: readonly PackageRow[]): Promise<MaterialDeletion> {
  const out: MaterialDeletion = { deleted: 0, failed: [], foreign: [] };
  const clips = await deleteRecordedFiles(ctx, clipFiles(ctx, inc, reason, handoverId));
  ctx.db.transaction(() => {
    for (const g of clips.gone) setClipDeleted(ctx.db, g.recordId);
  })();
  out.deleted += clips.deleted;
  out.failed.push(...clips.failed);
  if (clips.failed.length === 0) out.foreign.push(...reportForeignFiles(ctx, archiveDir(ctx), `foreign-files:${inc.ref}:archive`, { below: [inc.ref], removeBase: true }));

  for (const pkg of copies) {
    if (pkg.deleted_ms !== null) continue;
    const r = await deletePackageCopy(ctx, pkg, inc, reason, handoverId);
    out.deleted += r.deleted;
    out.failed.push(...r.failed);
    out.foreign.push(...r.foreign);
  }
  return out;
}
