/**
 * When a deleted recording was really due, and how late it went (POLICY P2). A recording is due
 * `retentionMonths` after it ended (deletions.due_ms, written by the sweep from the rule in
 * common/time.ts); a hold that stood at that moment moved the due time to its release, and so
 * on for any hold standing then. A deletion is late when it came more than one sweep interval
 * after that effective due time: the sweep runs every interval, so anything later means deletion
 * did not happen when it should have.
 */
import { retentionDueAt } from '../../common/time.js';
import type { DeletionRow } from '../../db/deletions.js';
import { holdsPinning, listHolds, type HoldRow } from '../../db/holds.js';
import type { ReadDb } from '../../db/open.js';

interface HoldSpan {
  id: number;
  fromMs: number;
  toMs: number;
  createdMs: number;
  releasedMs: number | null;
}

export interface EffectiveDue {
  /** The due time after holds (equal to the recording's own due time when no hold stood then). */
  dueMs: number;
  /** The release of the last hold that kept it past its own due time, or null. */
  heldUntil: number | null;
  heldBy: number[];
}

const span = (h: HoldRow): HoldSpan => ({ id: h.id, fromMs: h.from_ms, toMs: h.to_ms, createdMs: h.created_ms, releasedMs: h.released_ms });

/** Holds by camera, read once per report or page. */
export class HoldHistory {
  private readonly byCamera = new Map<string, HoldSpan[]>();
  constructor(private readonly db: ReadDb) {
    for (const h of listHolds(db, true)) {
      for (const c of h.cameras ? h.cameras.split(',') : []) {
        const list = this.byCamera.get(c) ?? [];
        list.push(span(h));
        this.byCamera.set(c, list);
      }
    }
  }

  /**
   * The effective due time of a deleted recording: its own due time, moved to the release of any
   * hold that covered it (by camera and time, or by pin) and stood at that moment.
   */
  effectiveDue(d: Pick<DeletionRow, 'camera_id' | 'from_ms' | 'to_ms' | 'segment_id'>, ownDueMs: number): EffectiveDue {
    const from = d.from_ms ?? 0;
    const to = d.to_ms ?? 0;
    const candidates = (d.camera_id ? (this.byCamera.get(d.camera_id) ?? []) : []).filter((h) => h.fromMs < to && h.toMs > from);
    if (d.segment_id !== null) {
      for (const h of holdsPinning(this.db, d.segment_id)) if (!candidates.some((c) => c.id === h.id)) candidates.push(span(h));
    }
    let due = ownDueMs;
    const heldBy: number[] = [];
    let moved = true;
    while (moved) {
      moved = false;
      for (const h of candidates) {
        // A hold still standing cannot have delayed a deletion that happened (it would have
        // prevented it); one made after the due time did not delay it either.
        if (heldBy.includes(h.id) || h.releasedMs === null || h.createdMs > due || h.releasedMs <= due) continue;
        due = h.releasedMs;
        heldBy.push(h.id);
        moved = true;
      }
    }
    return { dueMs: due, heldUntil: due > ownDueMs ? due : null, heldBy };
  }
}

/** A deletion row's own due time: as recorded, or from the rule for rows written without one. */
export function ownDueMs(d: Pick<DeletionRow, 'due_ms' | 'to_ms' | 'kind'>, retentionMonths: number, timeZone: string): number | null {
  if (d.due_ms !== null) return d.due_ms;
  if (d.kind === 'segment' && d.to_ms !== null) return retentionDueAt(d.to_ms, retentionMonths, timeZone);
  return null;
}

export interface Lateness {
  ownDueMs: number;
  dueMs: number;
  heldUntil: number | null;
  /** Deleted this long after the effective due time (negative: before it). */
  latenessMs: number;
  late: boolean;
}

/** How late a segment deletion went; null for clips and packages (they have no retention due time). */
export function latenessOf(holds: HoldHistory, d: DeletionRow, intervalMs: number, retentionMonths: number, timeZone: string): Lateness | null {
  if (d.kind !== 'segment' || d.deleted_ms === null) return null;
  const own = ownDueMs(d, retentionMonths, timeZone);
  if (own === null) return null;
  // Only a deletion that is late against its own due time can be explained by a hold.
  const eff = d.deleted_ms - own > intervalMs ? holds.effectiveDue(d, own) : { dueMs: own, heldUntil: null, heldBy: [] };
  const latenessMs = d.deleted_ms - eff.dueMs;
  return { ownDueMs: own, dueMs: eff.dueMs, heldUntil: eff.heldUntil, latenessMs, late: latenessMs > intervalMs };
}
