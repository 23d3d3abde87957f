/**
 * Answering an access request (issue 14 "Answer"): a package for the audience `data-subject`,
 * written by the evidence packages' writer (native/package-writer.ts: signed whole, every file
 * listed with its size and SHA-256, a viewer, instructions to verify with sha256sum and openssl)
 * holding the masked copies and the letter; or, when no recordings of the requester were found,
 * the letter alone. The delivery is then recorded like a handover (how, by whom, when: written
 * once), the request's holds are released, and its archived material and every package copy
 * Custodian holds are deleted through the deletion door (by record, journaled, each deletion
 * logged). A copy written elsewhere (--out, the requester's media) and delivered is theirs.
 * A request can also be withdrawn: holds released, material deleted, nothing sent.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { failure } from '../../common/errors.js';
import { english, translator } from '../../common/i18n/catalog.js';
import { ACCESS_REQUEST_REASON, CLIP_NAME_RE, PACKAGE_FORMAT, type PackageManifestDraft } from '../../common/manifest.js';
import { MaskTrackSetSchema } from '../../common/mask-track.js';
import { formatInstant, formatLocal } from '../../common/time.js';
import { getCamera } from '../../db/cameras.js';
import {
  fileSources,
  insertRequestPackage,
  requestPackageFiles,
  requestPackagesOf,
  setRequestDelivered,
  setRequestMaterialDeleted,
  setRequestOutcome,
  setRequestPackageSuperseded,
  setRequestReady,
  setRequestWithdrawn,
  windowsOf,
  type RequestPackageRow,
  type RequestRow,
} from '../../db/access-requests.js';
import { sha256File, sha256Text } from '../../native/hash.js';
import { writePackage, type PackageProgress } from '../../native/package-writer.js';
import { conditionEnded, raiseAlarm } from '../alarms.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import type { MaterialDeletion } from '../deletion/incident-material.js';
import { deleteRequestMaterial, deleteRequestPackage } from '../deletion/request-material.js';
import { packageLocation, TOOL_VERSION } from '../exports.js';
import { siteKeys } from '../site.js';
import { findRequest, recordRequest, requireOpen } from './intake.js';
import { letterName, renderLetter } from './letter.js';
import { clipPath, maskState } from './masking.js';
import { liveClips, liveFiles, releaseRequestHolds } from './review.js';

export interface AnswerOptions {
  /** Where to write the package (default: the data folder's exports/). */
  readonly outDir?: string | undefined;
  /** Also write the package as a zip beside its folder (default: yes; the app downloads it). */
  readonly zip?: boolean | undefined;
  readonly onProgress?: ((p: PackageProgress) => void) | undefined;
}

export interface AnswerResult {
  request: RequestRow;
  /** The data subject's package; null when no recordings were found (the letter alone answers). */
  package: RequestPackageRow | null;
}

/** The package that answers the request now: the latest one not replaced by another. */
export function currentPackage(ctx: Ctx, r: RequestRow): RequestPackageRow | null {
  return requestPackagesOf(ctx.db, r.id).filter((p) => p.superseded_ms === null).pop() ?? null;
}

/** Packages made earlier and replaced, that still have files Custodian must delete. */
function replacedPackages(ctx: Ctx, r: RequestRow): RequestPackageRow[] {
  return requestPackagesOf(ctx.db, r.id).filter((p) => p.superseded_ms !== null && p.deleted_ms === null);
}

function wallName(ms: number, tz: string): string {
  return formatLocal(ms, tz, "yyyyMMdd'T'HHmmss");
}

/**
 * Prepares the answer: checks that every clip has masks that were burned in from exactly the
 * tracks saved (previewed), writes the package and its letter, and marks the request ready to
 * deliver. Preparing again replaces an earlier answer that was not delivered (its copy deleted).
 */
