/**
 * Signed anchors: the chain's head (ledger sequence number and hash) signed with the site's
 * Ed25519 key and written outside the database, as `<data>/anchors/anchor-<seq>-<time>.json`
 * (the signed bytes, readable) and `.sig` (the raw signature), so anyone can check one with
 *   openssl pkeyutl -verify -pubin -inkey keys/site-public.pem -rawin -in anchor-….json -sigfile anchor-….sig
 * Made at least daily by the service, at every handover (the receipt prints it), at pruning, at
 * a backup and on demand (`custodian audit anchor`). Recomputing the chain behind an anchor
 * needs the private key; behind an anchor that has left the machine (a receipt, a copy the DPO
 * keeps) it cannot be done at all. What it does not stop: someone who can read the site's
 * private key on this machine can sign a rewritten chain; only anchors kept elsewhere show that.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { failure } from '../common/errors.js';
import { english } from '../common/i18n/catalog.js';
import { installationOf, ledgerEntry, ledgerHead } from '../db/ledger.js';
import { writeFileAtomic } from '../native/atomic-write.js';
import { KEYS_DIR, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, publicKeyFingerprint } from '../native/keys.js';
import { raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import { checkLedger, problem } from './chain.js';
import type { Ctx } from './context.js';
import { siteKeys } from './site.js';

export const ANCHORS_DIR = 'anchors';
export const ANCHOR_FORMAT = 'custodian-anchor/1';
const ANCHOR_NAME = /^anchor-\d{10}-\d{8}T\d{6}Z-[0-9a-z]+\.json$/;

export interface AnchorStatement {
  readonly format: typeof ANCHOR_FORMAT;
  readonly installation: string;
  readonly seq: number;
  readonly hash: string;
  readonly atMs: number;
  readonly at: string;
  readonly why: string;
  readonly keyFingerprint: string;
}

/** What a receipt or report prints: enough to check the chain later against this head. */
export interface Anchor {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  readonly why: string;
  /** Ed25519 signature over the anchor file's bytes, base64. */
  readonly signature: string;
  readonly keyFingerprint: string;
  readonly file: string;
}

export function anchorsDir(dataDir: string): string {
  return path.join(dataDir, ANCHORS_DIR);
}

export interface SitePublicKey {
  readonly pem: string;
  readonly fingerprint: string;
}

/** The site's public key as it is on disk, without creating one (verification must not). */
export function sitePublicKey(dataDir: string): SitePublicKey | null {
  try {
    const pem = readFileSync(path.join(dataDir, KEYS_DIR, PUBLIC_KEY_FILE), 'utf8');
    return { pem, fingerprint: publicKeyFingerprint(pem) };
  } catch {
    return null;
  }
}

interface Signer {
  readonly stamp: string;
  readonly key: KeyObject;
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}
const signers = new Map<string, Signer>();

