/**
 * `custodian verify` as a recipient and as a hostile tester run it (the built CLI, real
 * `sha256sum`, real `openssl`): it names the signer's fingerprint every time; it exits 0 only
 * against this site's key or a matching --expect-fingerprint; without either it says "intact"
 * and exits 3, never "valid"; and the forged packages of issue 12 are refused with the file named.
 * Needs `npm run build` (npm test does it).
 */
import { execSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_FORMAT, VERIFY_COMMANDS } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { writePackage } from '../native/package-writer.js';
import { pyZip, resignWithOwnKey, rewriteSums } from './forge.js';
import { tempDir } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');
const TZ = 'Europe/Stockholm';

describe('custodian verify names its signer and calls a package valid only against a trusted key', () => {
  let t: ReturnType<typeof tempDir>;
  let data = '';
  let pkg = '';
  let fp = '';
  let n = 0;
  /** Runs the CLI with no data folder anywhere it could find one, unless `--data` is given. */
  const run = (...args: string[]) => {
    const env = { PATH: process.env.PATH ?? '', HOME: path.join(t.dir, 'home'), XDG_DATA_HOME: path.join(t.dir, 'home', 'none') };
    const r = spawnSync(process.execPath, [CLI, '--lang', 'en', ...args], { encoding: 'utf8', env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const copy = (): string => {
    const to = path.join(t.dir, `copy-${n++}`);
    cpSync(pkg, to, { recursive: true });
    return to;
  };

  beforeAll(async () => {
    t = tempDir('custodian-verify-cli-');
    data = path.join(t.dir, 'data');
    const rec = path.join(t.dir, 'rec');
    mkdirSync(rec);
    expect(run('--data', data, 'init', '--storage', rec, '--layout', 'camera-date-time').code).toBe(0);
    const src = path.join(t.dir, 'clip.mp4');
    writeFileSync(src, randomBytes(200_000));
    const t0 = Date.UTC(2026, 10, 25, 13, 30, 0);
    const written = await writePackage({
      outDir: path.join(t.dir, 'paket'),
      dataDir: data,
      zip: true,
      clips: [{ name: 'entre-1430', sourcePath: src }],
      manifest: {
        format: PACKAGE_FORMAT,
        packageId: randomUUID(),
        site: { controller: 'SOS Alarm Sverige AB', dpoContact: 'dpo@example.se' },
        incident: { reference: 'INC-2026-0001', title: 'Stöld', reason: 'crime-on-premises', justification: 'Anmält', fromMs: t0, toMs: t0 + 60_000, from: formatInstant(t0, TZ), to: formatInstant(t0 + 60_000, TZ) },
        audience: 'hr',
        timeZone: TZ,
        language: 'sv',
        operator: 'Anna',
        createdAt: formatInstant(t0, TZ),
        toolVersion: 'custodian 0.1.0',
        files: [{ name: 'entre-1430', camera: 'entrance', cameraName: 'Entré', zone: 'staff', startMs: t0, endMs: t0 + 30_000, start: formatInstant(t0, TZ), end: formatInstant(t0 + 30_000, TZ), sources: [], redaction: null }],
      },
    });
    pkg = written.dir;
    fp = execSync(VERIFY_COMMANDS.fingerprint, { cwd: pkg, encoding: 'utf8', shell: '/bin/sh' }).slice(0, 64);
    expect(written.fingerprint).toBe(fp);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it("is valid against this site's data folder (exit 0), and prints the fingerprint with the openssl line", () => {
    for (const target of [pkg, `${pkg}.zip`]) {
      const r = run('--data', data, 'verify', target);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`Signing key fingerprint (SHA-256): ${fp}`);
      expect(r.out).toContain(VERIFY_COMMANDS.fingerprint);
      expect(r.out).toMatch(/whole and valid.*this site's key/);
    }
  });

  it('without a key to check against: intact and signed by key X, never valid, exit 3', () => {
    const r = run('verify', pkg);
    expect(r.code).toBe(3);
    expect(r.out).toContain(fp);
    expect(r.out).toMatch(/intact.*signed by key/);
    expect(r.out).toMatch(/only if this fingerprint is the one on the handover receipt/);
    expect(r.out).not.toMatch(/whole and valid/);
    const j = JSON.parse(run('verify', pkg, '--json').out) as { verdict: string; ok: boolean; fingerprint: string; checkedAgainst: unknown[] };
    expect(j).toMatchObject({ verdict: 'intact', ok: false, fingerprint: fp, checkedAgainst: [] });
  });

  it('with --expect-fingerprint from the receipt: a match is valid (as people copy it too), a mismatch fails', () => {
    expect(run('verify', pkg, '--expect-fingerprint', fp).code).toBe(0);
    const spaced = fp.toUpperCase().match(/.{2}/g)?.join(':') ?? '';
    expect(run('verify', `${pkg}.zip`, '--expect-fingerprint', spaced).code).toBe(0);
    const other = 'ab'.repeat(32);
    const r = run('verify', pkg, '--expect-fingerprint', other);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`site-public.pem: another key — the package was signed with key ${fp}, not with the key you named ${other}`));
    const bad = run('verify', pkg, '--expect-fingerprint', 'abc');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/must be a SHA-256 fingerprint/);
  });

  it("FORGED: a stranger's key with site-public.pem swapped passes every tool but is refused against the site, and named without one", () => {
    const dir = copy();
    writeFileSync(path.join(dir, 'clips', 'entre-1430.mp4'), randomBytes(200_000));
    const stranger = resignWithOwnKey(dir, path.join(t.dir, 'stranger'));
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }).status).toBe(0);
    expect(spawnSync('sh', ['-c', VERIFY_COMMANDS.signature], { cwd: dir }).status).toBe(0);
    const site = run('--data', data, 'verify', dir);
    expect(site.code).toBe(1);
    expect(site.err).toContain(`site-public.pem: another key — the package was signed with key ${stranger}, not with this site's key ${fp}`);
    const bare = run('verify', dir);
    expect(bare.code).toBe(3);
    expect(bare.out).toContain(stranger);
    expect(run('verify', dir, '--expect-fingerprint', fp).code).toBe(1);
  });

  it('FORGED: the viewer redirected to another video in a rebuilt SHA256SUMS, rewritten instructions, an extra file, a deleted index.html', () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      [
        'viewer redirected',
        (dir) => {
          writeFileSync(path.join(dir, 'clips', 'other.mp4'), randomBytes(100_000));
          writeFileSync(path.join(dir, 'index.html'), readFileSync(path.join(dir, 'index.html'), 'utf8').replaceAll('clips/entre-1430.mp4', 'clips/other.mp4'));
        },
        /index\.html: changed[\s\S]*clips\/other\.mp4: extra|clips\/other\.mp4: extra[\s\S]*index\.html: changed/,
      ],
      ['instructions rewritten', (dir) => writeFileSync(path.join(dir, 'VERIFY.txt'), readFileSync(path.join(dir, 'VERIFY.txt'), 'utf8').replaceAll(fp, 'ab'.repeat(32))), /VERIFY\.txt: changed/],
      ['extra file', (dir) => writeFileSync(path.join(dir, 'case-notes.txt'), 'planted'), /case-notes\.txt: extra/],
      ['index.html deleted', (dir) => unlinkSync(path.join(dir, 'index.html')), /index\.html: missing/],
    ];
    for (const [name, forge, named] of cases) {
      const dir = copy();
      forge(dir);
      rewriteSums(dir);
      expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }).status, name).toBe(0); // sha256sum is fooled
      const r = run('--data', data, 'verify', dir);
      expect(r.code, name).toBe(1);
      expect(r.err, name).toMatch(/NOT whole/);
      expect(r.err, name).toMatch(named);
      expect(r.out, name).toBe('');
    }
  });

  it('FORGED: a zip with a symlink entry', () => {
    const zip = path.join(t.dir, 'link.zip');
    pyZip(pkg, zip, [{ name: 'clips/evil.mp4', target: '/etc/passwd' }]);
    const r = run('--data', data, 'verify', zip);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/clips\/evil\.mp4: not a file — is a symbolic link/);
  });
});
