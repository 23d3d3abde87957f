/**
 * A scan's look for stores that must never be deleted file by file (native/store-signatures.ts)
 * inside a registered root: a ring of pre-allocated files or a recorder's database that appeared
 * after the root was admitted (a recorder repointed at the share, a disk swapped). Every folder
 * the scan lists is read for their marks; every mark found before is looked for again by path,
 * each pass, so a folder the scan no longer lists (its mtime unchanged) still counts. While any
 * mark is there the root has a blocking `store-signature` alarm, and the sweep deletes nothing in
 * it (storeRefusalFor, asked by the sweep for each root): acknowledging the alarm does not lift
 * that, since the marks stay recorded until a scan sees them gone (the next scan also raises the
 * alarm again). It ends when the marks are gone or the root is removed.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { english, type Msg } from '../common/i18n/catalog.js';
import type { RootRow } from '../db/roots.js';
import { forgetStoreSignature, noteStoreSignature, storeSignatures } from '../db/store-signatures.js';
import { fileFacts, type DirListing } from '../native/recorder-fs.js';
import { marksInListing } from '../native/store-signatures.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import type { Ctx } from './context.js';

export class StoreWatch {
  constructor(
    private readonly ctx: Ctx,
    private readonly root: RootRow,
  ) {}

  /** One listed folder of the root (`rel` with "/" between components). */
  listed(rel: string, abs: string, listing: DirListing): void {
    const marks = marksInListing(rel, listing.files, listing.dirs, (name) => fileFacts(path.join(abs, name))?.size ?? null);
    for (const m of marks) noteStoreSignature(this.ctx.db, this.root.id, m.rel, m.recorder, this.ctx.now());
  }

  /** After the walk: look again for every mark, and raise or end the alarm. */
  finish(): void {
    const key = `store-signature:${this.root.id}`;
    const present = storeSignatures(this.ctx.db, this.root.id).filter((row) => {
      if (exists(path.join(this.root.path, ...row.rel.split('/')))) return true;
      forgetStoreSignature(this.ctx.db, this.root.id, row.rel);
      return false;
    });
    const first = present[0];
    if (!first) {
      conditionEnded(this.ctx, key);
      return;
    }
    const shown = present.slice(0, 3).map((p) => p.rel).join(', ') + (present.length > 3 ? ', …' : '');
    const msg: Msg = { key: `layouts:alarmStore.${first.recorder}`, params: { root: this.root.path, paths: shown } };
    raiseAlarm(this.ctx, {
      kind: 'store-signature',
      key,
      rootId: this.root.id,
      message: english(msg),
      details: { root: this.root.id, recorder: first.recorder, paths: present.slice(0, 20).map((p) => p.rel), msg },
    });
  }
}

/**
 * Why the sweep must delete nothing in this root now: a store's marks a scan found there and has
 * not yet seen gone (null: none). Read from the recorded marks, not the alarm, so a person's
 * acknowledgement of the alarm between two scans does not open the root to deletion.
 */
export function storeRefusalFor(ctx: Ctx, rootId: number): Msg | null {
  const first = storeSignatures(ctx.db, rootId)[0];
  return first ? { key: 'layouts:refusedStore', params: { recorder: first.recorder, path: first.rel } } : null;
}

function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}
