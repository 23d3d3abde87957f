/**
 * The site's signing key (Ed25519). Export packages carry a detached signature over
 * manifest.json that `custodian verify` and plain `openssl pkeyutl -verify -rawin` both check.
 *
 * Layout in the data folder:
 *   keys/site-private.pem  PKCS#8 PEM, mode 0600 (refused if group/other can read it on POSIX)
 *   keys/site-public.pem   SPKI PEM, derived from the private key
 * The fingerprint people compare is the SHA-256 of the public key's DER (SPKI) bytes, in hex —
 * the same as `openssl pkey -pubin -in site-public.pem -outform DER | sha256sum`.
 *
 * The private key is created once and never replaced silently: a public key without its private
 * key, or a pair that does not match, is an error a person must resolve, because recipients
 * compare the fingerprint with the one they were given before.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { removeWorkingFileSync } from './own-files.js';
import { join } from 'node:path';
import { failure } from '../common/errors.js';

export const KEYS_DIR = 'keys';
export const PRIVATE_KEY_FILE = 'site-private.pem';
export const PUBLIC_KEY_FILE = 'site-public.pem';

export interface SiteKeys {
  publicKeyPem: string;
  /** SHA-256 of the public key's DER (SPKI) encoding, 64 lower-case hex digits. */
  fingerprint: string;
}

const isPosix = process.platform !== 'win32';

function keyPaths(dataDir: string): { dir: string; priv: string; pub: string } {
  const dir = join(dataDir, KEYS_DIR);
  return { dir, priv: join(dir, PRIVATE_KEY_FILE), pub: join(dir, PUBLIC_KEY_FILE) };
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** Writes a file completely under a temporary name, fsynced, so a crash never leaves half a key. */
function writeTemp(path: string, content: string, mode: number): string {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (isPosix) chmodSync(tmp, mode); // the umask may have narrowed it further; never widened
  return tmp;
}

function loadPrivateKey(file: string): KeyObject {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      throw failure('not_found', 'media:keyMissing', { file });
    }
    throw e;
  }
  if (isPosix && (st.mode & 0o077) !== 0) {
    throw failure('refused_by_safety_rule', 'media:keyReadable', { file, mode: (st.mode & 0o777).toString(8).padStart(4, '0') }, { file, mode: st.mode & 0o777 });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw failure('internal', 'media:keyNotPem', { file, detail: (e as Error).message });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw failure('internal', 'media:keyWrongType', { file, type: String(key.asymmetricKeyType) });
  }
  return key;
}

function publicPemOf(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** SHA-256 of the SPKI DER of a public key given as PEM, hex. Throws on a PEM that is not a public key. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Makes sure the site has a signing key pair and returns its public half. Creates it on first
 * use; safe when two processes race (the private key is published with link(), which fails if
 * another process got there first, and then that key is used).
 */
export function ensureSiteKeys(dataDir: string): SiteKeys {
  const p = keyPaths(dataDir);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });

  let privateExists = true;
  try {
    statSync(p.priv);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
    privateExists = false;
  }
  if (!privateExists) {
    let pubExists = true;
    try {
      statSync(p.pub);
    } catch {
      pubExists = false;
    }
    if (pubExists) {
      throw failure('refused_by_safety_rule', 'media:keyPrivateGone', { pub: p.pub, priv: p.priv });
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const tmp = writeTemp(p.priv, pem, 0o600);
    try {
      linkSync(tmp, p.priv);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e; // another process created it meanwhile: use theirs
    } finally {
      removeWorkingFileSync(tmp);
    }
  }

  const key = loadPrivateKey(p.priv);
  const publicKeyPem = publicPemOf(key);
  let onDisk: string | undefined;
  try {
    onDisk = readFileSync(p.pub, 'utf8');
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  if (onDisk === undefined) {
    renameSync(writeTemp(p.pub, publicKeyPem, 0o644), p.pub);
  } else {
    let matches = false;
    try {
      matches = publicKeyFingerprint(onDisk) === publicKeyFingerprint(publicKeyPem);
    } catch {
      matches = false;
    }
    if (!matches) {
      throw failure('refused_by_safety_rule', 'media:keyPairMismatch', { pub: p.pub, priv: p.priv });
    }
  }
  return { publicKeyPem, fingerprint: publicKeyFingerprint(publicKeyPem) };
}

/** A raw 64-byte Ed25519 signature over `bytes` with the site's private key. */
export function signDetached(dataDir: string, bytes: Uint8Array): Buffer {
  const key = loadPrivateKey(keyPaths(dataDir).priv);
  return sign(null, bytes, key);
}

/**
 * True only if `sig` is a valid Ed25519 signature over `bytes` by `publicKeyPem`. A key that is
 * not a readable Ed25519 public key, or a signature of the wrong length, gives false.
 */
export function verifyDetached(publicKeyPem: string | Buffer, bytes: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519' || sig.length !== 64) return false;
    return verify(null, bytes, key, sig);
  } catch {
    return false;
  }
}
