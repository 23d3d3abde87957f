/**
 * verifyPackage on real packages written by writePackage, with the real `sha256sum -c` and
 * `openssl` beside it, and the forgeries of issue 12: a viewer redirected to another video that a
 * rebuilt SHA256SUMS lists, rewritten instructions, an extra file, a deleted index.html, a
 * stranger's key with site-public.pem swapped, a zip with a symlink entry. The oracle is what the
 * forger changed (and what the real tools say), never the verifier's own code.
 */
import { execSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import { PACKAGE_FORMAT, VERIFY_COMMANDS, type PackageManifestDraft } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { ensureSiteKeys, signDetached } from './keys.js';
import { writePackage } from './package-writer.js';
import { pyZip, resignWithOwnKey, rewriteSums } from '../test/forge.js';
import { verifyPackage, type KeyReference, type PackageProblem } from './package-verify.js';

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
    format: PACKAGE_FORMAT,
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

let original: string; // a clean package of site A, written once (with its zip)
let originalB: string; // a clean package of site B
let fpA = '';
let fpB = '';
let SITE_A: KeyReference[] = [];
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

/** A fresh copy of a clean package to tamper with. */
function copy(from = original): string {
  const to = join(root, `copy-${n++}`);
  cpSync(from, to, { recursive: true });
  return to;
}

/** Which files are wrong and how (one entry per file and kind, whatever the number of reasons). */
function kinds(problems: PackageProblem[]): string[] {
  return [...new Set(problems.map((p) => `${p.kind} ${p.file}`))].sort();
}

function sha256sumC(dir: string): number | null {
  return spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }).status;
}

function opensslVerify(dir: string): number | null {
  return spawnSync('sh', ['-c', VERIFY_COMMANDS.signature], { cwd: dir, encoding: 'utf8' }).status;
}

function opensslFingerprint(dir: string): string {
  return execSync(VERIFY_COMMANDS.fingerprint, { cwd: dir, encoding: 'utf8', shell: '/bin/sh' }).slice(0, 64);
}

beforeAll(async () => {
  original = await write(siteA, join(root, 'pkg-a'));
  originalB = await write(siteB, join(root, 'pkg-b'));
  fpA = ensureSiteKeys(siteA).fingerprint;
  fpB = ensureSiteKeys(siteB).fingerprint;
  SITE_A = [{ fingerprint: fpA, source: 'site' }];
});

describe('verifyPackage on a clean folder', () => {
  it('is only intact without a key to check against, valid with the site key, and names its signer as openssl does', async () => {
    const bare = await verifyPackage(copy());
    expect(bare.problems).toEqual([]);
    expect(bare.verdict).toBe('intact');
    expect(bare.ok).toBe(false);
    expect(bare.fingerprint).toBe(opensslFingerprint(original));
    expect(bare.summary.key).toBe('evidence:verdictIntact');
    const r = await verifyPackage(copy(), SITE_A);
    expect(r.problems).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.ok).toBe(true);
    expect(r.fingerprint).toBe(fpA);
    expect(sha256sumC(original)).toBe(0);
    expect(opensslVerify(original)).toBe(0);
  });

  it('is valid against a matching expected fingerprint and wrong-key against another', async () => {
    expect((await verifyPackage(copy(), [{ fingerprint: fpA, source: 'expected' }])).verdict).toBe('valid');
    const r = await verifyPackage(copy(), [{ fingerprint: fpB, source: 'expected' }]);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['wrong-key site-public.pem']);
  });
});

