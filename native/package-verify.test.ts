import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import type { PackageManifestDraft } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { ensureSiteKeys, signDetached } from './keys.js';
import { VERIFY_COMMANDS, formatSha256Sums, writePackage } from './package-writer.js';
import { verifyPackage, type PackageProblem } from './package-verify.js';

const root = mkdtempSync(join(tmpdir(), 'custodian-verify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const siteA = join(root, 'site-a');
const siteB = join(root, 'site-b');
const TZ = 'Europe/Stockholm';
const CLIP1 = 'clips/kassa-1430.mp4';
const CLIP2 = 'clips/entre-1431.mp4';

function draft(): PackageManifestDraft {
  const t0 = Date.UTC(2026, 10, 25, 13, 30, 0);
  return {
    format: 'custodian-package/1',
    packageId: randomUUID(),
    site: { controller: 'SOS Alarm Sverige AB', dpoContact: 'dpo@example.se' },
    incident: {
      reference: 'INC-9',
      title: 'Rån vid kassan',
      reason: 'crime-on-premises',
      justification: '',
      fromMs: t0,
      toMs: t0 + 600_000,
      from: formatInstant(t0, TZ),
      to: formatInstant(t0 + 600_000, TZ),
    },
    audience: 'police',
    timeZone: TZ,
    language: 'en',
    operator: 'Bo Berg',
    createdAt: formatInstant(t0, TZ),
    toolVersion: 'custodian 0.1.0',
    files: ['kassa-1430', 'entre-1431'].map((name, i) => ({
      name,
      camera: `cam-${i}`,
      cameraName: `Camera ${i}`,
      zone: 'mixed' as const,
      startMs: t0 + i * 60_000,
      endMs: t0 + i * 60_000 + 30_000,
      start: formatInstant(t0 + i * 60_000, TZ),
      end: formatInstant(t0 + i * 60_000 + 30_000, TZ),
      sources: [],
      redaction: null,
    })),
  };
}

let original: string; // a clean package of site A, written once
let originalB: string; // a clean package of site B
let n = 0;

async function write(dataDir: string, outDir: string): Promise<string> {
  const src = mkdtempSync(join(root, 'src-'));
  const clips = ['kassa-1430', 'entre-1431'].map((name) => {
    const p = join(src, `${name}.mp4`);
    writeFileSync(p, randomBytes(400_000));
    return { name, sourcePath: p };
  });
  return (await writePackage({ outDir, manifest: draft(), clips, dataDir, zip: true })).dir;
}

/** A fresh copy of the clean package to tamper with. */
function copy(from = original): string {
  const to = join(root, `copy-${n++}`);
  cpSync(from, to, { recursive: true });
  return to;
}

function kinds(problems: PackageProblem[]): string[] {
  return problems.map((p) => `${p.kind} ${p.file}`).sort();
}

function sha256sumC(dir: string): number | null {
  return spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }).status;
}

function opensslVerify(dir: string): number | null {
  return spawnSync('sh', ['-c', VERIFY_COMMANDS.signature], { cwd: dir, encoding: 'utf8' }).status;
}

beforeAll(async () => {
  original = await write(siteA, join(root, 'pkg-a'));
  originalB = await write(siteB, join(root, 'pkg-b'));
});

