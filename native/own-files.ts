/**
 * Custodian's own working files: the temporary and partial files it makes while it writes a
 * clip, a package, a PDF or a key, and its scratch folders. Never a recording, an archived clip
 * or a finished package: those go only through the deletion door (native/governed-fs.ts via
 * core/deletion/). To keep this from becoming a second way to delete, only the names Custodian
 * gives its working files are accepted; any other name is refused (and reported as a bug).
 */
import { lstatSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** `x.partial`, `.x.partial-<id>`, `x.<pid>.<time>.tmp`, `custodian-<what>-XXXXXX` (mkdtemp). */
const WORKING_NAME = /(\.partial$|\.partial-[0-9A-Za-z-]+$|\.\d+\.[0-9a-z]+\.tmp$|^custodian-[a-z]+-[0-9A-Za-z]{6}$)/;

/** A database backup Custodian wrote (core/backup.ts names them). */
const BACKUP_NAME = /^custodian-backup-[0-9a-f]{8}-\d{8}T\d{6}Z\.db$/;

export class NotAWorkingFile extends Error {
  constructor(abs: string) {
    super(`refusing to remove ${abs}: not one of Custodian's working files`);
  }
}

function check(abs: string): string {
  if (!WORKING_NAME.test(path.basename(abs))) throw new NotAWorkingFile(abs);
  return abs;
}

/** Removes a working file if it is there. */
export async function removeWorkingFile(abs: string): Promise<void> {
  await unlink(check(abs)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

export function removeWorkingFileSync(abs: string): void {
  try {
    unlinkSync(check(abs));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Removes a working folder and what Custodian wrote into it. */
export async function removeWorkingFolder(abs: string): Promise<void> {
  await rm(check(abs), { recursive: true, force: true });
}

/**
 * Removes a scratch folder Custodian made for one job (`<data>/exports-work/<package id>`):
 * only directly under a folder named `scratchParent`.
 */
export function removeScratchFolder(abs: string, scratchParent: string): void {
  if (path.basename(path.dirname(abs)) !== scratchParent) throw new NotAWorkingFile(abs);
  rmSync(abs, { recursive: true, force: true });
}

/**
 * Removes one of this installation's old backups (a regular file, never a link, named as
 * Custodian names its backups): the backup folder's own retention.
 */
export function removeOwnBackup(abs: string): void {
  if (!BACKUP_NAME.test(path.basename(abs)) || !lstatSync(abs).isFile()) throw new NotAWorkingFile(abs);
  unlinkSync(abs);
}

/** Removes an empty folder (never anything in it: rmdir fails on a folder that is not empty). */
export async function removeEmptyFolder(abs: string): Promise<void> {
  await rmdir(abs);
}

export function removeEmptyFolderSync(abs: string): void {
  rmdirSync(abs);
}
