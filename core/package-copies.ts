/**
 * The package copies Custodian holds in its data folder, as the officer downloads them in
 * browser mode (issue 12 item 4: to removable media, the download audit-logged). Only files
 * recorded when the package was written are read, each opened without following a link and
 * checked against its recorded size, from the folder whose identity was recorded; the zip is
 * made as it streams (or the recorded zip is sent as it is).
 */
import { closeSync, constants, createReadStream, fstatSync, lstatSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { failure } from '../common/errors.js';
import { formatInstant } from '../common/time.js';
import { getIncident } from '../db/incidents.js';
import { findPackage, packageFiles, type PackageRow } from '../db/packages.js';
import { packageZipStream } from '../native/package-writer.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export interface PackageDownload {
  fileName: string;
  /** Known when the recorded zip is sent as it is. */
  size: number | null;
  stream: Readable;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Opens a recorded file read-only, refusing a link, another kind of file, or another size than recorded. */
function openRecorded(file: string, size: number): number {
  const fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW);
  const st = fstatSync(fd);
  if (!st.isFile() || st.size !== size) {
    closeSync(fd);
    throw failure('refused_by_safety_rule', 'evidence:errNoCopyHeld', { id: path.basename(file), when: '—' });
  }
  return fd;
}

function heldOrThrow(ctx: Ctx, packageId: string): PackageRow {
  const pkg = findPackage(ctx.db, packageId);
  if (!pkg) throw failure('not_found', 'evidence:errNoSuchPackage', { id: packageId });
  if (pkg.location !== 'data' || pkg.deleted_ms !== null) {
    const when = pkg.deleted_ms === null ? '—' : formatInstant(pkg.deleted_ms, ctx.settings().siteTimeZone);
    throw failure('not_found', 'evidence:errNoCopyHeld', { id: packageId, when });
  }
  return pkg;
}

/**
 * A held package as a zip to download, audit-logged (who, which package, for which incident).
 * Throws not_found when Custodian holds no copy (written elsewhere, or already deleted).
 */
export function openHeldPackage(ctx: Ctx, packageId: string): PackageDownload {
  const pkg = heldOrThrow(ctx, packageId);
  const inc = getIncident(ctx.db, pkg.incident_id);
  const name = path.basename(pkg.dir);
  const recorded = packageFiles(ctx.db, pkg.id).filter((f) => f.deleted_ms === null);
  const zip = recorded.find((f) => f.copy === 'zip');
  const files = recorded.filter((f) => f.copy === 'folder');
  const details = { package: pkg.package_id, incident: inc?.ref ?? null, audience: pkg.audience, files: files.length };
  if (zip && pkg.zip_path !== null) {
    const fd = openRecorded(pkg.zip_path, zip.size);
    audit(ctx, 'package.downloaded', { ...details, zip: true });
    return { fileName: `${name}.zip`, size: zip.size, stream: createReadStream('', { fd, autoClose: true }) };
  }
  // The folder must be the one written (same identity), reached without a link.
  const st = lstatSync(pkg.dir);
  if (!st.isDirectory() || (pkg.dir_ino !== null && (st.ino !== pkg.dir_ino || st.dev !== pkg.dir_dev))) {
    throw failure('refused_by_safety_rule', 'evidence:errNoCopyHeld', { id: pkg.package_id, when: '—' });
  }
  const fds = new Map<string, number>();
  try {
    for (const f of files) {
      const parts = f.rel_path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const sub = lstatSync(path.join(pkg.dir, ...parts.slice(0, i)));
        if (!sub.isDirectory()) throw failure('refused_by_safety_rule', 'evidence:errNoCopyHeld', { id: pkg.package_id, when: '—' });
      }
      fds.set(f.rel_path, openRecorded(path.join(pkg.dir, ...parts), f.size));
    }
  } catch (e) {
    for (const fd of fds.values()) closeSync(fd);
    throw e;
  }
  audit(ctx, 'package.downloaded', { ...details, zip: false });
  const { stream } = packageZipStream(name, files.map((f) => ({ path: f.rel_path })), (p) => createReadStream('', { fd: fds.get(p) as number, autoClose: true }), { ms: pkg.created_ms, timeZone: ctx.settings().siteTimeZone });
  return { fileName: `${name}.zip`, size: null, stream };
}
