/**
 * An access request's material goes (after the answer was delivered, when the request is
 * withdrawn, when a mark is taken back or a masked copy is made again): its clips and masked
 * copies in the archive folder, and the data subject's package copies the caller names. As for
 * incidents (incident-material.ts), each file is taken from its record, and the deleting is the
 * door's (recorded-files.ts): only the very file recorded (size and SHA-256, no link), journaled,
 * one complete log row each; anything else in the request's folders stays and is named.
 */
import path from 'node:path';
import {
  requestPackageFiles,
  setFileDeleted,
  setRequestPackageDeleted,
  setRequestPackageFileDeleted,
  type RequestFileRow,
  type RequestPackageRow,
  type RequestRow,
} from '../../db/access-requests.js';
import type { Ctx } from '../context.js';
import { archiveDir } from '../paths.js';
import { packageDirIdentity } from '../../db/packages.js';
import { folderReplaced, type MaterialDeletion } from './incident-material.js';
import { deleteRecordedFiles, reportForeignFiles, type RecordedFile } from './recorded-files.js';

function fileRecords(ctx: Ctx, r: RequestRow, files: readonly RequestFileRow[], reason: string): RecordedFile[] {
  const base = archiveDir(ctx);
  return files
    .filter((f) => f.status === 'complete')
    .map((f) => ({ kind: 'request-file' as const, recordId: f.id, base, rel: f.rel_path.split('/'), size: f.size, sha256: f.sha256, cameraId: f.camera_id, fromMs: f.start_ms, toMs: f.end_ms, incidentRef: r.ref, handoverId: null, reason }));
}

/** Deletes request files (clips, masked copies) by their records; each deletion logged by the door. */
export async function deleteRequestFiles(ctx: Ctx, r: RequestRow, files: readonly RequestFileRow[], reason: string): Promise<MaterialDeletion> {
  const d = await deleteRecordedFiles(ctx, fileRecords(ctx, r, files, reason));
  ctx.db.transaction(() => {
    for (const g of d.gone) setFileDeleted(ctx.db, g.recordId);
  })();
  return { deleted: d.deleted, failed: d.failed, foreign: [] };
}

/** Deletes one package copy of the data subject's package by the record of every file it wrote. */
export async function deleteRequestPackage(ctx: Ctx, r: RequestRow, pkg: RequestPackageRow, reason: string): Promise<MaterialDeletion> {
  // Only inside the very folder written (a later package exported to the same place is another folder).
  const dirIdentity = packageDirIdentity(ctx.db, pkg.id, 'request_packages');
  const files: RecordedFile[] = requestPackageFiles(ctx.db, pkg.id)
    .filter((f) => f.deleted_ms === null)
    .map((f) => ({
      kind: 'request-package' as const,
      recordId: f.id,
      base: f.copy === 'zip' && pkg.zip_path !== null ? path.dirname(pkg.zip_path) : pkg.dir,
      baseIdentity: f.copy === 'zip' ? null : dirIdentity,
      rel: f.rel_path.split('/'),
      size: f.size,
      sha256: f.sha256,
      incidentRef: r.ref,
      handoverId: null,
      reason,
    }));
  const d = await deleteRecordedFiles(ctx, files);
  ctx.db.transaction(() => {
    for (const g of d.gone) setRequestPackageFileDeleted(ctx.db, g.recordId, ctx.now());
    if (d.failed.length === 0) setRequestPackageDeleted(ctx.db, pkg.id, ctx.now());
  })();
  if (folderReplaced(ctx, pkg.dir, pkg.package_id, dirIdentity)) return { deleted: d.deleted, failed: d.failed, foreign: [pkg.dir] };
  const foreign = reportForeignFiles(ctx, path.dirname(pkg.dir), `foreign-files:${r.ref}:${pkg.package_id}`, { below: [path.basename(pkg.dir)], removeBase: true });
  return { deleted: d.deleted, failed: d.failed, foreign };
}

/**
 * The request's material: every complete clip and masked copy, and the package copies named
 * (decided by the caller). Once its files are gone, what else is left in the request's archive
 * folder is named in a `foreign-files` alarm and left alone.
 */
export async function deleteRequestMaterial(ctx: Ctx, r: RequestRow, files: readonly RequestFileRow[], copies: readonly RequestPackageRow[], reason: string): Promise<MaterialDeletion> {
  const out: MaterialDeletion = { deleted: 0, failed: [], foreign: [] };
  // Masked copies first: a failure leaves the clip they came from, never a copy without its source.
  const ordered = [...files].sort((a, b) => Number(a.kind === 'clip') - Number(b.kind === 'clip'));
  const d = await deleteRequestFiles(ctx, r, ordered, reason);
  out.deleted += d.deleted;
  out.failed.push(...d.failed);
  if (d.failed.length === 0) out.foreign.push(...reportForeignFiles(ctx, archiveDir(ctx), `foreign-files:${r.ref}:archive`, { below: [r.ref], removeBase: true }));
  for (const p of copies) {
    if (p.deleted_ms !== null) continue;
    const x = await deleteRequestPackage(ctx, r, p, reason);
    out.deleted += x.deleted;
    out.failed.push(...x.failed);
    out.foreign.push(...x.foreign);
  }
  return out;
}
