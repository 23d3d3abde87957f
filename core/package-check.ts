/**
 * "Verify a package" in the app (issue 12): any role drops a package folder or zip onto the page;
 * its files are uploaded one request each, and checked against this site's key with the same
 * code and words as `custodian verify`.
 *
 * A folder's files are never written to disk: each is hashed as it arrives, and only the few
 * small files the checks read (manifest, signature, key, SHA256SUMS) are kept in memory. A zip
 * needs random access, so it is written to a temporary file in the data folder (0600 in a 0700
 * folder), read in place, and removed when the check is done. Uploads belong to the session that
 * started them, are bounded in size and number of files, and are forgotten after an hour idle.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploadPath } from '../common/api/http.js';
import type { VerifyView } from '../common/api/types.js';
import { failure } from '../common/errors.js';
import { VERIFY_COMMANDS } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { findPackage } from '../db/packages.js';
import { PackageCollector, checkCollected, verifyPackage, type VerifyResult } from '../native/package-verify.js';
import { removeWorkingFileSync } from '../native/own-files.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { keyReferences } from './exports.js';
import { packageState } from './package-state.js';
import { siteKeys } from './site.js';

export const UPLOAD_MAX_BYTES = 16 * 1024 ** 3;
export const UPLOAD_MAX_FILES = 10_000;
const UPLOAD_IDLE_MS = 3_600_000;
const UPLOADS_PER_SESSION = 2;
const UPLOADS_AT_ONCE = 8;
export const UPLOADS_DIR = 'verify-uploads';

interface Upload {
  id: string;
  sessionId: number;
  kind: 'zip' | 'folder';
  name: string;
  bytes: number;
  files: number;
  lastMs: number;
  collector: PackageCollector;
  /** The zip's temporary file, once its bytes arrived. */
  zipFile: string | null;
  busy: boolean;
}

/** The verdict as the API answers it: the same facts and sentences the command line prints. */
export function verifyView(ctx: Ctx, r: VerifyResult): VerifyView {
  const m = r.manifest;
  const pkg = m ? findPackage(ctx.db, m.packageId) : undefined;
  return {
    verdict: r.verdict,
    fingerprint: r.fingerprint,
    siteFingerprint: siteKeys(ctx).fingerprint,
    fingerprintCommand: VERIFY_COMMANDS.fingerprint,
    summary: r.summary,
    problems: r.problems.map((p) => ({ file: p.file, kind: p.kind, detail: p.detail, msg: p.msg })),
    packageId: m?.packageId ?? null,
    incident: m?.incident.reference ?? null,
    audience: m?.audience ?? null,
    clips: m?.files.length ?? null,
    known:
      pkg && r.verdict === 'valid'
        ? { exported: formatInstant(pkg.created_ms, ctx.settings().siteTimeZone), audience: pkg.audience, state: packageState(ctx, pkg).state }
        : null,
  };
}

