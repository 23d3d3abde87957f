/**
 * The move matcher: a recording missing where the index had it and the same recording (see
 * identity.ts) found where the index has nothing is one recording that moved — a camera folder
 * renamed, a day folder moved to another camera or another root. Its row is pointed at the new
 * place instead of being deleted and inserted again, so its id and the hold pins on it survive,
 * and the holds that kept it follow it to its new camera.
 *
 * Either half may be seen first (walk order, several roots), so both wait for the other until
 * the end of the pass: missing rows in a map by recording key, fresh files in their folder
 * groups. Fresh files wait in bounded numbers; beyond that they are inserted and a late match
 * merges the new row into the old one (`matchInserted`). A sighting with more than one equally
 * good partner is ambiguous and matches nothing: two rows stay two rows (and a held one stays
 * held, missing, with an alarm) rather than one recording being taken for another.
 */
import path from 'node:path';
import { english } from '../../common/i18n/catalog.js';
import { ensureCamera } from '../../db/cameras.js';
import { identityText, type DirRow } from '../../db/dirs.js';
import { followHoldsToCamera, mergeIntoEarlierRow, moveSegment, pinToHoldsKeeping } from '../../db/segment-moves.js';
import { heldAmong, scanSegment, segmentsNamed, type ScanSegment } from '../../db/segments.js';
import { fileFacts } from '../../native/recorder-fs.js';
import { raiseAlarm } from '../alarms.js';
import { segmentFile } from '../paths.js';
import { audit } from '../audit.js';
import { recordingKey, sameRecording, type Sighting } from './identity.js';
import type { FreshFile, FreshGroup, PassState } from './state.js';

/** Fresh files held back for a possible match before they are inserted anyway. */
export const MAX_WAITING = 50_000;

interface Lost {
  readonly row: ScanSegment;
  /** It was already marked missing before this pass (a held recording that vanished earlier). */
  readonly wasMissing: boolean;
}

interface Waiting {
  readonly file: FreshFile;
  readonly group: FreshGroup;
}

interface CameraMove {
  readonly from: string;
  readonly to: string;
  readonly ids: number[];
  readonly holds: Set<number>;
}

function rowSighting(r: ScanSegment): Sighting {
  return { name: r.name, startMs: r.start_ms, size: r.size, mtimeMs: r.mtime_ms };
}

/** A folder identity as one comparable text (the dirs table keeps inode and device as text). */
function identityKey(ino: string | null, dev: string | null): string | null {
  return ino === null ? null : `${dev ?? ''}:${ino}`;
}

function groupIdentity(g: FreshGroup): string | null {
  return g.identity ? identityKey(identityText(g.identity.ino), identityText(g.identity.dev)) : null;
}

function fileSighting(f: FreshFile): Sighting {
  return { name: f.name, startMs: f.startMs, size: f.facts?.size ?? null, mtimeMs: f.facts?.mtimeMs ?? null };
}

/** How many facts two sightings agree on (0: only the name and start time). */
function agreement(a: Sighting, b: Sighting): number {
  let n = 0;
  if (a.size !== null && a.size >= 0 && a.size === b.size) n++;
  if (a.mtimeMs !== null && a.mtimeMs === b.mtimeMs) n++;
  return n;
}

export class MoveMatcher {
  private readonly lostByKey = new Map<string, Lost[]>();
  private readonly lostById = new Map<number, Lost>();
  private readonly waiting = new Map<string, Waiting[]>();
  private waitingFiles = 0;
  /** Groups with files waiting for a match; the pass inserts what is unclaimed. */
  readonly waitingGroups: FreshGroup[] = [];
  /** Per destination folder, the camera recordings last moved from: breaks ties for the next file. */
  private readonly hint = new Map<number, string>();
  private readonly moves = new Map<string, CameraMove>();
  /**
   * Identities of the folders that vanished in this pass, by dir id. A renamed folder (its own
   * name or its parent's) keeps its identity: when two vanished cameras hold look-alike
   * recordings (same names, times, sizes), the folder a fresh file lies in says which one it was.
   */
  private readonly vanishedIdentity = new Map<number, string>();
  private flushed = false;