export async function prepareAnswer(ctx: Ctx, ref: string, opts: AnswerOptions = {}): Promise<AnswerResult> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const now = ctx.now();
  const earlier = currentPackage(ctx, r);
  if (r.outcome === 'not-found') {
    ctx.db.transaction(() => {
      if (earlier) setRequestPackageSuperseded(ctx.db, earlier.id, now);
      setRequestReady(ctx.db, r.id, now);
      audit(ctx, 'request.answered', { request: r.ref, outcome: 'not-found', package: null });
      recordRequest(ctx, r.ref, 'answered');
    })();
    await deleteReplaced(ctx, r);
    return { request: findRequest(ctx, r.ref), package: null };
  }
  const clips = liveClips(ctx, r);
  if (clips.length === 0) throw failure('conflict', 'requests:err.nothingToAnswer', { ref: r.ref });
  const items = clips.map((clip) => {
    const st = maskState(ctx, r, clip);
    if (st.set === null) throw failure('conflict', 'requests:err.noMasks', { ref: r.ref, clip: clip.id });
    if (st.masked === null || !st.current) throw failure('conflict', 'requests:err.notPreviewed', { ref: r.ref, clip: clip.id });
    return { clip, masked: st.masked, set: st.set };
  });
  // The clips and their masked copies must still be the files recorded.
  for (const it of items) {
    for (const f of [it.clip, it.masked]) {
      if ((await sha256File(clipPath(ctx, f)).catch(() => null)) !== f.sha256) throw failure('refused_by_safety_rule', 'requests:err.clipChanged', { ref: r.ref, clip: f.id, path: clipPath(ctx, f) });
    }
  }
  const windows = windowsOf(ctx.db, r.id);
  const fromMs = Math.min(...windows.map((w) => w.from_ms));
  const toMs = Math.max(...windows.map((w) => w.to_ms));
  const tr = translator(r.language);
  const packageId = randomUUID();
  const fingerprint = siteKeys(ctx).fingerprint;
  const files: PackageManifestDraft['files'] = [];
  const sources: { sourcePath: string; name: string }[] = [];
  const fileOf = new Map<string, number>();
  for (const it of items) {
    const c = it.clip;
    const startMs = c.start_ms ?? c.from_ms ?? 0;
    const endMs = c.end_ms ?? c.to_ms ?? startMs;
    let name = `${c.camera_id ?? 'camera'}_${wallName(startMs, tz)}_${r.language === 'en' ? 'masked' : 'maskerad'}`;
    if (!CLIP_NAME_RE.test(name) || files.some((f) => f.name.toLowerCase() === name.toLowerCase())) name = `clip-${c.id}`;
    const cam = c.camera_id === null ? undefined : getCamera(ctx.db, c.camera_id);
    sources.push({ sourcePath: clipPath(ctx, it.masked), name });
    fileOf.set(`clips/${name}.mp4`, it.masked.id);
    files.push({
      name,
      camera: c.camera_id ?? 'camera',
      cameraName: cam?.name ?? c.camera_id ?? 'camera',
      zone: cam?.zone ?? 'mixed',
      startMs,
      endMs,
      start: formatInstant(startMs, tz),
      end: formatInstant(endMs, tz),
      sources: fileSources(ctx.db, c.id).map((x) => ({ name: x.name, sha256: x.sha256 })),
      redaction: {
        method: 'burned-in solid black mask tracks over every person but the data subject (re-encoded, irreversible)',
        masks: [],
        derivedFromSha256: c.sha256 as string,
        encoder: it.masked.settings ?? 'libx264',
        tracks: MaskTrackSetSchema.parse(it.set),
      },
      sha256: it.masked.sha256 as string,
      size: it.masked.size as number,
    });
  }
  const letter = await renderLetter(ctx, { ...r, outcome: 'found' }, { packageId, fingerprint, clips: files.length }, now);
  const manifest: PackageManifestDraft = {
    format: PACKAGE_FORMAT,
    packageId,
    site: { controller: s.controller, dpoContact: s.dpoContact },
    incident: {
      reference: r.ref,
      title: tr('requests:package.title'),
      reason: ACCESS_REQUEST_REASON,
      justification: tr('requests:package.justification'),
      fromMs,
      toMs,
      from: formatInstant(fromMs, tz),
      to: formatInstant(toMs, tz),
    },
    audience: 'data-subject',
    timeZone: tz,
    language: r.language,
    operator: ctx.actor.name,
    createdAt: formatInstant(now, tz),
    toolVersion: TOOL_VERSION,
    files,
    request: { reference: r.ref, receivedMs: r.received_ms, received: formatLocal(r.received_ms, tz, 'yyyy-MM-dd'), letter: letterName(r) },
  };
  const outDir = path.resolve(opts.outDir ?? path.join(ctx.dataDir, 'exports', `${r.ref}-${wallName(now, tz)}`));
  const written = await writePackage({ outDir, manifest, clips: sources, dataDir: ctx.dataDir, zip: opts.zip ?? true, documents: [{ path: letterName(r), bytes: letter }], onProgress: opts.onProgress });
  const recorded = [
    ...written.files.map((f) => ({ copy: 'folder' as const, rel_path: f.path, file_id: fileOf.get(f.path) ?? null, size: f.size, sha256: f.sha256 })),
    ...(written.zip ? [{ copy: 'zip' as const, rel_path: written.zip.path, file_id: null, size: written.zip.size, sha256: written.zip.sha256 }] : []),
  ];
  const location = packageLocation(ctx, written.dir);
  const id = ctx.db.transaction(() => {
    if (earlier) setRequestPackageSuperseded(ctx.db, earlier.id, now);
    const pid = insertRequestPackage(
      ctx.db,
      {
        package_id: written.packageId,
        request_id: r.id,
        dir: written.dir,
        zip_path: written.zipPath ?? null,
        manifest_sha256: written.manifestSha256,
        files: files.length,
        location,
        key_fingerprint: written.fingerprint,
        dir_dev: written.dirIdentity.dev,
        dir_ino: written.dirIdentity.ino,
        created_ms: now,
        created_by: ctx.actor.name,
      },
      recorded,
    );
    setRequestOutcome(ctx.db, r.id, 'found', r.outcome_note);
    setRequestReady(ctx.db, r.id, now);
    recordRequest(ctx, r.ref, 'answered');
    audit(ctx, 'request.answered', {
      request: r.ref,
      outcome: 'found',
      package: written.packageId,
      dir: written.dir,
      location,
      manifestSha256: written.manifestSha256,
      keyFingerprint: written.fingerprint,
      clips: items.map((it) => ({ clip: it.clip.id, masked: it.masked.id, sha256: it.masked.sha256, derivedFromSha256: it.clip.sha256, masks: it.set.tracks.length - it.set.keep.length, kept: it.set.keep })),
    });
    return pid;
  })();
  await deleteReplaced(ctx, r);
  return { request: findRequest(ctx, r.ref), package: requestPackagesOf(ctx.db, r.id).find((p) => p.id === id) ?? null };
}

