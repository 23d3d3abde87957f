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
import { english } from '../common/i18n/catalog.js';
import { formatInstant } from '../common/time.js';
import { insertHold, listHolds, type HoldRow } from '../db/holds.js';
import { installationOf, ledgerHead } from '../db/ledger.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { writeFileAtomic } from '../native/atomic-write.js';
import { readSentinel } from '../native/recorder-fs.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { signText, siteSigner, verifyBytes } from './anchors.js';
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
      const cur = readHoldCopy(root.path, keys.pem);
      if (cur.state === 'ok' && cur.copy.installation === installation && cur.copy.rootUuid === root.sentinel_uuid && cur.signedBy === 'this-site' && sameHolds(cur.copy.holds, holds)) {
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
