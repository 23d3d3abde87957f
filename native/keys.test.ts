import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import { ensureSiteKeys, publicKeyFingerprint, signDetached, verifyDetached } from './keys.js';

const root = mkdtempSync(join(tmpdir(), 'custodian-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDataDir = (): string => mkdtempSync(join(root, `data${n++}-`));
const posix = process.platform !== 'win32';

describe('ensureSiteKeys', () => {
  it('creates an Ed25519 pair, the private key 0600, and returns the same key on every call', () => {
    const data = freshDataDir();
    const a = ensureSiteKeys(data);
    const priv = join(data, 'keys', 'site-private.pem');
    const pub = join(data, 'keys', 'site-public.pem');
    if (posix) expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(readFileSync(priv, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(pub, 'utf8')).toBe(a.publicKeyPem);
    expect(execFileSync('openssl', ['pkey', '-pubin', '-in', pub, '-noout', '-text'], { encoding: 'utf8' })).toContain('ED25519');
    const b = ensureSiteKeys(data);
    expect(b).toEqual(a);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the fingerprint openssl computes from the public key's DER", () => {
    const data = freshDataDir();
    const { fingerprint } = ensureSiteKeys(data);
    const out = execSync('openssl pkey -pubin -in keys/site-public.pem -outform DER | sha256sum', { cwd: data, encoding: 'utf8' });
    expect(out.trim()).toBe(`${fingerprint}  -`);
  });

  it('refuses a private key readable by others, saying how to fix it', () => {
    if (!posix) return;
    const data = freshDataDir();
    ensureSiteKeys(data);
    const priv = join(data, 'keys', 'site-private.pem');
    chmodSync(priv, 0o644);
    expect(() => signDetached(data, Buffer.from('x'))).toThrow(/0644.*chmod 600/s);
    try {
      ensureSiteKeys(data);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CustodianError);
      expect((e as CustodianError).code).toBe('refused_by_safety_rule');
    }
    chmodSync(priv, 0o600);
    expect(signDetached(data, Buffer.from('x'))).toHaveLength(64);
  });

  it('never silently replaces a lost private key while its public key is still there', () => {
    const data = freshDataDir();
    ensureSiteKeys(data);
    unlinkSync(join(data, 'keys', 'site-private.pem'));
    expect(() => ensureSiteKeys(data)).toThrow(/private key .* does not exist|Restore the private key/);
  });

  it('notices a public key file that is not the private key’s half', () => {
    const data = freshDataDir();
    const other = freshDataDir();
    ensureSiteKeys(data);
    const otherKeys = ensureSiteKeys(other);
    writeFileSync(join(data, 'keys', 'site-public.pem'), otherKeys.publicKeyPem);
    expect(() => ensureSiteKeys(data)).toThrow(/not the public half/);
  });
});

describe('signDetached / verifyDetached', () => {
  it('makes a raw 64-byte signature that verifies only for the same bytes and key', () => {
    const data = freshDataDir();
    const { publicKeyPem } = ensureSiteKeys(data);
    const bytes = Buffer.from('{"hello":"världen"}\n');
    const sig = signDetached(data, bytes);
    expect(sig).toHaveLength(64);
    expect(verifyDetached(publicKeyPem, bytes, sig)).toBe(true);
    expect(verifyDetached(publicKeyPem, Buffer.from('{"hello":"varlden"}\n'), sig)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(verifyDetached(publicKeyPem, bytes, flipped)).toBe(false);
    const other = ensureSiteKeys(freshDataDir());
    expect(verifyDetached(other.publicKeyPem, bytes, sig)).toBe(false);
    expect(verifyDetached('not a key', bytes, sig)).toBe(false);
    expect(verifyDetached(publicKeyPem, bytes, sig.subarray(0, 63))).toBe(false);
  });

  it('signs so that openssl pkeyutl -rawin verifies it', () => {
    const data = freshDataDir();
    ensureSiteKeys(data);
    const msg = join(data, 'msg.bin');
    const sigFile = join(data, 'msg.sig');
    writeFileSync(msg, 'Överlämnat till Polismyndigheten\n');
    writeFileSync(sigFile, signDetached(data, readFileSync(msg)));
    const out = execFileSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', join(data, 'keys', 'site-public.pem'), '-rawin', '-in', msg, '-sigfile', sigFile],
      { encoding: 'utf8' },
    );
    expect(out).toContain('Signature Verified Successfully');
  });

  it('computes fingerprints that differ between keys', () => {
    const a = ensureSiteKeys(freshDataDir());
    const b = ensureSiteKeys(freshDataDir());
    expect(publicKeyFingerprint(a.publicKeyPem)).toBe(a.fingerprint);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });
});