function fileStamp(file: string): string {
  const st = statSync(file);
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.mode}`;
}

/**
 * The site key, loaded once per process and checked again whenever either key file changes
 * (a hold copy and an anchor are signed at every hold change: loading the key each time cost
 * more than the rest of the hold). The first load and every reload go through siteKeys, which
 * makes the pair if there is none and refuses a readable or mismatched key.
 */
export function siteSigner(ctx: Ctx): Signer {
  const priv = path.join(ctx.dataDir, KEYS_DIR, PRIVATE_KEY_FILE);
  const pub = path.join(ctx.dataDir, KEYS_DIR, PUBLIC_KEY_FILE);
  let stamp = '';
  try {
    stamp = `${fileStamp(priv)}|${fileStamp(pub)}`;
  } catch {
    // not made yet: siteKeys makes it
  }
  const cached = signers.get(ctx.dataDir);
  if (cached && stamp !== '' && cached.stamp === stamp) return cached;
  const keys = siteKeys(ctx);
  const signer = { stamp: `${fileStamp(priv)}|${fileStamp(pub)}`, key: createPrivateKey(readFileSync(priv)), publicKeyPem: keys.publicKeyPem, fingerprint: keys.fingerprint };
  signers.set(ctx.dataDir, signer);
  return signer;
}

function signBytes(ctx: Ctx, bytes: Uint8Array): { signature: Buffer; keyFingerprint: string } {
  const s = siteSigner(ctx);
  return { signature: sign(null, bytes, s.key), keyFingerprint: s.fingerprint };
}

/** Signs `text` with the site key: base64 signature and the key's fingerprint. */
export function signText(ctx: Ctx, text: string): { signature: string; keyFingerprint: string } {
  const s = signBytes(ctx, Buffer.from(text, 'utf8'));
  return { signature: s.signature.toString('base64'), keyFingerprint: s.keyFingerprint };
}

const publicKeys = new Map<string, KeyObject | null>();

/**
 * True only if `sig` is a valid Ed25519 signature over `bytes` by the public key `pem`. The key
 * object is made once per PEM (a hold copy is checked at every hold change).
 */
export function verifyBytes(pem: string, bytes: Uint8Array, sig: Uint8Array): boolean {
  let key = publicKeys.get(pem);
  if (key === undefined) {
    try {
      key = createPublicKey(pem);
      if (key.asymmetricKeyType !== 'ed25519') key = null;
    } catch {
      key = null;
    }
    if (publicKeys.size > 64) publicKeys.clear();
    publicKeys.set(pem, key);
  }
  if (!key || sig.length !== 64) return false;
  try {
    return verify(null, bytes, key, sig);
  } catch {
    return false;
  }
}

export function verifyText(key: SitePublicKey | null, text: string, signatureB64: string): boolean {
  if (!key) return false;
  return verifyBytes(key.pem, Buffer.from(text, 'utf8'), Buffer.from(signatureB64, 'base64'));
}

export type AnchorRead =
  | { ok: true; file: string; statement: AnchorStatement; signature: string }
  | { ok: false; file: string; reason: 'damaged' | 'signature' };

/** Reads one anchor (its .json and .sig) and checks the signature against `key`. */
export function readAnchor(file: string, key: SitePublicKey | null): AnchorRead {
  let bytes: Buffer;
  let sig: Buffer;
  try {
    bytes = readFileSync(file);
    sig = readFileSync(file.replace(/\.json$/, '.sig'));
  } catch {
    return { ok: false, file, reason: 'damaged' };
  }
  let st: Partial<AnchorStatement>;
  try {
    st = JSON.parse(bytes.toString('utf8')) as Partial<AnchorStatement>;
  } catch {
    return { ok: false, file, reason: 'damaged' };
  }
  if (st.format !== ANCHOR_FORMAT || typeof st.seq !== 'number' || typeof st.hash !== 'string' || typeof st.installation !== 'string') return { ok: false, file, reason: 'damaged' };
  if (!key || !verifyBytes(key.pem, bytes, sig)) return { ok: false, file, reason: 'signature' };
  return { ok: true, file, statement: st as AnchorStatement, signature: sig.toString('base64') };
}

/** Anchor files in a folder (names Custodian writes only), oldest sequence number first. */
export function listAnchorFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => ANCHOR_NAME.test(n)).sort().map((n) => path.join(dir, n));
}

/** The newest anchor here that is this installation's and signed by this site's key. */
export function latestAnchor(ctx: Ctx): (AnchorRead & { ok: true }) | null {
  const key = sitePublicKey(ctx.dataDir);
  const installation = installationOf(ctx.db).uuid;
  const files = listAnchorFiles(anchorsDir(ctx.dataDir));
  for (let i = files.length - 1; i >= 0; i--) {
    const a = readAnchor(files[i] as string, key);
    if (a.ok && a.statement.installation === installation) return a;
  }
  return null;
}

/** 20261125T143000Z: a UTC time for file names that sort in time order. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** What stops Custodian from signing: the last anchor no longer matches, or the chain after it is broken. */
function problemBeforeSigning(ctx: Ctx, last: (AnchorRead & { ok: true }) | null): string | undefined {
  if (last) {
    const st = last.statement;
    const entry = ledgerEntry(ctx.db, st.seq);
    const file = path.basename(last.file);
    if (!entry) return problem('tailCut', { seq: st.seq }, { file, at: st.at, seq: st.seq, head: ledgerHead(ctx.db)?.seq ?? 0 }).text;
    if (entry.hash !== st.hash) return problem('rewritten', { seq: 1 }, { file, at: st.at, seq: st.seq, after: 0 }).text;
  }
  const check = checkLedger(ctx.db, last ? { fromSeq: last.statement.seq + 1, prevHash: last.statement.hash, entriesOnly: true } : { entriesOnly: true });
  return check.problems[0]?.text;
}

/**
 * Signs the chain's head and writes the anchor. Before signing, the part of the chain after the
 * last anchor is checked (entries linked, their rows unchanged) and the last anchor must still
 * match: Custodian never signs a chain it can see was altered (it raises an alarm instead).
 */
export function anchorChain(ctx: Ctx, why: string): Anchor {
  const keys = siteSigner(ctx);
  const installation = installationOf(ctx.db).uuid;
  const broken = problemBeforeSigning(ctx, latestAnchor(ctx));
  if (broken !== undefined) {
    const msg = { key: 'records:alarm.broken', params: { problem: broken } };
    raiseAlarm(ctx, { kind: 'records-broken', key: 'records-broken', message: english(msg), details: { msg } });
    throw failure('conflict', 'records:refuseToSign', { problem: broken });
  }
  const head = ledgerHead(ctx.db);
  if (!head) throw failure('conflict', 'records:nothingToAnchor');
  const atMs = ctx.now();
  const statement: AnchorStatement = { format: ANCHOR_FORMAT, installation, seq: head.seq, hash: head.hash, atMs, at: new Date(atMs).toISOString(), why, keyFingerprint: keys.fingerprint };
  const bytes = Buffer.from(`${JSON.stringify(statement, null, 2)}\n`, 'utf8');
  const sig = signBytes(ctx, bytes).signature;
  const dir = anchorsDir(ctx.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = path.join(dir, `anchor-${String(head.seq).padStart(10, '0')}-${compactUtc(atMs)}-${process.pid.toString(36)}`);
  // The signature first: an anchor is listed by its .json, which must never lack its .sig.
  writeFileAtomic(`${base}.sig`, sig, 0o644);
  writeFileAtomic(`${base}.json`, bytes, 0o644);
  audit(ctx, 'records.anchored', { seq: head.seq, hash: head.hash, file: path.basename(`${base}.json`), why, keyFingerprint: keys.fingerprint });
  return { seq: head.seq, hash: head.hash, at: statement.at, why, signature: sig.toString('base64'), keyFingerprint: keys.fingerprint, file: `${base}.json` };
}
