/**
 * Stores that look like folders of video files but must never be deleted file by file (issue
 * 16; the marks are in native/store-signatures.ts): is a folder about to become a root one of
 * them, or inside one? Asked by addRoot and by the proposal (core/layout-detect.ts), before
 * anything is written.
 */
import path from 'node:path';
import type { Msg } from '../common/i18n/catalog.js';
import { fileFacts, listDir } from '../native/recorder-fs.js';
import { marksInListing, type StoreMark } from '../native/store-signatures.js';
import { sampleTree, type TreeSample } from '../native/tree-sample.js';

/** The first store mark in the folder's look, or in its parent's listing (the root may be a datadir). */
export function findStore(abs: string, sample: TreeSample): StoreMark | null {
  for (const f of sample.folders) {
    const dir = path.join(abs, ...f.comps);
    const marks = marksInListing(f.comps.join('/'), f.files, f.dirs, (name) => sizeOf(path.join(dir, name)));
    if (marks[0]) return marks[0];
  }
  const parent = path.dirname(abs);
  if (parent !== abs) {
    try {
      const l = listDir(parent);
      const marks = marksInListing('..', l.files, l.dirs, (name) => sizeOf(path.join(parent, name)));
      if (marks[0]) return marks[0];
    } catch {
      // an unreadable parent shows nothing
    }
  }
  return null;
}

function sizeOf(abs: string): number | null {
  return fileFacts(abs)?.size ?? null;
}

/** The refusal sentence when `dir` is (or lies in) a store that must never be deleted one by one. */
export function storeRefusal(abs: string, sample: TreeSample = sampleTree(abs)): Msg | null {
  const mark = findStore(abs, sample);
  return mark ? { key: `layouts:store.${mark.recorder}`, params: { folder: abs, path: mark.rel } } : null;
}