describe('verifyPackage refuses a changed folder', () => {
  it('a clip with one changed byte', async () => {
    const dir = copy();
    const file = join(dir, CLIP1);
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual([`changed ${CLIP1}`]);
    expect(r.problems[0]?.detail).toMatch(/signed manifest says/);
    expect(sha256sumC(dir)).not.toBe(0);
  });

  it('a deleted clip', async () => {
    const dir = copy();
    unlinkSync(join(dir, CLIP2));
    expect(kinds((await verifyPackage(dir, SITE_A)).problems)).toEqual([`missing ${CLIP2}`]);
  });

  it('an extra file nobody listed (which sha256sum -c does not notice)', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'notes.txt'), 'extra');
    expect(sha256sumC(dir)).toBe(0);
    expect(kinds((await verifyPackage(dir, SITE_A)).problems)).toEqual(['added notes.txt']);
  });

  it('FORGED: an extra file listed in a rebuilt SHA256SUMS', async () => {
    const dir = copy();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'witness.txt'), 'planted');
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0); // the plain checksum check is fooled …
    expect(opensslVerify(dir)).toBe(0); // … and so is the signature over the manifest alone
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['added sub', 'added sub/witness.txt', 'changed SHA256SUMS']);
  });

  it('FORGED: the viewer pointed at another video, listed in a rebuilt SHA256SUMS', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'clips', 'other.mp4'), randomBytes(300_000));
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('src="clips/kassa-1430.mp4"');
    writeFileSync(join(dir, 'index.html'), html.replaceAll('clips/kassa-1430.mp4', 'clips/other.mp4'));
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0);
    expect(opensslVerify(dir)).toBe(0);
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['added clips/other.mp4', 'changed SHA256SUMS', 'changed index.html']);
    expect(r.problems.find((p) => p.file === 'index.html')?.detail).toMatch(/signed manifest says/);
  });

  it('FORGED: VERIFY.txt rewritten (another fingerprint to compare with), SHA256SUMS rebuilt', async () => {
    const dir = copy();
    const text = readFileSync(join(dir, 'VERIFY.txt'), 'utf8');
    expect(text).toContain(fpA);
    writeFileSync(join(dir, 'VERIFY.txt'), text.replaceAll(fpA, fpB));
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0);
    const r = await verifyPackage(dir, SITE_A);
    expect(kinds(r.problems)).toEqual(['changed SHA256SUMS', 'changed VERIFY.txt']);
  });

  it('FORGED: index.html deleted and dropped from SHA256SUMS', async () => {
    const dir = copy();
    unlinkSync(join(dir, 'index.html'));
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0);
    const r = await verifyPackage(dir, SITE_A);
    expect(kinds(r.problems)).toEqual(['changed SHA256SUMS', 'missing index.html']);
  });

  it('an edited manifest.json, by both SHA256SUMS and the signature, as openssl sees it', async () => {
    const dir = copy();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"Rån vid kassan"', '"Rån vid entrén"'));
    const r = await verifyPackage(dir, SITE_A);
    expect(kinds(r.problems)).toEqual(['bad-signature manifest.json', 'changed manifest.json']);
    expect(opensslVerify(dir)).not.toBe(0);
    expect(sha256sumC(dir)).not.toBe(0);
  });

  it('an edited manifest even when SHA256SUMS was rewritten to match', async () => {
    const dir = copy();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"police"', '"hr"'));
    rewriteSums(dir);
    expect(kinds((await verifyPackage(dir, SITE_A)).problems)).toEqual(['bad-signature manifest.json']);
  });

  it('a swapped clip even when SHA256SUMS was rewritten, from the signed manifest', async () => {
    const dir = copy();
    writeFileSync(join(dir, CLIP1), randomBytes(400_000));
    rewriteSums(dir);
    expect(sha256sumC(dir)).toBe(0);
    const r = await verifyPackage(dir, SITE_A);
    expect(kinds(r.problems)).toEqual(['changed SHA256SUMS', `changed ${CLIP1}`]);
  });

  it('the clips against the signed manifest even when SHA256SUMS is gone', async () => {
    const dir = copy();
    unlinkSync(join(dir, 'SHA256SUMS'));
    const bytes = readFileSync(join(dir, CLIP2));
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    writeFileSync(join(dir, CLIP2), bytes);
    expect(kinds((await verifyPackage(dir, SITE_A)).problems)).toEqual([`changed ${CLIP2}`, 'missing SHA256SUMS']);
  });

  it("FORGED: a stranger's key — clips and manifest replaced, re-signed, site-public.pem swapped", async () => {
    const dir = copy();
    writeFileSync(join(dir, CLIP1), randomBytes(400_000));
    const fpStranger = resignWithOwnKey(dir, join(root, 'stranger'));
    // Every tool a recipient has passes: only the fingerprint tells.
    expect(sha256sumC(dir)).toBe(0);
    expect(opensslVerify(dir)).toBe(0);
    expect(opensslFingerprint(dir)).toBe(fpStranger);
    expect(fpStranger).not.toBe(fpA);
    const bare = await verifyPackage(dir);
    expect(bare.problems).toEqual([]);
    expect(bare.verdict).toBe('intact'); // never "valid" …
    expect(bare.ok).toBe(false);
    expect(bare.fingerprint).toBe(fpStranger); // … and it names whose key it is
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['wrong-key site-public.pem']);
    expect(r.problems[0]?.detail).toContain(fpStranger);
    expect(r.problems[0]?.detail).toContain(fpA);
    const receipt = await verifyPackage(dir, [{ fingerprint: fpA, source: 'expected' }]);
    expect(kinds(receipt.problems)).toEqual(['wrong-key site-public.pem']);
  });

  it("another site's genuine package against this site's key", async () => {
    const r = await verifyPackage(copy(originalB), SITE_A);
    expect(kinds(r.problems)).toEqual(['wrong-key site-public.pem']);
    expect(r.fingerprint).toBe(fpB);
  });

  it('a site-public.pem swapped without re-signing', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'site-public.pem'), ensureSiteKeys(siteB).publicKeyPem);
    rewriteSums(dir);
    const r = await verifyPackage(dir);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['bad-signature manifest.json', 'changed SHA256SUMS', 'changed site-public.pem']);
  });

  it('a package in the old format whose signature covered only the clips', async () => {
    const dir = copy();
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    delete m.contents;
    delete m.signingKey;
    m.format = 'custodian-package/1';
    const bytes = Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
    writeFileSync(join(dir, 'manifest.json'), bytes);
    writeFileSync(join(dir, 'manifest.sig'), signDetached(siteA, bytes));
    rewriteSums(dir);
    expect(opensslVerify(dir)).toBe(0);
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['unreadable manifest.json']);
    expect(r.problems[0]?.detail).toMatch(/custodian-package\/1.*new export/);
  });

  it('a symbolic link in place of a clip, and one added beside them', async () => {
    const dir = copy();
    const real = join(root, `outside-${n}.mp4`);
    cpSync(join(dir, CLIP1), real);
    unlinkSync(join(dir, CLIP1));
    symlinkSync(real, join(dir, CLIP1));
    symlinkSync('/etc/passwd', join(dir, 'clips', 'passwd.mp4'));
    const r = await verifyPackage(dir, SITE_A);
    expect(kinds(r.problems)).toEqual([`not-a-file ${CLIP1}`, 'not-a-file clips/passwd.mp4']);
    expect(r.problems[0]?.detail).toMatch(/symbolic link/);
  });

  it('a FIFO in the folder', async () => {
    const dir = copy();
    expect(spawnSync('mkfifo', [join(dir, 'pipe')]).status).toBe(0);
    expect(kinds((await verifyPackage(dir, SITE_A)).problems)).toEqual(['not-a-file pipe']);
  });

  it('a manifest that is not JSON, and a missing signature, without throwing', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    unlinkSync(join(dir, 'manifest.sig'));
    const r = await verifyPackage(dir, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(r.manifest).toBeUndefined();
    expect(kinds(r.problems)).toEqual(['changed manifest.json', 'missing manifest.sig', 'unreadable manifest.json']);
  });

  it('throws not_found for a path that does not exist', async () => {
    await expect(verifyPackage(join(root, 'nowhere'))).rejects.toSatisfy((e: unknown) => e instanceof CustodianError && e.code === 'not_found');
  });
});

