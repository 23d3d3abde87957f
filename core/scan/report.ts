/** What one scan of a recording root found and did, as the CLI, the service and the API report it. */
import type { RootRow } from '../../db/roots.js';

export interface ScanReport {
  root: number;
  path: string;
  online: boolean;
  offlineReason?: string;
  /** Every folder was listed and every file's size and mtime compared (the daily full scan). */
  full: boolean;
  added: number;
  /** Files whose size or mtime differ from what the index knew (a file grew, or was overwritten). */
  changed: number;
  /** Of those, recordings closed long ago that changed: the recorder overwrote them. */
  rewritten: number;
  missing: number;
  /** Missing files found but not applied: safety rule 3 (mass disappearance) stopped it. */
  missingRefused: number;
  /** Recordings found in another folder (a camera or day folder moved or renamed): same rows, same ids. */
  moved: number;
  /** Held recordings that went missing in this pass: their rows stay, marked missing. */
  heldMissing: number;
  /** Held recordings that were missing and turned up again (in place or elsewhere). */
  found: number;
  unrecognised: number;
  newlyUnrecognised: { path: string; reason: string }[];
  pending: number;
  empty: number;
  dirsListed: number;
  dirsSkipped: number;
  /** Folders replaced by another of the same name since the last listing (listed and stat'ed in full). */
  dirsReplaced: number;
  problems: string[];
  durationMs: number;
}

export function emptyReport(root: Pick<RootRow, 'id' | 'path'>, full: boolean): ScanReport {
  return {
    root: root.id,
    path: root.path,
    online: true,
    full,
    added: 0,
    changed: 0,
    rewritten: 0,
    missing: 0,
    missingRefused: 0,
    moved: 0,
    heldMissing: 0,
    found: 0,
    unrecognised: 0,
    newlyUnrecognised: [],
    pending: 0,
    empty: 0,
    dirsListed: 0,
    dirsSkipped: 0,
    dirsReplaced: 0,
    problems: [],
    durationMs: 0,
  };
}
