/**
 * Verifies an evidence package written by package-writer.ts, as a folder, as its zip (read in
 * place with yauzl: entries are stream-hashed, nothing is unpacked to disk), or as files handed
 * over one by one (an upload: `PackageCollector`).
 *
 * What is checked, and why each check exists:
 * - manifest.sig over manifest.json with site-public.pem (bad-signature), and the key's
 *   fingerprint against the one the signed manifest names.
 * - Every file against the signed manifest's `contents` (size and SHA-256): a file that is not
 *   listed is refused (added), a listed file that is absent is missing, one with other bytes is
 *   changed. Only manifest.json, manifest.sig and SHA256SUMS stand outside the list. So a viewer
 *   pointed at another video, rewritten instructions, an extra file or a deleted index.html are
 *   all caught, whatever SHA256SUMS was rebuilt to say.
 * - SHA256SUMS (what `sha256sum -c` reads) must agree with the manifest, line for line.
 * - A symbolic link, a device, a FIFO or a socket, in a folder or as a zip entry, is refused: a
 *   package holds only regular files.
 * - Whose key signed it: the package's key fingerprint is always reported. Only when it is
 *   checked against a key the caller trusts (this site's, or a fingerprint from the receipt)
 *   can the package be called valid; a mismatch is a problem (wrong-key). Without one the
 *   verdict is at most "intact": anyone can sign a package with a key of their own.
 * A package that cannot be read (truncated or corrupt zip, a manifest that is not JSON, …) is
 * reported as problems; it never throws for what is inside the package. Each problem carries
 * its sentence as a catalogue key (namespace "evidence") and its English rendering.
 */
import { createHash } from 'node:crypto';
import { type Dirent } from 'node:fs';
import { lstat, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { failure } from '../common/errors.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import {
  MANIFEST_FILE,
  PACKAGE_FORMAT,
  PUBLIC_KEY_FILE,
  PackageManifestSchema,
  SIGNATURE_FILE,
  SUMS_FILE,
  UNLISTED_FILES,
  type PackageManifest,
} from '../common/manifest.js';
import { sha256File } from './hash.js';
import { publicKeyFingerprint, verifyDetached } from './keys.js';

export type ProblemKind = 'changed' | 'missing' | 'added' | 'bad-signature' | 'unreadable' | 'wrong-key' | 'not-a-file';

export interface PackageProblem {
  /** Path inside the package (forward slashes), or the zip's file name when the zip itself is unreadable. */
  file: string;
  kind: ProblemKind;
  /** The sentence in English (for logs and the command line). */
  detail: string;
  /** The sentence as a catalogue key and parameters, for faces that render it in the reader's language. */
  msg: Msg;
}

/** A key the caller trusts: this site's own, or a fingerprint the recipient was given (the receipt). */
export interface KeyReference {
  fingerprint: string;
  source: 'site' | 'expected';
}

/**
 * - valid: every file as signed, and the signer is a key the caller trusts.
 * - intact: every file as signed, but no trusted key was given: who signed it is only a fingerprint.
 * - invalid: something is wrong (listed in `problems`).
 */
export type Verdict = 'valid' | 'intact' | 'invalid';

export interface VerifyResult {
  /** True only for the verdict "valid". */
  ok: boolean;
  verdict: Verdict;
  /** SHA-256 of the DER SubjectPublicKeyInfo of the package's site-public.pem (null if it has none). */
  fingerprint: string | null;
  checkedAgainst: KeyReference[];
  manifest?: PackageManifest;
  /** SHA-256 of manifest.json as found (null when the package has none). */
  manifestSha256: string | null;
  problems: PackageProblem[];
  /** The verdict as one sentence (catalogue key and parameters). */
  summary: Msg;
}