describe('verifyPackage on a zip', () => {
  it('passes the clean zip: intact alone, valid with the site key', async () => {
    const bare = await verifyPackage(`${original}.zip`);
    expect(bare.problems).toEqual([]);
    expect(bare.verdict).toBe('intact');
    const r = await verifyPackage(`${original}.zip`, SITE_A);
    expect(r.verdict).toBe('valid');
    expect(r.manifest?.incident.reference).toBe('INC-9');
  });

  it('FORGED: a zip with a symbolic-link entry, beside the files and in place of one', async () => {
    const zip = join(root, 'symlink.zip');
    pyZip(original, zip, [{ name: 'clips/evil.mp4', target: '/etc/passwd' }]);
    expect(kinds((await verifyPackage(zip, SITE_A)).problems)).toEqual(['not-a-file clips/evil.mp4']);
    const swapped = join(root, 'symlink-swap.zip');
    pyZip(original, swapped, [{ name: 'index.html', target: '../../../etc/passwd' }], ['index.html']);
    const r = await verifyPackage(swapped, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(kinds(r.problems)).toEqual(['not-a-file index.html']);
  });

  it('a zip with a FIFO entry', async () => {
    const zip = join(root, 'fifo.zip');
    pyZip(original, zip, [{ name: 'pipe', mode: 0o010644, data: '' }]);
    expect(kinds((await verifyPackage(zip, SITE_A)).problems)).toEqual(['not-a-file pipe']);
  });

  it('a zip whose entry names climb out of the package', async () => {
    const zip = join(root, 'climb.zip');
    pyZip(original, zip, [{ name: '../../escape.txt', mode: 0o100644, data: 'x' }]);
    const r = await verifyPackage(zip, SITE_A);
    expect(r.verdict).toBe('invalid');
  });

  it('a truncated zip, as unreadable instead of crashing', async () => {
    const zip = join(root, 'truncated.zip');
    cpSync(`${original}.zip`, zip);
    truncateSync(zip, Math.floor(statSync(zip).size / 2));
    const r = await verifyPackage(zip, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(r.problems[0]).toMatchObject({ file: 'truncated.zip', kind: 'unreadable' });
    expect(r.problems[0]?.detail).toMatch(/cannot be opened/);
  });

  it('a file that is not a zip at all', async () => {
    const zip = join(root, 'garbage.zip');
    writeFileSync(zip, randomBytes(5000));
    expect((await verifyPackage(zip)).problems.map((p) => `${p.kind} ${p.file}`)).toContain('unreadable garbage.zip');
  });

  it('a clip changed inside the zip (clips are stored, so the byte is the clip’s)', async () => {
    const zip = join(root, 'flipped.zip');
    cpSync(`${original}.zip`, zip);
    const bytes = readFileSync(zip);
    const clip = readFileSync(join(original, CLIP1));
    const at = bytes.indexOf(clip.subarray(5000, 5064));
    expect(at).toBeGreaterThan(0);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(zip, bytes);
    const r = await verifyPackage(zip, SITE_A);
    expect(new Set(r.problems.map((p) => `${p.kind} ${p.file}`))).toEqual(new Set([`changed ${CLIP1}`]));
  });

  it('bytes appended after the end of a zip', async () => {
    const zip = join(root, 'appended.zip');
    cpSync(`${original}.zip`, zip);
    appendFileSync(zip, randomBytes(100));
    const r = await verifyPackage(zip, SITE_A);
    expect(r.verdict).toBe('invalid');
    expect(r.problems[0]?.detail).toMatch(/extra bytes at the end/);
  });
});
