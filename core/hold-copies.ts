/**
 * Holds that survive the database. Beside its sentinel every online root keeps a signed copy of
 * the active holds (`.custodian-holds.json`, written atomically), rewritten after every hold
 * change commits and whenever the service finds it stale. Every root gets every active hold: a
 * copy with too many holds only keeps more, one with too few could let held footage go (a
 * camera's recordings can turn up on another root).
 *
 * When a data folder meets a root whose sentinel it did not write (the database was lost and
 * `init` runs again, or the disk comes from another installation), it refuses to adopt the root
 * without `--adopt` and says what it found; with `--adopt` it first restores the holds of the
 * copy, so no sweep can delete what they keep.
 *
 * Writers need no lock: each writes what the database says after its own commit, then reads
 * again and rewrites if the holds changed meanwhile, so the last write is always current.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HOLDS_COPY_FILE, SENTINEL_FILE } from '../common/domain.js';
import { failure, messageOf } from '../common/errors.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import { auditByAction } from '../db/audit.js';
import type { ReadDb } from '../db/open.js';
import { formatInstant } from '../common/time.js';
import { insertHold, listHolds, type HoldRow } from '../db/holds.js';
import { installationOf, ledgerHead } from '../db/ledger.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { writeFileAtomic } from '../native/atomic-write.js';
import { readSentinel } from '../native/recorder-fs.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { anchorsDir, listAnchorFiles, readAnchor, signText, siteSigner, sitePublicKey, verifyBytes } from './anchors.js';
import { holdRecords, problem, type Problem } from './chain.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export const HOLD_COPY_FORMAT = 'custodian-holds/1';

export interface CopiedHold {
  readonly id: number;
  readonly cameras: string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly source: string;
  readonly sourceRef: string | null;
  readonly createdMs: number;
  readonly createdBy: string;
}

export interface HoldCopy {
  readonly format: typeof HOLD_COPY_FORMAT;
  readonly note: string;
  readonly installation: string;
  readonly rootUuid: string;
  readonly writtenAt: string;
  readonly writtenMs: number;
  /** The chain's head when it was written: which copy is newer. */
  readonly chainSeq: number;
  readonly holds: CopiedHold[];
  readonly keyFingerprint: string;
  readonly publicKey: string;
}

function copiedHolds(ctx: Ctx): CopiedHold[] {
  const tz = ctx.settings().siteTimeZone;
  return listHolds(ctx.db, false).map((h: HoldRow) => ({
    id: h.id,
    cameras: h.cameras ? h.cameras.split(',').sort() : [],
    fromMs: h.from_ms,
    toMs: h.to_ms,
    from: formatInstant(h.from_ms, tz),
    to: formatInstant(h.to_ms, tz),
    reason: h.reason,
    source: h.source,
    sourceRef: h.source_ref,
    createdMs: h.created_ms,
    createdBy: h.created_by,
  }));
}

const sameHolds = (a: readonly CopiedHold[], b: readonly CopiedHold[]): boolean =>
  JSON.stringify(a.map((h) => [h.id, h.cameras, h.fromMs, h.toMs, h.reason])) === JSON.stringify(b.map((h) => [h.id, h.cameras, h.fromMs, h.toMs, h.reason]));

export type CopyRead =
  | { state: 'missing' }
  | { state: 'damaged'; reason: string }
  | { state: 'ok'; copy: HoldCopy; signedBy: 'this-site' | 'other-key' | 'invalid' };

/** Reads a root's hold copy and says whose key signed it. */
export function readHoldCopy(rootPath: string, siteKeyPem: string | null): CopyRead {
  let text: string;
  try {
    text = readFileSync(path.join(rootPath, HOLDS_COPY_FILE), 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'missing' } : { state: 'damaged', reason: messageOf(e) };
  }
  let parsed: HoldCopy & { signature?: string };
  try {
    parsed = JSON.parse(text) as HoldCopy & { signature?: string };
  } catch (e) {
    return { state: 'damaged', reason: messageOf(e) };
  }
  if (parsed.format !== HOLD_COPY_FORMAT || !Array.isArray(parsed.holds) || typeof parsed.installation !== 'string') return { state: 'damaged', reason: 'not a Custodian hold copy' };
  const { signature, ...copy } = parsed;
  // The signature covers the compact JSON of everything before it, in the order written.
  const bytes = Buffer.from(JSON.stringify(copy), 'utf8');
  const sig = Buffer.from(signature ?? '', 'base64');
  const signedBy = siteKeyPem && verifyBytes(siteKeyPem, bytes, sig) ? 'this-site' : typeof copy.publicKey === 'string' && verifyBytes(copy.publicKey, bytes, sig) ? 'other-key' : 'invalid';
  return { state: 'ok', copy, signedBy };
}

