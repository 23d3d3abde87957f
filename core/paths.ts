/** Where things are on disk: a segment's file, the archive folder. */
import path from 'node:path';
import { getDir } from '../db/dirs.js';
import { getRoot } from '../db/roots.js';
import type { SegmentRow } from '../db/segments.js';
import { relComponents } from '../native/recorder-fs.js';
import type { Ctx } from './context.js';

export function segmentFile(ctx: Ctx, seg: Pick<SegmentRow, 'root_id' | 'dir_id' | 'name'>): string | null {
  const root = getRoot(ctx.db, seg.root_id);
  const dir = getDir(ctx.db, seg.dir_id);
  if (!root || !dir) return null;
  return path.join(root.path, ...relComponents(dir.rel), seg.name);
}

/** The archive folder: a setting, by default `archive/` inside the data folder. */
export function archiveDir(ctx: Ctx): string {
  return path.resolve(ctx.settings().archiveDir ?? path.join(ctx.dataDir, 'archive'));
}