/** Files whose bytes the checks need; kept in memory (they are small). */
const KEPT = new Set([MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE, SUMS_FILE]);
export const KEPT_MAX_BYTES = 16 << 20;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function problem(file: string, kind: ProblemKind, key: string, params: Msg['params'] = {}): PackageProblem {
  const msg: Msg = { key: `evidence:${key}`, params };
  return { file, kind, detail: english(msg), msg };
}

function msgOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * What was found in a package, whatever it came from: each regular file's size and SHA-256, the
 * bytes of the few small files the checks read, the folders, and what could not be read.
 */
export class PackageCollector {
  readonly files = new Map<string, { sha256: string; size: number }>();
  readonly kept = new Map<string, Buffer>();
  readonly dirs = new Set<string>();
  readonly problems: PackageProblem[] = [];

  addProblem(p: PackageProblem): void {
    this.problems.push(p);
  }

  addDir(path: string): void {
    if (path !== '') this.dirs.add(path);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** Records a file from its bytes as a stream (hashed as it goes; small kept files held in memory). */
  async addStream(path: string, stream: Readable, maxKept = KEPT_MAX_BYTES): Promise<void> {
    // Also under one leading folder (a dropped folder's own name, stripped later by withoutTopFolder).
    const keep = KEPT.has(path) || KEPT.has(path.slice(path.indexOf('/') + 1));
    const h = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      h.update(b);
      size += b.length;
      if (keep && size <= maxKept) chunks.push(b);
    }
    this.files.set(path, { sha256: h.digest('hex'), size });
    if (keep && size <= maxKept) this.kept.set(path, Buffer.concat(chunks));
  }

  addHashed(path: string, sha256: string, size: number, bytes?: Buffer): void {
    this.files.set(path, { sha256, size });
    if (bytes !== undefined) this.kept.set(path, bytes);
  }

  /**
   * The same files without a folder that leads every path (a dropped folder's own name, as a
   * browser reports it), or this collector unchanged when there is no such folder.
   */
  withoutTopFolder(): PackageCollector {
    const paths = [...this.files.keys(), ...this.problems.map((p) => p.file)];
    const top = commonTop(paths);
    if (top === '' || paths.some((p) => !p.startsWith(top))) return this;
    const strip = (p: string): string => p.slice(top.length);
    const out = new PackageCollector();
    for (const [p, f] of this.files) out.addHashed(strip(p), f.sha256, f.size, this.kept.get(p));
    for (const d of this.dirs) if (d.length > top.length) out.addDir(strip(d));
    for (const p of this.problems) out.addProblem({ ...p, file: strip(p.file) });
    return out;
  }
}

async function collectDir(root: string): Promise<PackageCollector> {
  const c = new PackageCollector();
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(rel === '' ? root : join(root, ...rel.split('/')), { withFileTypes: true });
    } catch (e) {
      c.addProblem(problem(rel === '' ? '.' : rel, 'unreadable', 'problemCannotList', { error: msgOf(e) }));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const path = rel === '' ? d.name : `${rel}/${d.name}`;
      const abs = join(root, ...path.split('/'));
      if (d.isDirectory()) {
        c.addDir(path);
        await walk(path);
      } else if (d.isFile()) {
        try {
          // lstat again: the listing and the read must be of the same regular file.
          const st = await lstat(abs);
          if (!st.isFile()) {
            c.addProblem(problem(path, 'not-a-file', st.isSymbolicLink() ? 'problemLink' : 'problemSpecial'));
            continue;
          }
          if (KEPT.has(path) && st.size <= KEPT_MAX_BYTES) {
            const bytes = await readFile(abs);
            c.addHashed(path, createHash('sha256').update(bytes).digest('hex'), bytes.length, bytes);
          } else {
            c.addHashed(path, await sha256File(abs), st.size);
          }
        } catch (e) {
          c.addProblem(problem(path, 'unreadable', 'problemCannotRead', { error: msgOf(e) }));
        }
      } else {
        c.addProblem(problem(path, 'not-a-file', d.isSymbolicLink() ? 'problemLink' : 'problemSpecial'));
      }
    }
  };
  await walk('');
  return c;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err) reject(err);
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(out));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) reject(err);
      else resolve(stream);
    });
  });
}