/** Earlier answers that were replaced: their copies go (they were never delivered). */
async function deleteReplaced(ctx: Ctx, r: RequestRow): Promise<MaterialDeletion> {
  const out: MaterialDeletion = { deleted: 0, failed: [], foreign: [] };
  for (const p of replacedPackages(ctx, r)) {
    const d = await deleteRequestPackage(ctx, r, p, `access request ${r.ref}: answer replaced by a newer one`);
    out.deleted += d.deleted;
    out.failed.push(...d.failed);
  }
  return out;
}

export interface DeliverySpec {
  /** How the answer reached the requester: in person, by post, … */
  readonly method: string;
  readonly note?: string | undefined;
}

export interface CloseResult {
  request: RequestRow;
  deletion: MaterialDeletion;
  holdsReleased: number;
  retried: boolean;
}

/**
 * What goes when the request closes: every clip and masked copy, and every package copy but one
 * written elsewhere and delivered (the requester's own).
 */
function copiesToDelete(ctx: Ctx, r: RequestRow): RequestPackageRow[] {
  const delivered = r.status === 'answered' ? currentPackage(ctx, r) : null;
  return requestPackagesOf(ctx.db, r.id).filter((p) => p.deleted_ms === null && !(delivered !== null && p.id === delivered.id && p.location === 'out'));
}

async function closeMaterial(ctx: Ctx, r: RequestRow, reason: string): Promise<{ deletion: MaterialDeletion; holdsReleased: number }> {
  const holdsReleased = releaseRequestHolds(ctx, r, reason);
  const deletion = await deleteRequestMaterial(ctx, r, liveFiles(ctx, r), copiesToDelete(ctx, r), reason);
  const key = `request-delete:${r.ref}`;
  ctx.db.transaction(() => {
    if (deletion.failed.length === 0) setRequestMaterialDeleted(ctx.db, r.id, ctx.now());
    audit(ctx, 'request.material-deleted', { request: r.ref, deleted: deletion.deleted, failed: deletion.failed, foreign: deletion.foreign });
  })();
  if (deletion.failed.length > 0) {
    const msg = { key: 'requests:alarm.deleteFailed', params: { ref: r.ref, count: deletion.failed.length, reason: deletion.failed[0]?.reason ?? '' } };
    raiseAlarm(ctx, { kind: 'delete-failed', key, message: english(msg), details: { request: r.ref, msg } });
  } else {
    conditionEnded(ctx, key);
  }
  return { deletion, holdsReleased };
}

/**
 * Records how the answer was delivered (once), then releases the holds and deletes the
 * request's material. Run again after a deletion that could not finish, it finishes it.
 */
export async function deliverAnswer(ctx: Ctx, ref: string, spec: DeliverySpec): Promise<CloseResult> {
  let r = findRequest(ctx, ref);
  if (r.status === 'answered') {
    if (r.material_deleted_ms !== null) throw failure('conflict', 'requests:err.alreadyDelivered', { ref: r.ref, when: formatInstant(r.delivered_ms ?? 0, ctx.settings().siteTimeZone) });
    const c = await closeMaterial(ctx, r, deliveredReason(r));
    return { request: findRequest(ctx, r.ref), ...c, retried: true };
  }
  if (r.status !== 'ready') throw failure('conflict', r.status === 'open' ? 'requests:err.notReady' : 'requests:err.closed', { ref: r.ref, status: r.status });
  const method = spec.method.trim();
  if (method.length < 2) throw failure('invalid_request', 'requests:err.method');
  const pkg = currentPackage(ctx, r);
  ctx.db
    .transaction(() => {
      setRequestDelivered(ctx.db, r.id, { atMs: ctx.now(), method, by: ctx.actor.name, note: spec.note?.trim() || null });
      recordRequest(ctx, r.ref, 'delivered');
      audit(ctx, 'request.delivered', { request: r.ref, method, note: spec.note?.trim() || null, outcome: r.outcome, package: pkg?.package_id ?? null, manifestSha256: pkg?.manifest_sha256 ?? null, keyFingerprint: pkg?.key_fingerprint ?? null });
    })
    .immediate();
  r = findRequest(ctx, r.ref);
  const c = await closeMaterial(ctx, r, deliveredReason(r));
  return { request: findRequest(ctx, r.ref), ...c, retried: false };
}

