/**
 * manifest.json of an evidence package (DESIGN.md "Evidence packages"). The manifest is the one
 * signed file of a package: it names the incident, why it exists (policy P1/P3), who it is for,
 * every clip with its SHA-256 and the original recorder files it was cut from.
 *
 * Clip names: `files[].name` is a bare file stem; the clip lives at `clips/<name>.mp4` inside the
 * package (see clipPackagePath). Names are restricted to characters that are safe as file names
 * on Windows, macOS and Linux and need no escaping in SHA256SUMS.
 */
import { z } from 'zod';
import { AUDIENCES, INCIDENT_REASONS, ZONES } from './domain.js';
import { isValidTimeZone } from './time.js';

export const PACKAGE_FORMAT = 'custodian-package/1';

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
    reason: z.enum(INCIDENT_REASONS),
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

export const PackageManifestSchema = z
  .object({
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
    files: z.array(PackageFileSchema),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.files.forEach((f, i) => {
      // Compared case-insensitively: the package must unpack on case-insensitive file systems.
      const key = f.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['files', i, 'name'], message: `two clips are named "${f.name}"` });
      seen.add(key);
    });
  });

export type PackageManifest = z.infer<typeof PackageManifestSchema>;
export type PackageFile = z.infer<typeof PackageFileSchema>;
export type PackageLanguage = PackageManifest['language'];

/** A manifest before export: each clip's sha256 and size are filled from what was written. */
export type PackageManifestDraft = Omit<PackageManifest, 'files'> & {
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
  const manifestKeys = shapeKeys(PackageManifestSchema);
  return pick(
    {
      ...m,
      site: pick(m.site, ['controller', 'dpoContact']),
      incident: pick(m.incident, shapeKeys(IncidentSchema)),
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