/**
 * The zip holds the package either at its root or inside one top folder (the writer puts it in
 * `<package name>/`); the top folder is stripped so paths are the same as for the folder.
 */
function commonTop(names: string[]): string {
  const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')));
  const [only] = tops;
  return tops.size === 1 && only !== undefined ? only : '';
}

/** The entry's Unix file type, when the zip records one (0 when it does not, as DOS zips do). */
function unixType(entry: yauzl.Entry): number {
  return ((entry.externalFileAttributes >>> 16) & 0xffff) & S_IFMT;
}

async function collectZip(file: string): Promise<PackageCollector> {
  const c = new PackageCollector();
  const zipName = basename(file);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    c.addProblem(problem(zipName, 'unreadable', 'problemZipOpen', { error: msgOf(e) }));
    return c;
  }
  // Errors after opening arrive as events too; one listener keeps them from crashing the process.
  zip.on('error', () => undefined);
  try {
    let entries: yauzl.Entry[];
    try {
      entries = await listEntries(zip);
    } catch (e) {
      c.addProblem(problem(zipName, 'unreadable', 'problemZipToc', { error: msgOf(e) }));
      return c;
    }
    const top = commonTop(entries.map((e) => e.fileName));
    for (const entry of entries) {
      const name = entry.fileName.slice(top.length);
      const type = unixType(entry);
      const isDirEntry = entry.fileName.endsWith('/');
      if (isDirEntry && (type === 0 || type === S_IFDIR)) {
        c.addDir(name.replace(/\/$/, ''));
        continue;
      }
      const path = name.replace(/\/$/, '');
      if (type === S_IFLNK) {
        c.addProblem(problem(path, 'not-a-file', 'problemLink'));
        continue;
      }
      if (isDirEntry || (type !== 0 && type !== S_IFREG)) {
        c.addProblem(problem(path, 'not-a-file', 'problemSpecial'));
        continue;
      }
      if (c.has(path)) {
        c.addProblem(problem(path, 'unreadable', 'problemZipTwice'));
        continue;
      }
      try {
        await c.addStream(path, await entryStream(zip, entry));
      } catch (e) {
        c.addProblem(problem(path, 'unreadable', 'problemZipEntry', { error: msgOf(e) }));
      }
    }
  } finally {
    zip.close();
  }
  return c;
}

interface SumsLine {
  sha256: string;
  line: number;
}

function parseSums(bytes: Buffer, add: (p: PackageProblem) => void): Map<string, SumsLine> {
  const out = new Map<string, SumsLine>();
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) {
      add(problem(SUMS_FILE, 'unreadable', 'problemSumsLine', { line: i + 1, text: JSON.stringify(line.slice(0, 120)) }));
      return;
    }
    const path = m[2].replace(/^\.\//, '');
    if (out.has(path)) {
      add(problem(SUMS_FILE, 'unreadable', 'problemSumsTwice', { line: i + 1, file: path }));
      return;
    }
    out.set(path, { sha256: m[1].toLowerCase(), line: i + 1 });
  });
  return out;
}

function parseManifestBytes(bytes: Buffer, add: (p: PackageProblem) => void): PackageManifest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    add(problem(MANIFEST_FILE, 'unreadable', 'problemManifestNotJson', { error: msgOf(e) }));
    return undefined;
  }
  const format = typeof json === 'object' && json !== null && 'format' in json ? (json as { format: unknown }).format : undefined;
  if (typeof format === 'string' && format !== PACKAGE_FORMAT && format.startsWith('custodian-package/')) {
    add(problem(MANIFEST_FILE, 'unreadable', 'problemManifestOldFormat', { format }));
    return undefined;
  }
  const parsed = PackageManifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  add(problem(MANIFEST_FILE, 'unreadable', 'problemManifestInvalid', { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }));
  return undefined;
}

