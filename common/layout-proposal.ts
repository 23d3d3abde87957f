/**
 * What Custodian proposes after looking at a folder that is to become a recording root: the
 * layout that explains its names (a preset, or a pattern it made up), what it reads from a few
 * real files, how many it cannot place, and whether it is in doubt. The command line prints
 * it, the API answers it, the settings page shows it; nothing is registered until a person
 * confirms (core/layout-detect.ts makes it).
 */
import type { Msg } from './i18n/catalog.js';

export interface LayoutReading {
  /** Relative to the folder, "/" between components. */
  readonly path: string;
  readonly camera: string;
  readonly startMs: number;
  readonly endMs: number | null;
  /** Where the end comes from: the name, the file's own time, or an estimate (the next segment, the file time). */
  readonly endFrom: 'name' | 'file' | 'estimate';
  readonly kind: string | null;
}

export interface LayoutCandidate {
  /** What to register with: a preset name or a pattern. */
  readonly layout: string;
  readonly preset: string | null;
  readonly recorder: string | null;
  readonly pattern: string;
  /** The zone names are read in. */
  readonly timeZone: string;
  /** The zone to register with when it is not the layout's own default (--layout-timezone). */
  readonly layoutTimeZone: string | null;
  readonly defaultTimeZone: string;
  /** Whether the files' modification times confirm the zone. */
  readonly zoneEvidence: 'agrees' | 'changed' | 'unchecked';
  readonly placed: number;
  readonly companions: number;
  readonly unplaced: number;
  readonly cameras: readonly string[];
  readonly examples: readonly LayoutReading[];
  readonly unplacedExamples: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * - clear: one layout places most files and no other reads them differently;
 * - ambiguous: another layout explains them as well and reads them differently, or the tree
 *   holds two recorders' names (a mixed tree): a person must name the layout;
 * - few: the best layout places fewer than half of the files;
 * - none: nothing places any file; empty: there are no files yet;
 * - store: a store whose files must never be deleted one by one (refused).
 */
export type ProposalVerdict = 'clear' | 'ambiguous' | 'few' | 'none' | 'empty' | 'store';

export interface LayoutProposal {
  readonly folder: string;
  /** Files looked at (a sample of every listed folder) and folders listed. */
  readonly files: number;
  readonly folders: number;
  readonly partial: boolean;
  readonly verdict: ProposalVerdict;
  readonly best: LayoutCandidate | null;
  /** Other layouts that place at least half as many files. */
  readonly others: readonly LayoutCandidate[];
  /** The refusal, for a store (its recorder and the file or folder that shows it). */
  readonly store: { readonly recorder: string; readonly path: string; readonly msg: Msg } | null;
  /** The sentences to show, in order (catalogue namespace "layouts"). */
  readonly messages: readonly Msg[];
}

/** Whether `--yes` (or the API without a choice) may take this proposal as it is. */
export function proposalTakenAsIs(p: LayoutProposal): boolean {
  return p.verdict === 'clear' && p.best !== null;
}