export interface CopyReport {
  readonly written: number[];
  readonly unchanged: number[];
  readonly failed: { root: number; reason: string }[];
}

function writeCopy(ctx: Ctx, root: RootRow, holds: CopiedHold[], installation: string, keys: { pem: string; fingerprint: string }): void {
  const now = ctx.now();
  const copy: HoldCopy = {
    format: HOLD_COPY_FORMAT,
    note: 'Written by Custodian: the holds that keep recordings on this disk from deletion. If Custodian\'s database is lost, "custodian init --adopt" restores them from here.',
    installation,
    rootUuid: root.sentinel_uuid,
    writtenAt: new Date(now).toISOString(),
    writtenMs: now,
    chainSeq: ledgerHead(ctx.db)?.seq ?? 0,
    holds,
    keyFingerprint: keys.fingerprint,
    publicKey: keys.pem,
  };
  const { signature } = signText(ctx, JSON.stringify(copy));
  writeFileAtomic(path.join(root.path, HOLDS_COPY_FILE), `${JSON.stringify({ ...copy, signature }, null, 2)}\n`, 0o644);
}

/**
 * Does a root's signed copy know of holds the database lost? The copy is written after each
 * hold change commits, so against an untouched database every hold in it is there (active as
 * copied, or released by a recorded release, or restored from a copy), and its chain head is at
 * or behind the database's. Anything else means the holds or the whole data folder were changed
 * or rolled back from outside, and deleting in that root could take held footage (attack 10).
 * A head ahead is excused only by a restore Custodian recorded after the copy was written.
 * Copies this site did not sign for this installation and root are not judged here (adopt is).
 */
export function copyConflict(db: ReadDb, root: RootRow, installation: string, keyPem: string | null): Problem | null {
  const read = readHoldCopy(root.path, keyPem);
  if (read.state !== 'ok' || read.signedBy !== 'this-site' || read.copy.installation !== installation || read.copy.rootUuid !== root.sentinel_uuid) return null;
  const copy = read.copy;
  const base = { root: root.path, written: copy.writtenAt };
  const recs = holdRecords(db);
  const rows = new Map(listHolds(db, true).map((h) => [h.id, h]));
  const restored = new Set(listHolds(db, true).filter((h) => h.source === 'restored').map((h) => h.source_ref));
  for (const h of copy.holds) {
    const at = { table: 'holds', rowId: h.id };
    const row = rows.get(h.id);
    const params = { ...base, hold: h.id };
    if (!row) {
      if (!restored.has(`${installation}:${h.id}`)) return problem('holdCopyMissing', at, params);
      continue;
    }
    const rec = recs.get(h.id);
    if (row.released_ms !== null) {
      if (!rec?.released) return problem('holdCopyReleased', at, params);
      continue;
    }
    // The database's hold must keep at least what the copy says (a camera followed since is more).
    const cams = new Set(row.cameras ? row.cameras.split(',') : []);
    if (row.from_ms > h.fromMs || row.to_ms < h.toMs || h.cameras.some((c) => !cams.has(c))) return problem('holdCopyChanged', at, params);
  }
  const head = ledgerHead(db)?.seq ?? 0;
  if (copy.chainSeq > head) {
    const restoredSince = auditByAction(db, 'records.restored', copy.writtenMs).length > 0;
    if (!restoredSince) return problem('holdCopyAhead', { seq: head + 1 }, { ...base, copySeq: copy.chainSeq, head });
  }
  return null;
}

/** The roots whose copies disagree with the database (for `audit verify`). */
export function copyConflicts(db: ReadDb, dataDir: string): Problem[] {
  const installation = installationOf(db).uuid;
  const key = sitePublicKey(dataDir)?.pem ?? null;
  const out: Problem[] = [];
  for (const root of listRoots(db)) {
    const s = readSentinel(root.path);
    if (!s.ok || s.uuid !== root.sentinel_uuid) continue;
    const p = copyConflict(db, root, installation, key);
    if (p) out.push(p);
  }
  return out;
}

