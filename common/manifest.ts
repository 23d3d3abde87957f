/**
 * manifest.json of an evidence package (DESIGN.md "Evidence packages"). The manifest is the one
 * signed file of a package: it names the incident, why it exists (policy P1/P3), who it is for,
 * every clip with its SHA-256 and the original recorder files it was cut from, the signing key's
 * fingerprint, and (`contents`) every other file of the package with its size and SHA-256 — the
 * viewer, the instructions, the public key and the clips — so the signature covers the package
 * whole. Only the three files that cannot list themselves are outside `contents`: manifest.json,
 * manifest.sig and SHA256SUMS (which lists the other two and must agree with `contents`).
 *
 * Clip names: `files[].name` is a bare file stem; the clip lives at `clips/<name>.mp4` inside the
 * package (see clipPackagePath). Names are restricted to characters that are safe as file names
 * on Windows, macOS and Linux and need no escaping in SHA256SUMS.
 */
import { z } from 'zod';
import { AUDIENCES, INCIDENT_REASONS, ZONES } from './domain.js';
import { MaskTrackSetSchema } from './mask-track.js';
import { isValidTimeZone } from './time.js';

/**
 * The case a data subject's package answers (issue 14): an access request, not one of the
 * incident reasons. Its manifest's `incident` block names the request (reference DSR-…), and
 * the `request` block says when it was received.
 */
export const ACCESS_REQUEST_REASON = 'access-request';

/**
 * Format 2: the signed manifest lists every file (`contents`) and the key's fingerprint. Format 1
 * signed only the clips' hashes, so a rewritten viewer or instructions passed; it is not accepted.
 */
export const PACKAGE_FORMAT = 'custodian-package/2';

/** The files of a package, by their fixed names (forward slashes inside the package). */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'site-public.pem';
export const SUMS_FILE = 'SHA256SUMS';
export const VERIFY_FILE = 'VERIFY.txt';
export const INDEX_FILE = 'index.html';
export const CLIPS_DIR = 'clips';
/** Files that cannot be listed in `contents` (they hold or depend on the list itself). */
export const UNLISTED_FILES: readonly string[] = [MANIFEST_FILE, SIGNATURE_FILE, SUMS_FILE];
/** The commands in VERIFY.txt and on the viewer page, exactly as a person types them in the package folder. */
export const VERIFY_COMMANDS = {
  sums: `sha256sum -c ${SUMS_FILE}`,
  sumsMac: `shasum -a 256 -c ${SUMS_FILE}`,
  signature: `openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY_FILE} -rawin -in ${MANIFEST_FILE} -sigfile ${SIGNATURE_FILE}`,
  fingerprint: `openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | sha256sum`,
  fingerprintOpenssl: `openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | openssl dgst -sha256`,
} as const;

/** Files every package has besides its clips, all listed in `contents`. */
export const REQUIRED_CONTENTS: readonly string[] = [INDEX_FILE, VERIFY_FILE, PUBLIC_KEY_FILE];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lower-case hex digits');
const isoWithOffset = z.iso.datetime({ offset: true });
const epochMs = z.number().int().nonnegative();

/** A clip name: letters, digits, space, dot, dash, underscore; no path separators, not "." or "..". */
export const CLIP_NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,119}$/u;
const clipName = z
  .string()
  .regex(CLIP_NAME_RE, 'a clip name of letters, digits, space, ".", "-" or "_" (at most 120), starting with a letter or digit')
  .refine((n) => !/[. ]$/.test(n), 'a clip name must not end with "." or a space (Windows drops them)')
  .refine((n) => n === n.normalize('NFC'), 'a clip name must be in Unicode NFC form (as typed on Windows and Linux)');

export const MaskSchema = z.object({
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  w: z.number().positive(),
  h: z.number().positive(),
});

export const RedactionSchema = z.object({
  method: z.string().min(1),
  masks: z.array(MaskSchema),
  derivedFromSha256: sha256Hex,
  encoder: z.string().min(1),
  /** Masks that move (a data subject's package): the tracks burned in, and the ones left visible. */
  tracks: MaskTrackSetSchema.optional(),
});

export const SourceFileSchema = z.object({
  name: z.string().min(1),
  sha256: sha256Hex,
});

/** Two representations of one instant must agree (the ISO form is written to the second). */
function sameInstant(ms: number, iso: string): boolean {
  const parsed = Date.parse(iso);
  return Number.isFinite(parsed) && Math.abs(parsed - ms) < 1000;
}

export const PackageFileSchema = z
  .object({
    name: clipName,
    sha256: sha256Hex,
    size: z.number().int().nonnegative(),
    camera: z.string().min(1),
    cameraName: z.string().min(1),
    zone: z.enum(ZONES),
    startMs: epochMs,
    endMs: epochMs,
    start: isoWithOffset,
    end: isoWithOffset,
    sources: z.array(SourceFileSchema),
    redaction: RedactionSchema.nullable(),
  })
  .superRefine((f, ctx) => {
    if (f.endMs < f.startMs) ctx.addIssue({ code: 'custom', path: ['endMs'], message: 'a clip cannot end before it starts' });
    if (!sameInstant(f.startMs, f.start)) ctx.addIssue({ code: 'custom', path: ['start'], message: `start ${f.start} is not startMs ${f.startMs}` });
    if (!sameInstant(f.endMs, f.end)) ctx.addIssue({ code: 'custom', path: ['end'], message: `end ${f.end} is not endMs ${f.endMs}` });
  });

