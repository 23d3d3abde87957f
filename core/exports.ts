/**
 * Evidence packages (POLICY P4, P7, P8): the clips an audience may receive, as MP4 without audio,
 * with masks burned in where the audience rules say so, a signed manifest, SHA256SUMS, a page
 * that plays them and instructions to verify without Custodian.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { removeScratchFolder } from '../native/own-files.js';
import path from 'node:path';
import type { Audience } from '../common/domain.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import { CLIP_NAME_RE, PACKAGE_FORMAT, clipPackagePath, type PackageManifestDraft } from '../common/manifest.js';
import { formatInstant, formatLocal } from '../common/time.js';
import { getCamera } from '../db/cameras.js';
import { clipSources, clipsOf, type ClipRow } from '../db/incidents.js';
import { insertPackage, type PackageLocation } from '../db/packages.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { sha256File } from '../native/hash.js';
import { writePackage, type PackageProgress } from '../native/package-writer.js';
import { verifyPackage, type KeyReference, type VerifyResult } from '../native/package-verify.js';
import { redactClip } from '../native/redact.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { cameraNames, findIncident } from './incidents.js';
import { failure } from '../common/errors.js';
import { archiveDir } from './paths.js';
import { siteKeys } from './site.js';
import type { Mask } from './cameras.js';
import type { ExportView } from '../common/api/types.js';

export const TOOL_VERSION = 'custodian 0.1.0';

export interface ExportProgress {
  phase: 'redact' | PackageProgress['phase'];
  fraction: number;
  label: string;
}

/** The shape the API contract names (common/api/types.ts). */
export type ExportResult = ExportView;

type PlanItem = { clip: ClipRow; action: 'include' | 'mask'; masks: Mask[] };

/** A clip left out of a package, and why: the reason's words (`msg`) and its English log form. */
function left(clip: ClipRow, msg: Msg): ExportResult['leftOut'][number] {
  return { clip: clip.id, camera: clip.camera_id, subjects: clip.subjects, reason: english(msg), msg };
}

function plan(ctx: Ctx, clips: readonly ClipRow[], audience: 'police' | 'hr'): { items: PlanItem[]; leftOut: ExportResult['leftOut'] } {
  const rules = ctx.settings().audienceRules[audience];
  const items: PlanItem[] = [];
  const leftOut: ExportResult['leftOut'] = [];
  for (const clip of clips) {
    const rule = rules[clip.subjects];
    if (rule === 'exclude') {
      leftOut.push(left(clip, { key: 'incident:leftOutExcluded', params: { subjects: { key: `incident:subjects-${clip.subjects}` }, audience: { key: `incident:audience-${audience}` } } }));
      continue;
    }
    if (rule === 'mask') {
      const masks = JSON.parse(getCamera(ctx.db, clip.camera_id)?.masks ?? '[]') as Mask[];
      if (masks.length === 0) {
        leftOut.push(left(clip, { key: 'incident:leftOutNoMasks', params: { camera: cameraNames(ctx, [clip.camera_id]), audience: { key: `incident:audience-${audience}` } } }));
        continue;
      }
      items.push({ clip, action: 'mask', masks });
      continue;
    }
    items.push({ clip, action: 'include', masks: [] });
  }
  return { items, leftOut };
}

