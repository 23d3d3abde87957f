/**
 * Writing a small file so that a crash or power cut leaves either the old content or the new,
 * never half: write a temporary file beside it, fsync it, rename it over the target, fsync the
 * folder (so the rename itself is on the disk).
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { removeWorkingFileSync } from './own-files.js';
import path from 'node:path';

/** The temporary name used while writing `file` (callers that list folders skip these). */
export function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
}

export function fsyncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open a folder for fsync; the file itself is synced.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o644): void {
  const tmp = tempNameFor(file);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      removeWorkingFileSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    try {
      removeWorkingFileSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  fsyncFolder(path.dirname(file));
}