export const IncidentSchema = z
  .object({
    reference: z.string().min(1),
    title: z.string().min(1),
    reason: z.enum([...INCIDENT_REASONS, ACCESS_REQUEST_REASON]),
    justification: z.string(),
    fromMs: epochMs,
    toMs: epochMs,
    from: isoWithOffset,
    to: isoWithOffset,
  })
  .superRefine((i, ctx) => {
    // Policy P3: "av annat skäl" (another reason) must be justified in writing.
    if (i.reason === 'other' && i.justification.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['justification'], message: 'reason "other" needs a written justification (policy P3)' });
    }
    if (i.toMs < i.fromMs) ctx.addIssue({ code: 'custom', path: ['toMs'], message: 'the incident cannot end before it starts' });
    if (!sameInstant(i.fromMs, i.from)) ctx.addIssue({ code: 'custom', path: ['from'], message: `from ${i.from} is not fromMs ${i.fromMs}` });
    if (!sameInstant(i.toMs, i.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: `to ${i.to} is not toMs ${i.toMs}` });
  });

/** What a data subject's package says of the access request it answers (no ID numbers, no contact details). */
export const RequestInfoSchema = z.object({
  reference: z.string().min(1),
  receivedMs: epochMs,
  /** The day it was received, site time (yyyy-MM-dd). */
  received: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The letter inside the package, if there is one (its path, listed in contents). */
  letter: z.string().min(1).nullable(),
});

/** A path inside a package: forward slashes, no empty, "." or ".." parts, nothing absolute. */
export const PACKAGE_PATH_RE = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[\p{L}\p{N} ._-]+(?:\/[\p{L}\p{N} ._-]+)*$/u;

export const ContentEntrySchema = z.object({
  path: z.string().max(300).regex(PACKAGE_PATH_RE, 'a relative path inside the package (forward slashes, no "..")'),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
});
export type ContentEntry = z.infer<typeof ContentEntrySchema>;

export const SigningKeySchema = z.object({
  algorithm: z.literal('Ed25519'),
  /** SHA-256 of the public key's DER SubjectPublicKeyInfo, hex (what `openssl pkey -pubin -outform DER | sha256sum` prints). */
  fingerprint: sha256Hex,
});

/** Everything but the file list: what the viewer and the instructions are made from. */
const bodyShape = {
  format: z.literal(PACKAGE_FORMAT),
    packageId: z.uuid(),
    site: z.object({
      controller: z.string().min(1),
      dpoContact: z.string().min(1),
    }),
    incident: IncidentSchema,
    audience: z.enum(AUDIENCES),
    timeZone: z.string().refine(isValidTimeZone, 'an IANA time zone name, e.g. Europe/Stockholm'),
    language: z.enum(['sv', 'en']),
    operator: z.string().min(1),
    createdAt: isoWithOffset,
    toolVersion: z.string().min(1),
    signingKey: SigningKeySchema,
    files: z.array(PackageFileSchema),
    /** Only in a data subject's package: the access request it answers. */
    request: RequestInfoSchema.optional(),
};

type RefineCtx = z.core.$RefinementCtx<{ files: PackageFile[] }>;

/** A data subject's package answers an access request, and only it does (issue 14). */
function audienceFitsCase(m: { audience: string; incident: { reason: string }; request?: unknown }, ctx: RefineCtx): void {
  const subject = m.audience === 'data-subject';
  if (subject !== (m.incident.reason === ACCESS_REQUEST_REASON)) ctx.addIssue({ code: 'custom', path: ['incident', 'reason'], message: 'a package answers an access request exactly when it is for the data subject' });
  if (subject !== (m.request !== undefined)) ctx.addIssue({ code: 'custom', path: ['request'], message: 'the access request is named exactly in a package for the data subject' });
}

function uniqueClipNames(m: { files: readonly { name: string }[] }, ctx: RefineCtx): void {
  const seen = new Set<string>();
  m.files.forEach((f, i) => {
    // Compared case-insensitively: the package must unpack on case-insensitive file systems.
    const key = f.name.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['files', i, 'name'], message: `two clips are named "${f.name}"` });
    seen.add(key);
  });
}

/** The manifest without `contents`: what index.html and VERIFY.txt are rendered from. */
export const PackageBodySchema = z.object(bodyShape).superRefine((m, ctx) => {
  uniqueClipNames(m, ctx);
  audienceFitsCase(m, ctx);
});

