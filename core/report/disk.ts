/**
 * What is on disk, looked at rather than assumed (P4, P5): the files under a folder, without
 * following a link out of it. Links and special files are listed too (they are something left
 * behind), as paths relative to the folder.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

const LIMIT = 100_000;

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string[]): void => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, ...rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= LIMIT) return;
      if (e.isDirectory()) walk([...rel, e.name]);
      else out.push([...rel, e.name].join('/'));
    }
  };
  walk([]);
  return out;
}

/** Whether `p` exists at all (a link counts, even a broken one). */
export function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Whether `child` lies inside folder `parent` (by path, both resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
