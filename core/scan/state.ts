/** The state one scan pass shares between its parts (walk, listing reconcile, move matcher, missing guard). */
import type { Layout, LayoutMatcher } from '../../common/layout.js';
import type { Settings } from '../../common/settings.js';
import type { WriteBatch } from '../../db/batch.js';
import type { DirRow, StoredIdentity } from '../../db/dirs.js';
import type { RootRow } from '../../db/roots.js';
import type { NameFacts } from '../../db/segments.js';
import type { FileFacts } from '../../native/recorder-fs.js';
import type { Ctx } from '../context.js';
import type { StoreWatch } from '../store-watch.js';
import type { ScanReport } from './report.js';

/** A file found where the index has no row: a new recording, or one that moved here. */
export interface FreshFile {
  readonly name: string;
  readonly startMs: number;
  facts: FileFacts | null;
  /** Taken by a move: an existing row now points here, nothing is inserted. */
  claimed: boolean;
  /** An end the recorder stated (the name's, or a file-time layout's file time): never cut to the next start. */
  readonly statedEndMs?: number;
  /** What the name says beyond the start (core/layout-time.ts). */
  readonly named?: NameFacts;
}

/** Fresh files of one camera in one folder, inserted together (their ends depend on each other). */
export interface FreshGroup {
  readonly rootId: number;
  readonly dirId: number;
  readonly absDir: string;
  readonly camera: string;
  readonly files: FreshFile[];
  /** The folder's identity (inode, device) as listed: a renamed folder keeps it, a copy does not. */
  readonly identity: StoredIdentity | null;
}

export interface ListedDir {
  readonly id: number;
  /** null: list it again next time (a file in it was still being written). */
  mtime: number | null;
  readonly identity: StoredIdentity;
}

/** One root's part of a pass. */
export interface RootScan {
  readonly root: RootRow;
  readonly report: ScanReport;
  readonly layout: Layout;
  readonly matcher: LayoutMatcher;
  readonly full: boolean;
  /** Files modified after this are being written now (or were, within the longest segment). */
  readonly recentAfter: number;
  /** Rows of this root already marked missing when the pass began. */
  readonly missingBefore: number;
  readonly listed: ListedDir[];
  /** Folders where recordings went missing in this pass (listed again next time if not applied). */
  readonly missingDirs: Set<number>;
  readonly vanished: DirRow[];
  readonly replaced: string[];
  /** Recordings closed long ago whose size or mtime changed. */
  readonly rewritten: number[];
  /** Last new segment of each camera in each folder: its end may be cut by a later folder's first. */
  readonly lastInDir: { id: number; camera: string; start: number; end: number; stated?: true }[];
  /** Marks of stores that must never be deleted file by file, looked for in every listed folder. */
  readonly stores: StoreWatch;
}

export interface PassState {
  readonly ctx: Ctx;
  readonly now: number;
  readonly settings: Settings;
  readonly maxSegMs: number;
  readonly settleMs: number;
  /** The index was empty when the pass began: nothing can have moved, nothing can be missing. */
  readonly firstIndex: boolean;
  /** Rows with a higher id were inserted during this pass. */
  readonly maxIdAtStart: number;
  readonly batch: WriteBatch;
  readonly cameras: Set<string>;
  readonly roots: Map<number, RootScan>;
  readonly maxWaiting: number;
}