  constructor(private readonly pass: PassState) {}

  /** Held recordings already missing before this pass may turn up anywhere. */
  loadMissing(rows: readonly ScanSegment[]): void {
    for (const row of rows) this.register({ row, wasMissing: true });
  }

  get waitingCount(): number {
    return this.waitingFiles;
  }

  /** A folder the index had is gone: remember its identity before its rows are offered as lost. */
  vanishedDir(d: DirRow): void {
    const k = identityKey(d.ino, d.dev);
    if (k !== null) this.vanishedIdentity.set(d.id, k);
  }

  /** A row whose file is not where the index has it. */
  lost(row: ScanSegment): void {
    if (row.state !== 'present' || row.missing_ms !== null || this.lostById.has(row.id)) return;
    const l: Lost = { row, wasMissing: false };
    const partner = this.bestWaiting(l);
    if (partner) {
      this.move(l, partner.file, partner.group);
      if (partner.file.claimed) this.dropWaiting(partner);
      return;
    }
    this.register(l);
  }

  /** A row whose file is where the index has it (a missing one back in place): not a partner for anything. */
  present(id: number): void {
    const l = this.lostById.get(id);
    if (l) this.unregister(l);
  }

  /** Fresh files of one folder and camera: each is a move if a lost row matches, else it waits. */
  offer(group: FreshGroup): void {
    let waits = false;
    for (const file of group.files) {
      if (file.claimed) continue;
      const l = this.bestLost(file, group);
      if (l) {
        this.move(l, file, group);
        if (file.claimed) continue;
      }
      const key = recordingKey(file.name, file.startMs);
      const list = this.waiting.get(key);
      if (list) list.push({ file, group });
      else this.waiting.set(key, [{ file, group }]);
      this.waitingFiles++;
      waits = true;
    }
    if (waits) this.waitingGroups.push(group);
  }

  /** The pass inserted every waiting file: forget them (a later match merges rows instead). */
  inserted(): void {
    this.waiting.clear();
    this.waitingGroups.length = 0;
    this.waitingFiles = 0;
    this.flushed = true;
  }

  /** Rows of `rootId` that went missing in this pass and matched nothing. */
  unmatched(rootId: number): ScanSegment[] {
    const out: ScanSegment[] = [];
    for (const l of this.lostById.values()) if (!l.wasMissing && l.row.root_id === rootId) out.push(l.row);
    return out;
  }

  /**
   * After fresh files were inserted before their match was known: a missing row and a row
   * inserted in this pass for the same recording become one, the older (with its pins).
   */
  matchInserted(): void {
    if (!this.flushed) return;
    const { ctx } = this.pass;
    for (const l of [...this.lostById.values()]) {
      const twins = segmentsNamed(ctx.db, l.row.name, l.row.start_ms, this.pass.maxIdAtStart).filter(
        (t) => t.id !== l.row.id && t.state === 'present' && t.missing_ms === null && !this.lostById.has(t.id) && sameRecording(rowSighting(l.row), rowSighting(t)),
      );
      const t = this.pick(twins, (x) => agreement(rowSighting(l.row), rowSighting(x)), [(x) => this.hint.get(x.dir_id) === l.row.camera_id, (x) => x.camera_id === l.row.camera_id]);
      if (!t || scanSegment(ctx.db, l.row.id)?.state !== 'present') continue;
      mergeIntoEarlierRow(ctx.db, l.row.id, t.id);
      const dest = this.pass.roots.get(t.root_id);
      if (dest) dest.report.added--;
      this.place(l, { rootId: t.root_id, dirId: t.dir_id, camera: t.camera_id, size: t.size, mtimeMs: t.mtime_ms });
    }
  }