export async function exportPackage(
  ctx: Ctx,
  ref: string,
  opts: { audience: string; outDir: string; zip?: boolean; onProgress?: (p: ExportProgress) => void },
): Promise<ExportResult> {
  if (opts.audience !== 'police' && opts.audience !== 'hr') throw failure('invalid_request', 'evidence:errAudience', { audience: opts.audience });
  const audience = opts.audience;
  const inc = findIncident(ctx, ref);
  if (inc.status === 'open') throw failure('conflict', 'incident:errNotArchivedYet', { ref: inc.ref });
  if (inc.status !== 'archived') throw failure('conflict', 'incident:errHandedOverAlready', { ref: inc.ref, status: { key: `incident:status-${inc.status}` } });
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const clips = clipsOf(ctx.db, inc.id).filter((c) => c.status === 'complete');
  const { items, leftOut } = plan(ctx, clips, audience);
  if (items.length === 0) {
    // One reason is enough to say why (they are the same kind for every clip of a camera).
    const first = leftOut[0]?.msg ?? '';
    throw failure('refused_by_safety_rule', 'incident:errNothingForAudience', { ref: inc.ref, audience: { key: `incident:audience-${audience}` }, reasons: first });
  }
  const outDir = path.resolve(opts.outDir);
  const archive = archiveDir(ctx);
  const packageId = randomUUID();
  const work = path.join(ctx.dataDir, 'exports-work', packageId);
  const tools = resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
  const report = (p: ExportProgress): void => opts.onProgress?.(p);
  try {
    const files: PackageManifestDraft['files'] = [];
    const sources: { sourcePath: string; name: string }[] = [];
    const clipOf = new Map<string, number>(); // package path → archived clip id
    let redacted = 0;
    const toMask = items.filter((i) => i.action === 'mask').length;
    for (const item of items) {
      const c = item.clip;
      const cam = getCamera(ctx.db, c.camera_id);
      const archived = path.join(archive, ...c.rel_path.split('/'));
      let name = `${c.camera_id}_${formatLocal(c.start_ms ?? c.from_ms, tz, "yyyyMMdd'T'HHmmss")}${item.action === 'mask' ? '_maskerad' : ''}`;
      if (!CLIP_NAME_RE.test(name)) name = `clip-${c.id}`;
      let src = archived;
      let redaction: PackageManifestDraft['files'][number]['redaction'] = null;
      if (item.action === 'mask') {
        mkdirSync(work, { recursive: true, mode: 0o700 });
        // The archived clip must still be the one we hashed before we derive from it.
        if ((await sha256File(archived)) !== c.sha256) throw failure('refused_by_safety_rule', 'incident:errClipChanged', { file: archived, ref: inc.ref });
        src = path.join(work, `${name}.mp4`);
        const r = await redactClip({ tools, input: archived, masks: item.masks, out: src, onProgress: (f) => report({ phase: 'redact', fraction: (redacted + f) / Math.max(1, toMask), label: name }) });
        redacted++;
        redaction = { method: 'burned-in opaque boxes (re-encoded, irreversible)', masks: item.masks, derivedFromSha256: c.sha256 as string, encoder: r.settings };
      }
      sources.push({ sourcePath: src, name });
      clipOf.set(clipPackagePath(name), c.id);
      files.push({
        name,
        camera: c.camera_id,
        cameraName: cam?.name ?? c.camera_id,
        zone: c.subjects,
        startMs: c.start_ms ?? c.from_ms,
        endMs: c.end_ms ?? c.to_ms,
        start: formatInstant(c.start_ms ?? c.from_ms, tz),
        end: formatInstant(c.end_ms ?? c.to_ms, tz),
        sources: clipSources(ctx.db, c.id).map((x) => ({ name: x.name, sha256: x.sha256 })),
        redaction,
      });
    }
    const manifest: PackageManifestDraft = {
      format: PACKAGE_FORMAT,
      packageId,
      site: { controller: s.controller, dpoContact: s.dpoContact },
      incident: { reference: inc.ref, title: inc.title, reason: inc.reason, justification: inc.justification, fromMs: inc.from_ms, toMs: inc.to_ms, from: formatInstant(inc.from_ms, tz), to: formatInstant(inc.to_ms, tz) },
      audience,
      timeZone: tz,
      language: s.language,
      operator: ctx.actor.name,
      createdAt: formatInstant(ctx.now(), tz),
      toolVersion: TOOL_VERSION,
      files,
    };
    const written = await writePackage({
      outDir,
      manifest,
      clips: sources,
      dataDir: ctx.dataDir,
      zip: opts.zip ?? false,
      tools,
      onProgress: (e) => report({ phase: e.phase, fraction: e.total > 0 ? e.done / e.total : 1, label: e.file ?? '' }),
    });
    const location = packageLocation(ctx, written.dir);
    const recorded = [
      ...written.files.map((f) => ({ copy: 'folder' as const, rel_path: f.path, clip_id: clipOf.get(f.path) ?? null, size: f.size, sha256: f.sha256 })),
      ...(written.zip ? [{ copy: 'zip' as const, rel_path: written.zip.path, clip_id: null, size: written.zip.size, sha256: written.zip.sha256 }] : []),
    ];
    ctx.db.transaction(() => {
      insertPackage(
        ctx.db,
        {
          package_id: written.packageId,
          incident_id: inc.id,
          audience,
          dir: written.dir,
          zip_path: written.zipPath ?? null,
          manifest_sha256: written.manifestSha256,
          files: files.length,
          created_ms: ctx.now(),
          created_by: ctx.actor.name,
          location,
          key_fingerprint: written.fingerprint,
          dir_dev: written.dirIdentity.dev,
          dir_ino: written.dirIdentity.ino,
        },
        recorded,
      );
      audit(ctx, 'export', { incident: inc.ref, audience, package: written.packageId, dir: written.dir, zip: written.zipPath ?? null, location, manifestSha256: written.manifestSha256, files: files.map((f) => f.name), written: recorded.length, redacted, leftOut, keyFingerprint: written.fingerprint });
    })();
    return { packageId: written.packageId, audience, dir: written.dir, zipPath: written.zipPath ?? null, location, manifestSha256: written.manifestSha256, fingerprint: written.fingerprint, files: files.length, redacted, leftOut };
  } finally {
    // Redacted intermediates are copies Custodian made; they live on only inside the package.
    removeScratchFolder(work, 'exports-work');
  }
}

/**
 * Where a copy is: inside Custodian's data folder ('data': Custodian holds it and deletes it with
 * the material) or elsewhere ('out': written with --out, e.g. onto the recipient's media).
 */
export function packageLocation(ctx: Ctx, dir: string): PackageLocation {
  const rel = path.relative(path.resolve(ctx.dataDir), path.resolve(dir));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? 'data' : 'out';
}

/**
 * Checks a package: against this site's key when there is a site (ctx), and against an expected
 * fingerprint when one is given (from the receipt). With neither, the verdict is at most "intact".
 */
export async function verifyPackageForSite(ctx: Ctx | null, target: string, expectedFingerprint?: string): Promise<VerifyResult> {
  return verifyPackage(target, keyReferences(ctx, expectedFingerprint));
}

export function keyReferences(ctx: Ctx | null, expectedFingerprint?: string): KeyReference[] {
  return [
    ...(ctx ? [{ fingerprint: siteKeys(ctx).fingerprint, source: 'site' as const }] : []),
    ...(expectedFingerprint !== undefined ? [{ fingerprint: expectedFingerprint, source: 'expected' as const }] : []),
  ];
}

export type { Audience };