function deliveredReason(r: RequestRow): string {
  return `access request ${r.ref} answered: delivered ${r.delivery_method ?? ''}`.trim();
}

/** The requester withdrew the request: holds released, everything made for it deleted, nothing sent. */
export async function withdrawRequest(ctx: Ctx, ref: string, reason: string): Promise<CloseResult> {
  const r = findRequest(ctx, ref);
  if (r.status === 'withdrawn' && r.material_deleted_ms === null) {
    const c = await closeMaterial(ctx, r, `access request ${r.ref} withdrawn: ${r.withdrawn_reason ?? ''}`);
    return { request: findRequest(ctx, r.ref), ...c, retried: true };
  }
  requireOpen(r);
  const text = reason.trim();
  if (text.length < 10) throw failure('invalid_request', 'requests:err.reason', { min: 10 });
  ctx.db
    .transaction(() => {
      setRequestWithdrawn(ctx.db, r.id, { atMs: ctx.now(), by: ctx.actor.name, reason: text });
      recordRequest(ctx, r.ref, 'withdrawn');
      audit(ctx, 'request.withdrawn', { request: r.ref, reason: text });
    })
    .immediate();
  const c = await closeMaterial(ctx, findRequest(ctx, r.ref), `access request ${r.ref} withdrawn: ${text}`);
  return { request: findRequest(ctx, r.ref), ...c, retried: false };
}

/** The letter of the answer, made from the record (the one in the package says the same). */
export async function answerLetter(ctx: Ctx, ref: string): Promise<{ fileName: string; bytes: Buffer; request: RequestRow }> {
  const r = findRequest(ctx, ref);
  if (r.outcome === null || r.ready_ms === null) throw failure('conflict', 'requests:err.notReady', { ref: r.ref, status: r.status });
  const pkg = r.outcome === 'found' ? currentPackage(ctx, r) : null;
  const bytes = await renderLetter(ctx, r, pkg ? { packageId: pkg.package_id, fingerprint: pkg.key_fingerprint, clips: pkg.files } : null, r.ready_ms);
  audit(ctx, 'request.letter-made', { request: r.ref, sha256: sha256Text(bytes) });
  return { fileName: letterName(r), bytes, request: r };
}

/** At most this much of a package zip per download call (base64 in JSON: about 5.3 MB). */
export const PACKAGE_CHUNK = 4 << 20;

export interface PackageChunk {
  fileName: string;
  size: number;
  offset: number;
  /** Pass as `offset` for the next chunk; null after the last. */
  next: number | null;
  bytes: Buffer;
}

/**
 * A chunk of the data subject's package as a zip (the recorded zip Custodian wrote in its data
 * folder), for the officer to carry to the requester; opened without following a link and
 * checked against its recorded size. The first chunk is audit-logged.
 */
export function packageChunk(ctx: Ctx, ref: string, offset: number): PackageChunk {
  const r = findRequest(ctx, ref);
  const pkg = currentPackage(ctx, r);
  const zip = pkg ? requestPackageFiles(ctx.db, pkg.id).find((f) => f.copy === 'zip' && f.deleted_ms === null) : undefined;
  if (!pkg || pkg.location !== 'data' || pkg.deleted_ms !== null || pkg.zip_path === null || !zip) throw failure('not_found', 'requests:err.noPackageHeld', { ref: r.ref });
  const fd = openSync(pkg.zip_path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== zip.size) throw failure('refused_by_safety_rule', 'requests:err.noPackageHeld', { ref: r.ref });
    if (!Number.isInteger(offset) || offset < 0 || offset > st.size) throw failure('invalid_request', 'requests:err.badOffset', { offset, size: st.size });
    const len = Math.min(PACKAGE_CHUNK, st.size - offset);
    const bytes = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, bytes, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    if (offset === 0) audit(ctx, 'request.package-downloaded', { request: r.ref, package: pkg.package_id, size: st.size });
    const next = offset + got < st.size ? offset + got : null;
    return { fileName: path.basename(pkg.zip_path), size: st.size, offset, next, bytes: bytes.subarray(0, got) };
  } finally {
    closeSync(fd);
  }
}