describe('verifyPackage on a folder', () => {
  it('passes a clean package (and the real tools agree)', async () => {
    const r = await verifyPackage(copy());
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(sha256sumC(original)).toBe(0);
    expect(opensslVerify(original)).toBe(0);
  });

  it('names a clip with one changed byte as changed', async () => {
    const dir = copy();
    const file = join(dir, CLIP1);
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(r.problems.filter((p) => p.file === CLIP1).map((p) => p.kind)).toContain('changed');
    expect(r.problems.every((p) => p.file === CLIP1)).toBe(true);
    expect(r.problems[0]?.detail).toMatch(/SHA-256/);
    expect(sha256sumC(dir)).not.toBe(0);
  });

  it('reports a deleted clip as missing', async () => {
    const dir = copy();
    unlinkSync(join(dir, CLIP2));
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(kinds(r.problems)).toEqual([`missing ${CLIP2}`]);
  });

  it('reports a file nobody listed as added (which sha256sum -c would not notice)', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'notes.txt'), 'extra');
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(kinds(r.problems)).toEqual(['added notes.txt']);
    expect(sha256sumC(dir)).toBe(0);
  });

  it('catches an edited manifest.json by both SHA256SUMS and the signature, as openssl does', async () => {
    const dir = copy();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"Rån vid kassan"', '"Rån vid entrén"'));
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(kinds(r.problems)).toEqual(['bad-signature manifest.json', 'changed manifest.json']);
    expect(opensslVerify(dir)).not.toBe(0);
    expect(sha256sumC(dir)).not.toBe(0);
  });

  it('still catches an edited manifest when SHA256SUMS was rewritten to match', async () => {
    const dir = copy();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"police"', '"hr"'));
    rewriteSums(dir);
    const r = await verifyPackage(dir);
    expect(kinds(r.problems)).toEqual(['bad-signature manifest.json']);
  });

  it('catches a swapped clip even when SHA256SUMS was rewritten, from the signed manifest', async () => {
    const dir = copy();
    writeFileSync(join(dir, CLIP1), randomBytes(400_000));
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0); // the plain checksum check is fooled …
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false); // … verifyPackage is not
    expect(kinds(r.problems)).toEqual([`changed ${CLIP1}`]);
    expect(r.problems[0]?.detail).toMatch(/signed manifest/);
  });

  it('checks the clips against the signed manifest even when SHA256SUMS is gone', async () => {
    const dir = copy();
    unlinkSync(join(dir, 'SHA256SUMS'));
    const bytes = readFileSync(join(dir, CLIP2));
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    writeFileSync(join(dir, CLIP2), bytes);
    const r = await verifyPackage(dir);
    expect(kinds(r.problems)).toEqual([`changed ${CLIP2}`, 'missing SHA256SUMS']);
  });

  it("reports another site's package as wrong-key when this site's key is expected", async () => {
    const { publicKeyPem } = ensureSiteKeys(siteA);
    const own = await verifyPackage(copy(originalB));
    expect(own.ok).toBe(true); // internally consistent …
    const r = await verifyPackage(copy(originalB), { expectedPublicKeyPem: publicKeyPem });
    expect(r.ok).toBe(false); // … but not ours
    expect(kinds(r.problems)).toEqual(['wrong-key site-public.pem']);
    expect(r.problems[0]?.detail).toContain(ensureSiteKeys(siteB).fingerprint);
  });

  it('catches a manifest re-signed with a forger’s key only through the expected key', async () => {
    const dir = copy();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"Bo Berg"', '"Someone Else"'));
    writeFileSync(join(dir, 'manifest.sig'), signDetached(siteB, readFileSync(file)));
    writeFileSync(join(dir, 'site-public.pem'), ensureSiteKeys(siteB).publicKeyPem);
    rewriteSums(dir);
    expect((await verifyPackage(dir)).ok).toBe(true);
    const r = await verifyPackage(dir, { expectedPublicKeyPem: ensureSiteKeys(siteA).publicKeyPem });
    expect(kinds(r.problems)).toEqual(['wrong-key site-public.pem']);
  });

  it('reports a manifest that is not JSON, and a missing signature, without throwing', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    unlinkSync(join(dir, 'manifest.sig'));
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(r.manifest).toBeUndefined();
    expect(kinds(r.problems)).toEqual(['changed manifest.json', 'missing manifest.sig', 'unreadable manifest.json']);
  });

  it('throws not_found for a path that does not exist', async () => {
    await expect(verifyPackage(join(root, 'nowhere'))).rejects.toSatisfy((e: unknown) => e instanceof CustodianError && e.code === 'not_found');
  });
});

describe('verifyPackage on a zip', () => {
  it('passes the clean zip', async () => {
    const r = await verifyPackage(`${original}.zip`);
    expect(r.problems).toEqual([]);
    expect(r.manifest?.incident.reference).toBe('INC-9');
  });

  it('reports a truncated zip as unreadable instead of crashing', async () => {
    const zip = join(root, 'truncated.zip');
    cpSync(`${original}.zip`, zip);
    truncateSync(zip, Math.floor(statSync(zip).size / 2));
    const r = await verifyPackage(zip);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: 'truncated.zip', kind: 'unreadable' });
    expect(r.problems[0]?.detail).toMatch(/cannot be opened/);
  });

  it('reports a file that is not a zip at all as unreadable', async () => {
    const zip = join(root, 'garbage.zip');
    writeFileSync(zip, randomBytes(5000));
    const r = await verifyPackage(zip);
    expect(kinds(r.problems)).toEqual(['unreadable garbage.zip']);
  });

  it('names a clip changed inside the zip (clips are stored, so the byte is the clip’s)', async () => {
    const zip = join(root, 'flipped.zip');
    cpSync(`${original}.zip`, zip);
    const bytes = readFileSync(zip);
    const clip = readFileSync(join(original, CLIP1));
    const at = bytes.indexOf(clip.subarray(5000, 5064));
    expect(at).toBeGreaterThan(0); // stored uncompressed, found verbatim
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(zip, bytes);
    const r = await verifyPackage(zip);
    expect(r.ok).toBe(false);
    expect(new Set(r.problems.map((p) => `${p.kind} ${p.file}`))).toEqual(new Set([`changed ${CLIP1}`]));
  });

  it('reports bytes appended after the end of a zip as unreadable', async () => {
    const zip = join(root, 'appended.zip');
    cpSync(`${original}.zip`, zip);
    appendFileSync(zip, randomBytes(100));
    const r = await verifyPackage(zip);
    expect(kinds(r.problems)).toEqual(['unreadable appended.zip']);
    expect(r.problems[0]?.detail).toMatch(/extra bytes at the end/);
  });
});

/** What a forger does after editing files: rewrite SHA256SUMS to match. */
function rewriteSums(dir: string): void {
  const files = ['VERIFY.txt', 'index.html', 'manifest.json', 'manifest.sig', 'site-public.pem', CLIP1, CLIP2];
  const entries = files.map((path) => ({ path, sha256: createHash('sha256').update(readFileSync(join(dir, path))).digest('hex') }));
  writeFileSync(join(dir, 'SHA256SUMS'), formatSha256Sums(entries));
}