/** A relative path that stays inside: no empty, "." or ".." part, no NUL, not too long. */
function isSafeRelative(p: string): boolean {
  if (p === '' || p.length > 1000 || p.includes('\0')) return false;
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export class PackageUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly ctx: Ctx) {}

  private folder(): string {
    return path.join(this.ctx.dataDir, UPLOADS_DIR);
  }

  private expire(): void {
    const now = Date.now();
    for (const u of [...this.uploads.values()]) if (!u.busy && now - u.lastMs > UPLOAD_IDLE_MS) this.forget(u);
  }

  private forget(u: Upload): void {
    this.uploads.delete(u.id);
    // The temporary copy of an uploaded zip is Custodian's own working file, never governed material.
    if (u.zipFile !== null) removeWorkingFileSync(u.zipFile);
  }

  private mine(sessionId: number, uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u || u.sessionId !== sessionId) throw failure('not_found', 'evidence:errUploadUnknown');
    return u;
  }

  start(sessionId: number, kind: 'zip' | 'folder', name: string): { uploadId: string; uploadUrl: string; maxBytes: number; maxFiles: number } {
    this.expire();
    const ofSession = [...this.uploads.values()].filter((u) => u.sessionId === sessionId);
    // A session that starts more than it finishes loses its oldest, rather than being refused.
    if (ofSession.length >= UPLOADS_PER_SESSION) {
      const oldest = ofSession.filter((u) => !u.busy).sort((a, b) => a.lastMs - b.lastMs)[0];
      if (oldest) this.forget(oldest);
    }
    if (this.uploads.size >= UPLOADS_AT_ONCE) throw failure('conflict', 'evidence:errUploadBusy');
    const id = randomUUID();
    this.uploads.set(id, { id, sessionId, kind, name, bytes: 0, files: 0, lastMs: Date.now(), collector: new PackageCollector(), zipFile: null, busy: false });
    return { uploadId: id, uploadUrl: uploadPath(id), maxBytes: UPLOAD_MAX_BYTES, maxFiles: UPLOAD_MAX_FILES };
  }

  /**
   * One file's bytes: a path inside the package for a folder (the dropped folder's own name may
   * lead it), the zip's name for a zip. Hashed as it streams; the size limit holds across files.
   */
  async receive(sessionId: number, uploadId: string, relPath: string, body: Readable): Promise<{ bytes: number }> {
    const u = this.mine(sessionId, uploadId);
    if (u.busy) throw failure('conflict', 'evidence:errUploadBusy');
    const rel = relPath.replace(/\\/g, '/').replace(/^\/+/, '');
    // Any name a browser gives (a copied folder may be "paket (1)"); what does not belong in a
    // package is then reported by the check, not refused here. Only paths that climb are refused.
    if (!isSafeRelative(rel)) throw failure('invalid_request', 'evidence:errUploadPath', { path: relPath.slice(0, 200) });
    if (u.kind === 'zip' && (u.files > 0 || u.zipFile !== null)) throw failure('invalid_request', 'evidence:errUploadZipAndFiles');
    if (u.collector.has(rel)) throw failure('invalid_request', 'evidence:errUploadTwice', { path: rel });
    if (u.files >= UPLOAD_MAX_FILES) throw failure('invalid_request', 'evidence:errUploadTooMany', { max: UPLOAD_MAX_FILES });
    u.busy = true;
    u.lastMs = Date.now();
    const limit = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        u.bytes += chunk.length;
        if (u.bytes > UPLOAD_MAX_BYTES) cb(failure('invalid_request', 'evidence:errUploadTooLarge', { max: UPLOAD_MAX_BYTES / 1024 ** 3 }));
        else cb(null, chunk);
      },
    });
    try {
      if (u.kind === 'zip') {
        mkdirSync(this.folder(), { recursive: true, mode: 0o700 });
        const file = path.join(this.folder(), `${u.id}.zip.partial`);
        u.zipFile = file;
        await pipeline(body, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      } else {
        await u.collector.addStream(rel, body.pipe(limit));
      }
      u.files++;
      return { bytes: u.bytes };
    } catch (e) {
      this.forget(u);
      throw e;
    } finally {
      u.busy = false;
      u.lastMs = Date.now();
    }
  }

  /** Checks what arrived against this site's key, audit-logs the check, and forgets the upload. */
  async finish(sessionId: number, uploadId: string): Promise<VerifyView> {
    const u = this.mine(sessionId, uploadId);
    if (u.busy) throw failure('conflict', 'evidence:errUploadBusy');
    try {
      const refs = keyReferences(this.ctx);
      let r: VerifyResult;
      if (u.kind === 'zip') {
        if (u.zipFile === null) throw failure('invalid_request', 'evidence:errUploadEmpty');
        r = await verifyPackage(u.zipFile, refs);
      } else {
        if (u.files === 0) throw failure('invalid_request', 'evidence:errUploadEmpty');
        r = checkCollected(u.collector.withoutTopFolder(), refs);
      }
      audit(this.ctx, 'package.verified', { name: u.name, kind: u.kind, bytes: u.bytes, files: u.files, verdict: r.verdict, fingerprint: r.fingerprint, package: r.manifest?.packageId ?? null, problems: r.problems.length });
      return verifyView(this.ctx, r);
    } finally {
      this.forget(u);
    }
  }

  /** Ends every upload (the API is closing). */
  close(): void {
    for (const u of [...this.uploads.values()]) this.forget(u);
  }
}