/** Every folder a listed path lives in ("clips" for "clips/a.mp4"). */
function parentsOf(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('/'));
  }
  return out;
}

/** Checks what was collected; `references` are the keys the caller trusts (may be none). */
export function checkCollected(c: PackageCollector, references: readonly KeyReference[] = []): VerifyResult {
  const problems: PackageProblem[] = [];
  const add = (p: PackageProblem): void => {
    if (!problems.some((q) => q.file === p.file && q.kind === p.kind && q.detail === p.detail)) problems.push(p);
  };
  for (const p of c.problems) add(p);
  const unreadable = new Set(c.problems.map((p) => p.file));
  const present = (path: string): boolean => c.files.has(path) || unreadable.has(path);

  for (const required of UNLISTED_FILES) {
    if (!c.kept.has(required) && !unreadable.has(required)) {
      add(c.files.has(required) ? problem(required, 'unreadable', 'problemTooLarge') : problem(required, 'missing', 'problemRequired'));
    }
  }
  const sumsBytes = c.kept.get(SUMS_FILE);
  const sums = sumsBytes === undefined ? new Map<string, SumsLine>() : parseSums(sumsBytes, add);
  const manifestBytes = c.kept.get(MANIFEST_FILE);
  const manifest = manifestBytes === undefined ? undefined : parseManifestBytes(manifestBytes, add);

  // 1. Whose key, and does it sign the manifest.
  const pem = c.kept.get(PUBLIC_KEY_FILE);
  let fingerprint: string | null = null;
  if (pem === undefined) {
    if (!present(PUBLIC_KEY_FILE)) add(problem(PUBLIC_KEY_FILE, 'missing', manifest ? 'problemMissingManifest' : 'problemRequired'));
    else if (!unreadable.has(PUBLIC_KEY_FILE)) add(problem(PUBLIC_KEY_FILE, 'unreadable', 'problemTooLarge'));
  } else {
    try {
      fingerprint = publicKeyFingerprint(pem.toString('utf8'));
    } catch (e) {
      add(problem(PUBLIC_KEY_FILE, 'unreadable', 'problemPemInvalid', { error: msgOf(e) }));
    }
  }
  const sig = c.kept.get(SIGNATURE_FILE);
  if (manifestBytes !== undefined && sig !== undefined && pem !== undefined && fingerprint !== null && !verifyDetached(pem, manifestBytes, sig)) {
    add(problem(MANIFEST_FILE, 'bad-signature', 'problemBadSignature'));
  }
  if (manifest !== undefined && fingerprint !== null && manifest.signingKey.fingerprint !== fingerprint) {
    add(problem(PUBLIC_KEY_FILE, 'changed', 'problemKeyNotManifest', { actual: fingerprint, expected: manifest.signingKey.fingerprint }));
  }

  // 2. Every file against the signed list (or, when there is no readable manifest, against SHA256SUMS).
  if (manifest !== undefined) {
    const listed = new Map(manifest.contents.map((e) => [e.path, e]));
    for (const e of manifest.contents) {
      const f = c.files.get(e.path);
      if (f === undefined) {
        if (!unreadable.has(e.path)) add(problem(e.path, 'missing', 'problemMissingManifest'));
      } else if (f.sha256 !== e.sha256) {
        add(problem(e.path, 'changed', 'problemChangedManifest', { actual: f.sha256, expected: e.sha256 }));
      } else if (f.size !== e.size) {
        add(problem(e.path, 'changed', 'problemSizeManifest', { actual: f.size, expected: e.size }));
      }
      // SHA256SUMS must say the same (a recipient's `sha256sum -c` reads only it).
      if (sumsBytes !== undefined) {
        const s = sums.get(e.path);
        if (s === undefined) add(problem(SUMS_FILE, 'changed', 'problemNotInSums', { file: e.path }));
        else if (s.sha256 !== e.sha256) add(problem(SUMS_FILE, 'changed', 'problemSumsDisagree', { file: e.path, sums: s.sha256, manifest: e.sha256 }));
      }
    }
    for (const path of c.files.keys()) {
      if (!listed.has(path) && !UNLISTED_FILES.includes(path)) add(problem(path, 'added', 'problemAdded'));
    }
    for (const path of sums.keys()) {
      if (!listed.has(path) && path !== MANIFEST_FILE && path !== SIGNATURE_FILE) add(problem(SUMS_FILE, 'changed', 'problemSumsExtra', { file: path }));
    }
    const folders = parentsOf(listed.keys());
    for (const d of c.dirs) if (!folders.has(d)) add(problem(d, 'added', 'problemFolderAdded'));
  } else {
    for (const [path, s] of sums) {
      const f = c.files.get(path);
      if (f === undefined) {
        if (!unreadable.has(path)) add(problem(path, 'missing', 'problemMissingSums', { line: s.line }));
      } else if (f.sha256 !== s.sha256) add(problem(path, 'changed', 'problemChangedSums', { actual: f.sha256, expected: s.sha256 }));
    }
  }
  // manifest.json and manifest.sig cannot be in the signed list; SHA256SUMS names them.
  for (const path of [MANIFEST_FILE, SIGNATURE_FILE]) {
    const f = c.files.get(path);
    const s = sums.get(path);
    if (sumsBytes !== undefined && f !== undefined && s === undefined) add(problem(SUMS_FILE, 'changed', 'problemNotInSums', { file: path }));
    if (f !== undefined && s !== undefined && f.sha256 !== s.sha256) add(problem(path, 'changed', 'problemChangedSums', { actual: f.sha256, expected: s.sha256 }));
  }

  // 3. Against the keys the caller trusts.
  if (fingerprint !== null) {
    for (const ref of references) {
      if (ref.fingerprint !== fingerprint) {
        add(problem(PUBLIC_KEY_FILE, 'wrong-key', ref.source === 'site' ? 'problemWrongKeySite' : 'problemWrongKeyExpected', { actual: fingerprint, expected: ref.fingerprint }));
      }
    }
  }

  const verdict: Verdict = problems.length > 0 || fingerprint === null ? 'invalid' : references.length === 0 ? 'intact' : 'valid';
  const summary: Msg =
    verdict === 'valid'
      ? { key: references.some((r) => r.source === 'site') ? 'evidence:verdictValidSite' : 'evidence:verdictValidExpected', params: { fingerprint, clips: manifest?.files.length ?? 0 } }
      : verdict === 'intact'
        ? { key: 'evidence:verdictIntact', params: { fingerprint } }
        : { key: 'evidence:verdictInvalid', params: { count: Math.max(1, problems.length) } };
  return {
    ok: verdict === 'valid',
    verdict,
    fingerprint,
    checkedAgainst: [...references],
    ...(manifest !== undefined ? { manifest } : {}),
    manifestSha256: c.files.get(MANIFEST_FILE)?.sha256 ?? null,
    problems,
    summary,
  };
}

/**
 * Verifies a package folder or zip. Throws only for a path that does not exist (not_found) or a
 * path that is neither a folder nor a file (invalid_request); everything about the package
 * itself comes back as problems.
 */
export async function verifyPackage(pathToDirOrZip: string, references: readonly KeyReference[] = []): Promise<VerifyResult> {
  let st;
  try {
    st = await stat(pathToDirOrZip);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw failure('not_found', 'media:verifyMissing', { path: pathToDirOrZip });
    throw e;
  }
  let collected: PackageCollector;
  if (st.isDirectory()) collected = await collectDir(pathToDirOrZip);
  else if (st.isFile()) collected = await collectZip(pathToDirOrZip);
  else throw failure('invalid_request', 'media:verifyNeither', { path: pathToDirOrZip });
  return checkCollected(collected, references);
}