/**
 * The sweep's check before it deletes in a root: a conflict stops deletion there with a
 * `hold-copy-conflict` alarm, for as long as it is seen (acknowledging it does not lift it).
 */
export function holdCopyRefusal(ctx: Ctx, root: RootRow): { msg: Msg; alarm: number } | null {
  const p = copyConflict(ctx.db, root, installationOf(ctx.db).uuid, siteSigner(ctx).publicKeyPem);
  const key = `hold-copy-conflict:${root.id}`;
  if (!p) {
    conditionEnded(ctx, key);
    return null;
  }
  const alarm = raiseAlarm(ctx, { kind: 'hold-copy-conflict', key, rootId: root.id, message: p.text, details: { root: root.id, code: p.code, msg: p.msg } });
  return { msg: p.msg, alarm };
}

/**
 * Brings every online root's copy up to date with the database. Called after each hold change
 * commits, when a root is added, and by the service (a crash between a commit and the copy
 * leaves one stale until then). A root that cannot be written gets an alarm.
 */
export function writeHoldCopies(ctx: Ctx): CopyReport {
  const report = { written: [] as number[], unchanged: [] as number[], failed: [] as { root: number; reason: string }[] };
  const installation = installationOf(ctx.db).uuid;
  const k = siteSigner(ctx);
  const keys = { pem: k.publicKeyPem, fingerprint: k.fingerprint };
  let holds = copiedHolds(ctx);
  for (let attempt = 0; attempt < 5; attempt++) {
    for (const root of listRoots(ctx.db)) {
      const sentinel = readSentinel(root.path);
      if (!sentinel.ok || sentinel.uuid !== root.sentinel_uuid) continue; // never write into whatever is mounted there instead
      // A copy that knows holds the database lost is the evidence; it is never written over.
      if (copyConflict(ctx.db, root, installation, keys.pem)) {
        if (attempt === 0) report.unchanged.push(root.id);
        continue;
      }
      const cur = readHoldCopy(root.path, keys.pem);
      if (cur.state === 'ok' && cur.copy.installation === installation && cur.copy.rootUuid === root.sentinel_uuid && cur.signedBy === 'this-site' && sameHolds(cur.copy.holds, holds) && cur.copy.chainSeq <= (ledgerHead(ctx.db)?.seq ?? 0)) {
        if (attempt === 0) report.unchanged.push(root.id);
        continue;
      }
      try {
        writeCopy(ctx, root, holds, installation, keys);
        if (!report.written.includes(root.id)) report.written.push(root.id);
        conditionEnded(ctx, `hold-copy:${root.id}`);
      } catch (e) {
        const msg = { key: 'records:holdCopy.failed', params: { root: root.path, reason: messageOf(e) } };
        report.failed.push({ root: root.id, reason: messageOf(e) });
        raiseAlarm(ctx, { kind: 'hold-copy-failed', key: `hold-copy:${root.id}`, rootId: root.id, message: english(msg), details: { msg } });
      }
    }
    // Another process may have changed the holds while this one wrote: then write again.
    const now = copiedHolds(ctx);
    if (sameHolds(now, holds)) break;
    holds = now;
  }
  return report;
}

/** The newest anchor in a data folder that the site key signed for `installation`. */
function newestAnchorOf(dataDir: string, installation: string): { seq: number; file: string } | null {
  const key = sitePublicKey(dataDir);
  let best: { seq: number; file: string } | null = null;
  for (const f of listAnchorFiles(anchorsDir(dataDir))) {
    const a = readAnchor(f, key);
    if (a.ok && a.statement.installation === installation && a.statement.seq > (best?.seq ?? 0)) best = { seq: a.statement.seq, file: path.basename(f) };
  }
  return best;
}

export interface AdoptionFinding {
  readonly path: string;
  readonly sentinelUuid: string;
  readonly sentinelCreated: string | null;
  readonly installation: string | null;
  readonly copyWritten: string | null;
  readonly holds: number;
  readonly signedBy: 'this-site' | 'other-key' | 'invalid' | null;
}