export const PackageManifestSchema = z
  .object({ ...bodyShape, contents: z.array(ContentEntrySchema).min(1) })
  .superRefine((m, ctx) => {
    uniqueClipNames(m, ctx);
    audienceFitsCase(m, ctx);
    const byPath = new Map<string, ContentEntry>();
    const folded = new Set<string>();
    m.contents.forEach((c, i) => {
      const key = c.path.toLowerCase();
      if (folded.has(key)) ctx.addIssue({ code: 'custom', path: ['contents', i, 'path'], message: `${c.path} is listed twice` });
      folded.add(key);
      byPath.set(c.path, c);
      if (UNLISTED_FILES.includes(c.path)) ctx.addIssue({ code: 'custom', path: ['contents', i, 'path'], message: `${c.path} cannot list itself` });
      if (c.path.startsWith(`${CLIPS_DIR}/`) && !m.files.some((f) => clipPackagePath(f.name) === c.path)) {
        ctx.addIssue({ code: 'custom', path: ['contents', i, 'path'], message: `${c.path} is under clips/ but is not one of the clips` });
      }
    });
    for (const required of REQUIRED_CONTENTS) {
      if (!byPath.has(required)) ctx.addIssue({ code: 'custom', path: ['contents'], message: `${required} must be listed` });
    }
    m.files.forEach((f, i) => {
      const c = byPath.get(clipPackagePath(f.name));
      if (c === undefined) ctx.addIssue({ code: 'custom', path: ['files', i, 'name'], message: `${clipPackagePath(f.name)} is not listed in contents` });
      else if (c.sha256 !== f.sha256 || c.size !== f.size) ctx.addIssue({ code: 'custom', path: ['files', i, 'sha256'], message: `${clipPackagePath(f.name)} has another size or SHA-256 in contents` });
    });
  });

/**
 * What every format's manifest says of its clips (format 1 as well): enough to find and check
 * the clips of a package written before its files were recorded one by one.
 */
export const ManifestClipsSchema = z.object({ format: z.string().startsWith('custodian-package/'), files: z.array(PackageFileSchema) });

export type PackageFile = z.infer<typeof PackageFileSchema>;
export type PackageManifest = z.infer<typeof PackageManifestSchema>;
export type PackageBody = z.infer<typeof PackageBodySchema>;
export type PackageLanguage = PackageManifest['language'];

/**
 * A manifest before export: each clip's sha256 and size, the key and the file list are filled
 * by the writer from what it wrote and signed with.
 */
export type PackageManifestDraft = Omit<PackageBody, 'files' | 'signingKey'> & {
  files: (Omit<PackageFile, 'sha256' | 'size'> & { sha256?: string; size?: number })[];
};

/** Where a clip named `name` lives inside a package (always with forward slashes). */
export function clipPackagePath(name: string): string {
  return `clips/${name}.mp4`;
}

/** Parses a manifest; throws zod's error (with paths) when it does not fit the format. */
export function parseManifest(value: unknown): PackageManifest {
  return PackageManifestSchema.parse(value);
}

/**
 * The exact bytes of manifest.json: parsed (so unknown keys go and keys come out in the schema's
 * order whatever order the caller built them in), two-space indented, UTF-8, final newline.
 * The signature is over these bytes.
 */
export function serializeManifest(manifest: PackageManifest): string {
  return `${JSON.stringify(orderKeys(PackageManifestSchema.parse(manifest)), null, 2)}\n`;
}

/**
 * zod already emits keys in schema order; this makes the order independent of that detail by
 * reordering to the schema's declared shape, recursively.
 */
function orderKeys(m: PackageManifest): PackageManifest {
  const pick = <T extends object>(obj: T, keys: readonly string[]): T =>
    Object.fromEntries(keys.filter((k) => k in obj).map((k) => [k, (obj as Record<string, unknown>)[k]])) as T;
  const shapeKeys = (s: { shape: Record<string, unknown> }): string[] => Object.keys(s.shape);
  const manifestKeys = [...Object.keys(bodyShape), 'contents'];
  return pick(
    {
      ...m,
      site: pick(m.site, ['controller', 'dpoContact']),
      signingKey: pick(m.signingKey, shapeKeys(SigningKeySchema)),
      contents: [...m.contents].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((c) => pick(c, shapeKeys(ContentEntrySchema))),
      incident: pick(m.incident, shapeKeys(IncidentSchema)),
      ...(m.request !== undefined ? { request: pick(m.request, shapeKeys(RequestInfoSchema)) } : {}),
      files: m.files.map((f) =>
        pick(
          {
            ...f,
            sources: f.sources.map((s) => pick(s, shapeKeys(SourceFileSchema))),
            redaction:
              f.redaction === null
                ? null
                : pick({ ...f.redaction, masks: f.redaction.masks.map((k) => pick(k, shapeKeys(MaskSchema))) }, shapeKeys(RedactionSchema)),
          },
          shapeKeys(PackageFileSchema),
        ),
      ),
    },
    manifestKeys,
  );
}

/**
 * A key fingerprint as people copy it (upper case, colons or spaces between the digits) as the
 * 64 lower-case hex digits Custodian prints, or null if it is not a SHA-256 fingerprint.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