  /**
   * Held recordings still lost after every match (ambiguous: two equal partners; or their
   * partner was inserted before the loss was known and the merge was ambiguous too): each live
   * look-alike indexed in this pass, anywhere, is pinned to the holds that keep the lost row. A
   * hold then keeps the recording wherever it is indexed, at the price of keeping a look-alike
   * too (identity.ts: too much, never too little). Held rows missing since an earlier pass are
   * lost again in every pass, so a look-alike indexed in any later pass is pinned too. One that
   * was indexed before (it was on the disk beside the held recording) is another recording and
   * is left alone: otherwise every camera's same-sized file of the same moment would be held.
   */
  pinHeldTwins(): void {
    const { ctx } = this.pass;
    const held = heldAmong(ctx.db, [...this.lostById.keys()]);
    const twins: number[] = [];
    for (const id of held) {
      const l = this.lostById.get(id);
      if (!l) continue;
      const rs = rowSighting(l.row);
      for (const t of segmentsNamed(ctx.db, l.row.name, l.row.start_ms, this.pass.maxIdAtStart)) {
        if (t.id === id || t.state !== 'present' || t.missing_ms !== null || this.lostById.has(t.id) || !sameRecording(rs, rowSighting(t))) continue;
        if (pinToHoldsKeeping(ctx.db, id, t.id) > 0) twins.push(t.id);
        this.pass.batch.tick();
      }
    }
    if (twins.length > 0) audit(ctx, 'scan.held-twins-pinned', { count: twins.length, segments: twins.slice(0, 100) });
  }

  /** Alarms and audit events for what moved in this pass. */
  finish(): void {
    for (const m of this.moves.values()) {
      audit(this.pass.ctx, 'scan.moved', { from: m.from, to: m.to, count: m.ids.length, segments: m.ids.slice(0, 100), holdsFollowed: [...m.holds] });
      if (m.from === m.to) continue;
      const msg = { key: 'scan:cameraMoved', params: { from: m.from, to: m.to, count: m.ids.length } };
      raiseAlarm(this.pass.ctx, {
        kind: 'camera-moved',
        key: `camera-moved:${m.from}:${m.to}`,
        message: english(msg),
        details: { from: m.from, to: m.to, count: m.ids.length, holds: [...m.holds], msg },
      });
    }
  }

  private register(l: Lost): void {
    const key = recordingKey(l.row.name, l.row.start_ms);
    const list = this.lostByKey.get(key);
    if (list) list.push(l);
    else this.lostByKey.set(key, [l]);
    this.lostById.set(l.row.id, l);
  }

  private unregister(l: Lost): void {
    this.lostById.delete(l.row.id);
    const key = recordingKey(l.row.name, l.row.start_ms);
    const list = this.lostByKey.get(key)?.filter((x) => x !== l);
    if (list && list.length > 0) this.lostByKey.set(key, list);
    else this.lostByKey.delete(key);
  }

  private dropWaiting(w: Waiting): void {
    const key = recordingKey(w.file.name, w.file.startMs);
    const list = this.waiting.get(key)?.filter((x) => x !== w);
    if (list && list.length > 0) this.waiting.set(key, list);
    else this.waiting.delete(key);
    this.waitingFiles--;
  }

  /** Compares with known facts: a file not stat'ed yet is stat'ed now (it may be a move). */
  private statIfNeeded(file: FreshFile, group: FreshGroup): boolean {
    if (file.facts) return true;
    file.facts = fileFacts(path.join(group.absDir, file.name));
    return file.facts !== null;
  }

  private bestLost(file: FreshFile, group: FreshGroup): Lost | null {
    const cands = this.lostByKey.get(recordingKey(file.name, file.startMs));
    if (!cands || cands.length === 0) return null;
    if (!this.statIfNeeded(file, group)) return null;
    const fs = fileSighting(file);
    const ok = cands.filter((l) => sameRecording(rowSighting(l.row), fs) && !this.backInPlace(l));
    const here = groupIdentity(group);
    const hinted = this.hint.get(group.dirId);
    return this.pick(ok, (l) => agreement(rowSighting(l.row), fs), [
      (l) => here !== null && this.vanishedIdentity.get(l.row.dir_id) === here,
      (l) => hinted !== undefined && l.row.camera_id === hinted,
      (l) => l.row.camera_id === group.camera,
    ]);
  }

  /**
   * A recording missing since an earlier pass may be back where it was, in a folder this pass
   * has not listed yet: then it did not move (the listing will clear its mark).
   */
  private backInPlace(l: Lost): boolean {
    if (!l.wasMissing) return false;
    const file = segmentFile(this.pass.ctx, l.row);
    return file !== null && fileFacts(file) !== null;
  }