function sentinelOf(rootPath: string): { uuid: string; createdAt: string | null } | null {
  try {
    const s = JSON.parse(readFileSync(path.join(rootPath, SENTINEL_FILE), 'utf8')) as { uuid?: unknown; createdAt?: unknown };
    return typeof s.uuid === 'string' ? { uuid: s.uuid, createdAt: typeof s.createdAt === 'string' ? s.createdAt : null } : null;
  } catch {
    return null;
  }
}

/**
 * Called by addRoot before it touches the folder. A folder without a sentinel, or whose copy
 * says it is this installation's, is simply added. Any other sentinel was written by an earlier
 * installation (or one Custodian cannot identify): refused without `adopt`; with it, the holds
 * in its copy are restored first (before the root exists, so before any sweep can see it).
 */
export function adoptRoot(ctx: Ctx, absPath: string, adopt: boolean): AdoptionFinding | null {
  const sentinel = sentinelOf(absPath);
  if (!sentinel) return null;
  const installation = installationOf(ctx.db).uuid;
  const read = readHoldCopy(absPath, siteSigner(ctx).publicKeyPem);
  if (read.state === 'ok' && read.copy.installation === installation) return null;
  const copy = read.state === 'ok' ? read.copy : null;
  const tz = ctx.settings().siteTimeZone;
  const found: AdoptionFinding = {
    path: absPath,
    sentinelUuid: sentinel.uuid,
    sentinelCreated: sentinel.createdAt,
    installation: copy?.installation ?? null,
    copyWritten: copy ? formatInstant(copy.writtenMs, tz) : null,
    holds: copy?.holds.length ?? 0,
    signedBy: read.state === 'ok' ? read.signedBy : null,
  };
  const params = {
    path: absPath,
    installation: found.installation ?? '?',
    created: found.sentinelCreated ?? '?',
    written: found.copyWritten ?? '?',
    holds: found.holds,
    copy: read.state === 'ok' ? 'ok' : read.state,
  };
  if (!adopt) throw failure('refused_by_safety_rule', copy ? 'records:adopt.refused' : 'records:adopt.refusedNoCopy', params);
  // An older copy (put back, or left from before holds were made) may lack holds: the data
  // folder's own signed anchors of that installation say how far its chain got.
  if (copy) {
    const newer = newestAnchorOf(ctx.dataDir, copy.installation);
    if (newer && newer.seq > copy.chainSeq) {
      const msg = { key: 'records:adopt.olderCopy', params: { path: absPath, copySeq: copy.chainSeq, anchorSeq: newer.seq, anchor: newer.file } };
      raiseAlarm(ctx, { kind: 'hold-copy-conflict', key: `hold-copy-adopt:${absPath}`, message: english(msg), details: { path: absPath, copySeq: copy.chainSeq, anchorSeq: newer.seq, msg } });
      throw failure('refused_by_safety_rule', msg.key, msg.params);
    }
  }
  ctx.db.transaction(() => {
    const restored: number[] = [];
    const already = new Set(listHolds(ctx.db, false).filter((h) => h.source === 'restored').map((h) => h.source_ref));
    for (const h of copy?.holds ?? []) {
      const ref = `${found.installation ?? '?'}:${h.id}`;
      if (already.has(ref)) continue;
      const id = insertHold(ctx.db, { fromMs: h.fromMs, toMs: h.toMs, reason: h.reason, source: 'restored', sourceRef: ref, createdMs: ctx.now(), createdBy: ctx.actor.name, cameras: h.cameras });
      audit(ctx, 'hold.restored', { hold: id, from: { installation: found.installation, hold: h.id, source: h.source, sourceRef: h.sourceRef, createdBy: h.createdBy, createdMs: h.createdMs }, cameras: h.cameras, fromMs: h.fromMs, toMs: h.toMs, reason: h.reason, root: absPath });
      restored.push(id);
    }
    audit(ctx, 'root.adopted', { path: absPath, sentinel: sentinel.uuid, sentinelCreated: sentinel.createdAt, earlierInstallation: found.installation, copyWritten: copy?.writtenAt ?? null, copySignedBy: found.signedBy, holdsInCopy: found.holds, restored });
  }).immediate();
  return found;
}
