import { execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import { PACKAGE_FORMAT, serializeManifest, type PackageManifest, type PackageManifestDraft } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { ensureSiteKeys } from './keys.js';
import { VERIFY_COMMANDS, writePackage, type PackageProgress } from './package-writer.js';
import { verifyPackage } from './package-verify.js';

const root = mkdtempSync(join(tmpdir(), 'custodian-pkg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'data');
const TZ = 'Europe/Stockholm';

function makeClip(name: string, bytes: number): string {
  const dir = join(root, 'archive');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${randomUUID()}.mp4`);
  writeFileSync(file, randomBytes(bytes));
  return file;
}

function draft(names: string[]): PackageManifestDraft {
  const t0 = Date.UTC(2026, 10, 25, 13, 30, 0);
  return {
    format: PACKAGE_FORMAT,
    packageId: randomUUID(),
    site: { controller: 'SOS Alarm Sverige AB', dpoContact: 'dataskyddsombud@example.se' },
    incident: {
      reference: 'INC-2026-017',
      title: 'Stöld i förrådet',
      reason: 'crime-against-organisation',
      justification: 'Anmält till polisen.',
      fromMs: t0,
      toMs: t0 + 3_600_000,
      from: formatInstant(t0, TZ),
      to: formatInstant(t0 + 3_600_000, TZ),
    },
    audience: 'police',
    timeZone: TZ,
    language: 'sv',
    operator: 'Anna Andersson',
    createdAt: formatInstant(t0 + 86_400_000, TZ),
    toolVersion: 'custodian 0.1.0',
    files: names.map((name, i) => {
      const s = t0 + i * 600_000;
      return {
        name,
        camera: `cam-${i + 1}`,
        cameraName: `Entré öst ${i + 1}`,
        zone: 'visitor' as const,
        startMs: s,
        endMs: s + 300_000,
        start: formatInstant(s, TZ),
        end: formatInstant(s + 300_000, TZ),
        sources: [{ name: `2026/11/25/cam${i + 1}/14-30-00.mp4`, sha256: 'ab'.repeat(32) }],
        redaction: null,
      };
    }),
  };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<CustodianError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CustodianError);
    expect((e as CustodianError).code).toBe(code);
    return e as CustodianError;
  }
  throw new Error(`expected a CustodianError ${code}, but it succeeded`);
}

function partials(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.partial-'));
}

describe('writePackage', () => {
  const out = join(root, 'out', 'INC-2026-017 polisen');
  const names = ['entre-ost-1430', 'förråd 1440'];
  let sources: string[];
  let progress: PackageProgress[];
  let written: Awaited<ReturnType<typeof writePackage>>;

  beforeAll(async () => {
    sources = [makeClip('a', 3_000_000), makeClip('b', 700_001)];
    progress = [];
    written = await writePackage({
      outDir: out,
      manifest: draft(names),
      clips: names.map((name, i) => ({ name, sourcePath: sources[i] as string })),
      dataDir,
      zip: true,
      onProgress: (e) => progress.push(e),
    });
  });

  it('lays out exactly the documented files, and nothing half-written beside them', () => {
    expect(written.dir).toBe(out);
    expect(written.zipPath).toBe(`${out}.zip`);
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'VERIFY.txt', 'clips', 'index.html', 'manifest.json', 'manifest.sig', 'site-public.pem']);
    expect(readdirSync(join(out, 'clips')).sort()).toEqual(['entre-ost-1430.mp4', 'förråd 1440.mp4']);
    expect(readFileSync(join(out, 'clips', 'entre-ost-1430.mp4')).equals(readFileSync(sources[0] as string))).toBe(true);
    expect(readFileSync(join(out, 'manifest.sig'))).toHaveLength(64);
    expect(partials(join(root, 'out'))).toEqual([]);
  });

  it('passes the real `sha256sum -c SHA256SUMS`, covering every file but SHA256SUMS', () => {
    const r = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.sort()).toEqual(
      ['VERIFY.txt', 'clips/entre-ost-1430.mp4', 'clips/förråd 1440.mp4', 'index.html', 'manifest.json', 'manifest.sig', 'site-public.pem'].map((f) => `${f}: OK`).sort(),
    );
  });

  it('VERIFY.txt commands, run exactly as written there, verify the signature and show the fingerprint', () => {
    const text = readFileSync(join(out, 'VERIFY.txt'), 'utf8');
    const { fingerprint } = ensureSiteKeys(dataDir);
    expect(text).toContain(fingerprint);
    expect(text).toMatch(/SVENSKA[\s\S]*Kontrollsummor[\s\S]*ENGLISH[\s\S]*Checksums/);
    const commands = [...new Set(text.split('\n').filter((l) => /^ {4}(sha256sum|openssl) /.test(l)).map((l) => l.trim()))];
    expect(commands.sort()).toEqual(
      [VERIFY_COMMANDS.sums, VERIFY_COMMANDS.signature, VERIFY_COMMANDS.fingerprint, VERIFY_COMMANDS.fingerprintOpenssl].sort(),
    );
    expect(VERIFY_COMMANDS.signature).toBe('openssl pkeyutl -verify -pubin -inkey site-public.pem -rawin -in manifest.json -sigfile manifest.sig');
    for (const cmd of commands) {
      const stdout = execSync(cmd, { cwd: out, encoding: 'utf8', shell: '/bin/sh' });
      if (cmd === VERIFY_COMMANDS.signature) expect(stdout).toContain('Signature Verified Successfully');
      else if (cmd.startsWith('openssl pkey')) expect(stdout).toContain(fingerprint);
      else expect(stdout).not.toMatch(/FAILED/);
    }
  });

  it('records in the signed manifest the hashes and sizes of what was written, and returns its hash', () => {
    const bytes = readFileSync(join(out, 'manifest.json'));
    expect(written.manifestSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const m = JSON.parse(bytes.toString('utf8')) as PackageManifest;
    expect(written.packageId).toBe(m.packageId);
    for (const [i, f] of m.files.entries()) {
      const sum = execFileSync('sha256sum', [sources[i] as string], { encoding: 'utf8' }).slice(0, 64);
      expect(f.sha256).toBe(sum);
      expect(f.size).toBe(readFileSync(sources[i] as string).length);
    }
    expect(bytes.toString('utf8')).toMatch(/^\{\n {2}"format": "custodian-package\/2",\n {2}"packageId": /);
    expect(bytes.toString('utf8').endsWith('}\n')).toBe(true);
    expect(serializeManifest(m)).toBe(bytes.toString('utf8'));
  });

  it('signs a list of every file but the three that cannot list themselves, each with the size and SHA-256 sha256sum computes', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackageManifest;
    expect(m.contents.map((c) => c.path)).toEqual(['VERIFY.txt', 'clips/entre-ost-1430.mp4', 'clips/förråd 1440.mp4', 'index.html', 'site-public.pem']);
    for (const c of m.contents) {
      const file = join(out, ...c.path.split('/'));
      expect(c.sha256, c.path).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64));
      expect(c.size, c.path).toBe(statSync(file).size);
    }
    const fp = execSync(VERIFY_COMMANDS.fingerprint, { cwd: out, encoding: 'utf8', shell: '/bin/sh' }).slice(0, 64);
    expect(m.signingKey).toEqual({ algorithm: 'Ed25519', fingerprint: fp });
    expect(written.fingerprint).toBe(fp);
    // SHA256SUMS agrees with the signed list, line for line.
    const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8');
    for (const c of m.contents) expect(sums).toContain(`${c.sha256}  ${c.path}\n`);
  });

  it('returns every file it wrote (and the zip) with size and SHA-256, and the folder identity', () => {
    const onDisk = [...readdirSync(out).filter((f) => f !== 'clips'), ...readdirSync(join(out, 'clips')).map((f) => `clips/${f}`)].sort();
    expect(written.files.map((f) => f.path)).toEqual(onDisk);
    for (const f of written.files) {
      const file = join(out, ...f.path.split('/'));
      expect(f.sha256, f.path).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64));
      expect(f.size).toBe(statSync(file).size);
    }
    expect(written.zip?.path).toBe('INC-2026-017 polisen.zip');
    expect(written.zip?.sha256).toBe(execFileSync('sha256sum', [`${out}.zip`], { encoding: 'utf8' }).slice(0, 64));
    expect(written.zip?.size).toBe(statSync(`${out}.zip`).size);
    expect(written.dirIdentity).toEqual({ dev: statSync(out, { bigint: true }).dev, ino: statSync(out, { bigint: true }).ino });
  });

  it('writes files 0600 in 0700 folders (personal data)', () => {
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'clips')).mode & 0o777).toBe(0o700);
    for (const f of written.files) expect(statSync(join(out, ...f.path.split('/'))).mode & 0o777, f.path).toBe(0o600);
    expect(statSync(`${out}.zip`).mode & 0o777).toBe(0o600);
  });

  it('verifies as a folder and as a zip: valid against its own site key, only intact without one', async () => {
    const { fingerprint } = ensureSiteKeys(dataDir);
    for (const p of [out, `${out}.zip`]) {
      const bare = await verifyPackage(p);
      expect(bare.problems).toEqual([]);
      expect(bare.verdict).toBe('intact');
      expect(bare.ok).toBe(false);
      expect(bare.fingerprint).toBe(fingerprint);
      const r = await verifyPackage(p, [{ fingerprint, source: 'site' }]);
      expect(r.problems).toEqual([]);
      expect(r.verdict).toBe('valid');
      expect(r.ok).toBe(true);
      expect(r.manifest?.incident.reference).toBe('INC-2026-017');
    }
  });

  it('makes a zip that an ordinary unzip tool unpacks into a folder that sha256sum -c accepts', () => {
    const unpack = mkdtempSync(join(root, 'unzip-'));
    execFileSync('python3', ['-m', 'zipfile', '-e', `${out}.zip`, unpack]);
    const top = readdirSync(unpack);
    expect(top).toEqual(['INC-2026-017 polisen']);
    const r = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: join(unpack, 'INC-2026-017 polisen'), encoding: 'utf8' });
    expect(r.status).toBe(0);
  });

  it('reports progress through copy, hash, sign and zip, ending each at its total', () => {
    const phases = [...new Set(progress.map((e) => e.phase))];
    expect(phases).toEqual(['copy', 'hash', 'sign', 'zip']);
    for (const ph of phases) {
      const last = progress.filter((e) => e.phase === ph).at(-1);
      expect(last?.done).toBe(last?.total);
    }
    expect(progress.find((e) => e.phase === 'copy')?.total).toBe(3_700_001);
  });

  it('manifest.json has the same bytes whatever order the caller built the keys in', async () => {
    const d = draft(['x']);
    const src = makeClip('x', 1000);
    const shuffled = JSON.parse(JSON.stringify(d, Object.keys(d).reverse())) as PackageManifestDraft;
    const reversed: Record<string, unknown> = {};
    for (const k of Object.keys(d).reverse()) reversed[k] = (d as unknown as Record<string, unknown>)[k];
    const a = await writePackage({ outDir: join(root, 'order-a'), manifest: d, clips: [{ name: 'x', sourcePath: src }], dataDir });
    const b = await writePackage({
      outDir: join(root, 'order-b'),
      manifest: { ...(reversed as unknown as PackageManifestDraft), incident: { ...shuffled.incident, ...d.incident } },
      clips: [{ name: 'x', sourcePath: src }],
      dataDir,
    });
    expect(readFileSync(join(a.dir, 'manifest.json'), 'utf8')).toBe(readFileSync(join(b.dir, 'manifest.json'), 'utf8'));
    expect(a.manifestSha256).toBe(b.manifestSha256);
  });
});

describe('writePackage refuses', () => {
  it('an outDir that exists and is not empty, touching nothing in it', async () => {
    const outDir = join(root, 'busy');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'someone-elses.txt'), 'keep me');
    const err = await expectCode(
      writePackage({ outDir, manifest: draft(['a']), clips: [{ name: 'a', sourcePath: makeClip('a', 10) }], dataDir }),
      'conflict',
    );
    expect(err.message).toContain('not empty');
    expect(readdirSync(outDir)).toEqual(['someone-elses.txt']);
    expect(partials(root)).toEqual([]);
  });

  it('nothing when the outDir exists but is empty: it is filled', async () => {
    const outDir = join(root, 'empty-target');
    mkdirSync(outDir);
    await writePackage({ outDir, manifest: draft(['a']), clips: [{ name: 'a', sourcePath: makeClip('a', 10) }], dataDir });
    expect(readdirSync(outDir)).toContain('manifest.json');
  });

  it('a zip that already exists', async () => {
    const outDir = join(root, 'zipped');
    writeFileSync(`${outDir}.zip`, 'old');
    await expectCode(writePackage({ outDir, manifest: draft(['a']), clips: [{ name: 'a', sourcePath: makeClip('a', 10) }], dataDir, zip: true }), 'conflict');
    expect(existsSync(outDir)).toBe(false);
    expect(readFileSync(`${outDir}.zip`, 'utf8')).toBe('old');
  });

  it('a missing source clip, leaving no package and no temporary folder', async () => {
    const outDir = join(root, 'missing-source');
    const err = await expectCode(
      writePackage({ outDir, manifest: draft(['a', 'b']), clips: [{ name: 'a', sourcePath: makeClip('a', 10) }, { name: 'b', sourcePath: join(root, 'nope.mp4') }], dataDir, zip: true }),
      'not_found',
    );
    expect(err.message).toContain('nope.mp4');
    expect(existsSync(outDir)).toBe(false);
    expect(existsSync(`${outDir}.zip`)).toBe(false);
    expect(partials(root)).toEqual([]);
  });

  it('a clip that no longer matches its recorded SHA-256', async () => {
    const outDir = join(root, 'mismatch');
    const d = draft(['a']);
    const f = d.files[0];
    if (f) f.sha256 = '0'.repeat(64);
    const err = await expectCode(writePackage({ outDir, manifest: d, clips: [{ name: 'a', sourcePath: makeClip('a', 10) }], dataDir }), 'refused_by_safety_rule');
    expect(err.message).toMatch(/no longer matches its recorded SHA-256/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('clips that do not match the manifest one to one, and names that could escape clips/', async () => {
    const src = makeClip('a', 10);
    await expectCode(writePackage({ outDir: join(root, 'x1'), manifest: draft(['a', 'b']), clips: [{ name: 'a', sourcePath: src }], dataDir }), 'invalid_request');
    const bad = draft(['a']);
    const f = bad.files[0];
    if (f) f.name = '../../etc/evil';
    await expectCode(writePackage({ outDir: join(root, 'x2'), manifest: bad, clips: [{ name: '../../etc/evil', sourcePath: src }], dataDir }), 'invalid_request');
    const other = draft(['a']);
    other.incident.reason = 'other';
    other.incident.justification = ' ';
    const err = await expectCode(writePackage({ outDir: join(root, 'x3'), manifest: other, clips: [{ name: 'a', sourcePath: src }], dataDir }), 'invalid_request');
    expect(err.message).toMatch(/justification/);
    expect(existsSync(join(root, 'x1')) || existsSync(join(root, 'x2')) || existsSync(join(root, 'x3'))).toBe(false);
  });
});

describe('writePackage and a crash', () => {
  it('leaves no package under the final name when the process is killed mid-copy', async () => {
    const big = join(root, 'big.mp4');
    writeFileSync(big, '');
    truncateSync(big, 1_500_000_000); // sparse: cheap to make, still 1.5 GB to copy
    const outDir = join(root, 'crash', 'INC-crash');
    mkdirSync(dirname(outDir), { recursive: true });
    const script = join(root, 'crash-child.mts');
    const writer = join(dirname(fileURLToPath(import.meta.url)), 'package-writer.ts');
    writeFileSync(
      script,
      `import { writePackage } from ${JSON.stringify(writer)};
await writePackage({ outDir: ${JSON.stringify(outDir)}, dataDir: ${JSON.stringify(dataDir)}, zip: true,
  manifest: JSON.parse(${JSON.stringify(JSON.stringify(draft(['big'])))}),
  clips: [{ name: 'big', sourcePath: ${JSON.stringify(big)} }],
  onProgress: (e) => { if (e.phase === 'copy' && e.done > 0) console.log('COPYING'); } });
console.log('DONE');
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('COPYING')) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(out).toContain('COPYING');
    expect(out).not.toContain('DONE');
    expect(existsSync(outDir)).toBe(false);
    expect(existsSync(`${outDir}.zip`)).toBe(false);
    // What is left is a hidden temporary folder, recognisable by name.
    expect(readdirSync(dirname(outDir)).every((f) => f.startsWith('.INC-crash.partial-'))).toBe(true);
  });
});