  private bestWaiting(l: Lost): Waiting | null {
    const cands = this.waiting.get(recordingKey(l.row.name, l.row.start_ms));
    if (!cands || cands.length === 0) return null;
    const rs = rowSighting(l.row);
    const ok = cands.filter((w) => this.statIfNeeded(w.file, w.group) && sameRecording(rs, fileSighting(w.file)));
    const was = this.vanishedIdentity.get(l.row.dir_id);
    return this.pick(ok, (w) => agreement(rs, fileSighting(w.file)), [
      (w) => was !== undefined && groupIdentity(w.group) === was,
      (w) => this.hint.get(w.group.dirId) === l.row.camera_id,
      (w) => w.group.camera === l.row.camera_id,
    ]);
  }

  /**
   * The one best partner: most facts agreeing, then the tie-breakers in order (the same folder
   * identity, the camera a neighbour moved from, the same camera). Two equally good partners: none.
   */
  private pick<T>(cands: readonly T[], facts: (c: T) => number, breakers: readonly ((c: T) => boolean)[]): T | null {
    if (cands.length === 0) return null;
    if (cands.length === 1) return cands[0] as T;
    // The tie-breakers are only trusted between partners that agree in every fact (size and
    // mtime: a rename keeps both). Copies that did not keep times (cp -r) of two look-alike
    // cameras agree in size alone, and a freed folder's inode can be reused by the next copy:
    // a tie there is a tie, and the scan pins every look-alike to the holds instead.
    const top = Math.max(...cands.map(facts));
    if (top < 2 && cands.filter((c) => facts(c) === top).length > 1) return null;
    const weight = 2 ** breakers.length;
    const score = (c: T): number => facts(c) * weight + breakers.reduce((n, b, i) => n + (b(c) ? 2 ** (breakers.length - 1 - i) : 0), 0);
    let best: T | null = null;
    let bestScore = -1;
    let tie = false;
    for (const c of cands) {
      const s = score(c);
      if (s > bestScore) {
        best = c;
        bestScore = s;
        tie = false;
      } else if (s === bestScore) tie = true;
    }
    return tie ? null : best;
  }

  private move(l: Lost, file: FreshFile, group: FreshGroup): void {
    // A row a sweep took meanwhile is not moved: the file stays fresh and is inserted.
    file.claimed = this.place(l, { rootId: group.rootId, dirId: group.dirId, camera: group.camera, size: file.facts?.size ?? null, mtimeMs: file.facts?.mtimeMs ?? null });
  }

  private place(l: Lost, to: { rootId: number; dirId: number; camera: string; size: number | null; mtimeMs: number | null }): boolean {
    const { ctx } = this.pass;
    this.unregister(l);
    if (!this.pass.cameras.has(to.camera)) {
      ensureCamera(ctx.db, to.camera, this.pass.now);
      this.pass.cameras.add(to.camera);
    }
    if (!moveSegment(ctx.db, l.row.id, { rootId: to.rootId, dirId: to.dirId, cameraId: to.camera, size: to.size, mtimeMs: to.mtimeMs })) return false;
    const pairKey = `${l.row.camera_id}\u0000${to.camera}`;
    let m = this.moves.get(pairKey);
    if (!m) {
      m = { from: l.row.camera_id, to: to.camera, ids: [], holds: new Set() };
      this.moves.set(pairKey, m);
    }
    m.ids.push(l.row.id);
    if (l.row.camera_id !== to.camera) {
      // In the same transaction as the move: the recording is never unheld in between.
      for (const h of followHoldsToCamera(ctx.db, l.row.id, l.row.camera_id, to.camera)) {
        m.holds.add(h);
        audit(ctx, 'hold.camera-followed', { hold: h, from: l.row.camera_id, to: to.camera, segment: l.row.id });
      }
    }
    this.hint.set(to.dirId, l.row.camera_id);
    const dest = this.pass.roots.get(to.rootId);
    if (dest) {
      dest.report.moved++;
      if (l.wasMissing) dest.report.found++;
    }
    this.pass.batch.tick();
    return true;
  }
}
