import { describe, expect, it } from 'vitest';
import { PACKAGE_FORMAT, PackageManifestSchema, clipPackagePath, normalizeFingerprint, parseManifest, serializeManifest, type PackageManifest } from './manifest.js';
import { formatInstant } from './time.js';

const TZ = 'Europe/Stockholm';
const t0 = Date.UTC(2026, 10, 25, 13, 30, 0);

function valid(): PackageManifest {
  return {
    format: PACKAGE_FORMAT,
    packageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    site: { controller: 'SOS Alarm Sverige AB', dpoContact: 'dpo@example.se' },
    incident: {
      reference: 'INC-1',
      title: 'Stöld',
      reason: 'crime-against-organisation',
      justification: '',
      fromMs: t0,
      toMs: t0 + 60_000,
      from: formatInstant(t0, TZ),
      to: formatInstant(t0 + 60_000, TZ),
    },
    audience: 'police',
    timeZone: TZ,
    language: 'sv',
    operator: 'Anna',
    createdAt: formatInstant(t0, TZ),
    toolVersion: 'custodian 0.1.0',
    signingKey: { algorithm: 'Ed25519', fingerprint: 'f'.repeat(64) },
    files: [
      {
        name: 'Entré 1430',
        sha256: 'a'.repeat(64),
        size: 10,
        camera: 'cam-1',
        cameraName: 'Entré',
        zone: 'visitor',
        startMs: t0,
        endMs: t0 + 30_000,
        start: formatInstant(t0, TZ),
        end: formatInstant(t0 + 30_000, TZ),
        sources: [{ name: '2026/11/25/14-30.mp4', sha256: 'b'.repeat(64) }],
        redaction: { method: 'boxblur', masks: [{ x: 0, y: 0, w: 10, h: 10 }], derivedFromSha256: 'c'.repeat(64), encoder: 'libx264' },
      },
    ],
    contents: [
      { path: 'VERIFY.txt', size: 5, sha256: '1'.repeat(64) },
      { path: 'clips/Entré 1430.mp4', size: 10, sha256: 'a'.repeat(64) },
      { path: 'index.html', size: 6, sha256: '2'.repeat(64) },
      { path: 'site-public.pem', size: 7, sha256: '3'.repeat(64) },
    ],
  };
}

function issues(m: unknown): string[] {
  const r = PackageManifestSchema.safeParse(m);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('PackageManifestSchema', () => {
  it('accepts a complete manifest', () => {
    expect(issues(valid())).toEqual([]);
  });

  it('demands a written justification for reason "other" (policy P3)', () => {
    const m = valid();
    m.incident.reason = 'other';
    expect(issues(m).join()).toMatch(/incident\.justification: .*P3/);
    m.incident.justification = 'Begäran från den registrerade';
    expect(issues(m)).toEqual([]);
  });

  it('refuses clip names that could leave clips/ or clash on a case-insensitive disk', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', '.hidden', 'x.', 'x ', '', 'a:b']) {
      const m = valid();
      const f = m.files[0];
      if (f) f.name = bad;
      expect(issues(m), bad).not.toEqual([]);
    }
    const m = valid();
    const f = m.files[0];
    if (f) m.files.push({ ...f, name: 'entré 1430' });
    expect(issues(m).join()).toMatch(/two clips are named/);
  });

  it('lists every file: the viewer, the instructions, the key and each clip with the same hash, nothing that cannot list itself', () => {
    const drop = (path: string): PackageManifest => ({ ...valid(), contents: valid().contents.filter((c) => c.path !== path) });
    expect(issues(drop('index.html')).join()).toMatch(/index\.html must be listed/);
    expect(issues(drop('VERIFY.txt')).join()).toMatch(/VERIFY\.txt must be listed/);
    expect(issues(drop('site-public.pem')).join()).toMatch(/site-public\.pem must be listed/);
    expect(issues(drop('clips/Entré 1430.mp4')).join()).toMatch(/not listed in contents/);
    const other = valid();
    other.contents[1] = { path: 'clips/Entré 1430.mp4', size: 10, sha256: 'e'.repeat(64) };
    expect(issues(other).join()).toMatch(/another size or SHA-256/);
    for (const path of ['manifest.json', 'SHA256SUMS', 'manifest.sig']) {
      expect(issues({ ...valid(), contents: [...valid().contents, { path, size: 1, sha256: '4'.repeat(64) }] }).join(), path).toMatch(/cannot list itself/);
    }
    for (const path of ['../x', '/etc/passwd', 'a//b', 'a/./b', 'clips/other.mp4', 'index.HTML']) {
      expect(issues({ ...valid(), contents: [...valid().contents, { path, size: 1, sha256: '4'.repeat(64) }] }), path).not.toEqual([]);
    }
  });

  it('names the signing key by its SHA-256 fingerprint', () => {
    expect(issues({ ...valid(), signingKey: { algorithm: 'Ed25519', fingerprint: 'xyz' } })).not.toEqual([]);
    expect(normalizeFingerprint('AB:CD ' + 'EF'.repeat(30))).toBe('abcd' + 'ef'.repeat(30));
    expect(normalizeFingerprint('abc')).toBeNull();
  });

  it('refuses times whose ISO form and milliseconds disagree, or without an offset', () => {
    const m = valid();
    m.incident.from = '2026-11-25T14:31:00+01:00';
    expect(issues(m).join()).toMatch(/incident\.from/);
    const n = valid();
    const f = n.files[0];
    if (f) f.start = '2026-11-25T14:30:00';
    expect(issues(n).join()).toMatch(/files\.0\.start/);
  });

  it('refuses an unknown time zone, reason, zone or audience', () => {
    expect(issues({ ...valid(), timeZone: 'Mars/Olympus' })).not.toEqual([]);
    expect(issues({ ...valid(), audience: 'press' })).not.toEqual([]);
    const m = valid();
    (m.incident as { reason: string }).reason = 'curiosity';
    expect(issues(m)).not.toEqual([]);
  });
});

describe('serializeManifest', () => {
  it('writes schema key order, two-space indent and a final newline, dropping unknown keys', () => {
    const m = valid();
    const scrambled = Object.fromEntries(Object.entries({ ...m, extra: 'dropped' }).reverse()) as unknown as PackageManifest;
    const text = serializeManifest(scrambled);
    expect(text).toBe(serializeManifest(m));
    expect(text.startsWith('{\n  "format": "custodian-package/2",\n  "packageId"')).toBe(true);
    expect(text.endsWith('\n}\n')).toBe(true);
    expect(text).not.toContain('extra');
    expect(parseManifest(JSON.parse(text))).toEqual(m);
  });

  it('places clip files under clips/ with the .mp4 extension', () => {
    expect(clipPackagePath('Entré 1430')).toBe('clips/Entré 1430.mp4');
  });
});
