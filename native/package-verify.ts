/**
 * Verifies an evidence package written by package-writer.ts, as a folder or as its zip (read in
 * place with yauzl: entries are stream-hashed, nothing is unpacked to disk).
 *
 * What is checked, and why each check exists:
 * - SHA256SUMS against the files (changed / missing / added): what `sha256sum -c` checks, plus
 *   files nobody listed, which `sha256sum -c` silently ignores.
 * - manifest.sig over manifest.json with site-public.pem (bad-signature). SHA256SUMS is not signed,
 *   so the signed manifest's clip hashes are also compared with the clips themselves: swapping a
 *   clip and rewriting SHA256SUMS is still caught.
 * - With expectedPublicKeyPem: that the package's key is that key (wrong-key), because a
 *   signature only means something if the key is the site's own.
 * A package that cannot be read (truncated or corrupt zip, a manifest that is not JSON, …) is
 * reported as an 'unreadable' problem; it never throws for what is inside the package.
 */
import { createHash } from 'node:crypto';
import { type Dirent } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { invalid, notFound } from '../common/errors.js';
import { PackageManifestSchema, clipPackagePath, type PackageManifest } from '../common/manifest.js';
import { sha256File } from './hash.js';
import { publicKeyFingerprint, verifyDetached } from './keys.js';
import { MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, SUMS_FILE } from './package-writer.js';

export type ProblemKind = 'changed' | 'missing' | 'added' | 'bad-signature' | 'unreadable' | 'wrong-key';

export interface PackageProblem {
  /** Path inside the package (forward slashes), or the zip's file name when the zip itself is unreadable. */
  file: string;
  kind: ProblemKind;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  manifest?: PackageManifest;
  problems: PackageProblem[];
}

/** Files whose bytes the checks need; kept in memory (they are small). */
const KEPT = new Set([MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE, SUMS_FILE]);
const KEPT_MAX_BYTES = 16 << 20;

interface Collected {
  files: Map<string, { sha256: string; size: number }>;
  kept: Map<string, Buffer>;
  problems: PackageProblem[];
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function collectDir(root: string): Promise<Collected> {
  const c: Collected = { files: new Map(), kept: new Map(), problems: [] };
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(rel === '' ? root : join(root, ...rel.split('/')), { withFileTypes: true });
    } catch (e) {
      c.problems.push({ file: rel === '' ? '.' : rel, kind: 'unreadable', detail: `cannot list the folder: ${msg(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const path = rel === '' ? d.name : `${rel}/${d.name}`;
      const abs = join(root, ...path.split('/'));
      if (d.isDirectory()) {
        await walk(path);
      } else if (d.isFile()) {
        try {
          if (KEPT.has(path) && (await stat(abs)).size <= KEPT_MAX_BYTES) {
            const bytes = await readFile(abs);
            c.kept.set(path, bytes);
            c.files.set(path, { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
          } else {
            const sha256 = await sha256File(abs);
            c.files.set(path, { sha256, size: (await stat(abs)).size });
          }
        } catch (e) {
          c.problems.push({ file: path, kind: 'unreadable', detail: `cannot be read: ${msg(e)}` });
        }
      } else {
        c.problems.push({
          file: path,
          kind: 'unreadable',
          detail: d.isSymbolicLink() ? 'is a symbolic link; a package holds only regular files' : 'is not a regular file',
        });
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

function hashEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, keep: boolean): Promise<{ sha256: string; size: number; bytes?: Buffer }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) {
        reject(err);
        return;
      }
      const h = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        h.update(chunk);
        size += chunk.length;
        if (keep) chunks.push(chunk);
      });
      stream.once('error', reject);
      stream.once('end', () => resolve({ sha256: h.digest('hex'), size, ...(keep ? { bytes: Buffer.concat(chunks) } : {}) }));
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

async function collectZip(file: string): Promise<Collected> {
  const c: Collected = { files: new Map(), kept: new Map(), problems: [] };
  const zipName = basename(file);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    c.problems.push({ file: zipName, kind: 'unreadable', detail: `the zip cannot be opened (truncated or not a zip file?): ${msg(e)}` });
    return c;
  }
  // Errors after opening arrive as events too; one listener keeps them from crashing the process.
  zip.on('error', () => undefined);
  try {
    let entries: yauzl.Entry[];
    try {
      entries = await listEntries(zip);
    } catch (e) {
      c.problems.push({ file: zipName, kind: 'unreadable', detail: `the zip's table of contents is damaged: ${msg(e)}` });
      return c;
    }
    const fileEntries = entries.filter((e) => !e.fileName.endsWith('/'));
    const top = commonTop(fileEntries.map((e) => e.fileName));
    for (const entry of fileEntries) {
      const path = entry.fileName.slice(top.length);
      if (c.files.has(path)) {
        c.problems.push({ file: path, kind: 'unreadable', detail: 'appears twice in the zip' });
        continue;
      }
      const keep = KEPT.has(path) && entry.uncompressedSize <= KEPT_MAX_BYTES;
      try {
        const r = await hashEntry(zip, entry, keep);
        c.files.set(path, { sha256: r.sha256, size: r.size });
        if (r.bytes !== undefined) c.kept.set(path, r.bytes);
      } catch (e) {
        c.problems.push({ file: path, kind: 'unreadable', detail: `cannot be read from the zip (damaged?): ${msg(e)}` });
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

function parseSums(bytes: Buffer, problems: PackageProblem[]): Map<string, SumsLine> {
  const out = new Map<string, SumsLine>();
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) {
      problems.push({ file: SUMS_FILE, kind: 'unreadable', detail: `line ${i + 1} is not "<sha256>  <file>": ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    const path = m[2].replace(/^\.\//, '');
    if (out.has(path)) {
      problems.push({ file: SUMS_FILE, kind: 'unreadable', detail: `line ${i + 1} lists ${path} a second time` });
      return;
    }
    out.set(path, { sha256: m[1].toLowerCase(), line: i + 1 });
  });
  return out;
}

function check(c: Collected, opts: { expectedPublicKeyPem?: string }): VerifyResult {
  const problems = [...c.problems];
  const has = (file: string, kind: ProblemKind): boolean => problems.some((p) => p.file === file && p.kind === kind);
  const add = (p: PackageProblem): void => {
    if (!has(p.file, p.kind)) problems.push(p);
  };
  const unreadableFiles = new Set(c.problems.filter((p) => p.kind === 'unreadable').map((p) => p.file));

  // 1. SHA256SUMS against the files.
  const sumsBytes = c.kept.get(SUMS_FILE);
  let sums = new Map<string, SumsLine>();
  if (sumsBytes === undefined) {
    if (!unreadableFiles.has(SUMS_FILE)) add({ file: SUMS_FILE, kind: 'missing', detail: 'the checksum list is not in the package' });
  } else {
    sums = parseSums(sumsBytes, problems);
    for (const [path, s] of sums) {
      const f = c.files.get(path);
      if (f === undefined) {
        if (!unreadableFiles.has(path)) add({ file: path, kind: 'missing', detail: `listed in ${SUMS_FILE} (line ${s.line}) but not in the package` });
      } else if (f.sha256 !== s.sha256) {
        add({ file: path, kind: 'changed', detail: `its SHA-256 is ${f.sha256}, ${SUMS_FILE} says ${s.sha256}` });
      }
    }
    for (const path of c.files.keys()) {
      if (path !== SUMS_FILE && !sums.has(path)) add({ file: path, kind: 'added', detail: `in the package but not listed in ${SUMS_FILE}` });
    }
  }
  for (const required of [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE]) {
    if (!c.kept.has(required) && !has(required, 'missing') && !unreadableFiles.has(required)) {
      add({ file: required, kind: c.files.has(required) ? 'unreadable' : 'missing', detail: c.files.has(required) ? 'is too large to be what the writer wrote' : 'a package must contain it' });
    }
  }

  // 2. The manifest.
  let manifest: PackageManifest | undefined;
  const manifestBytes = c.kept.get(MANIFEST_FILE);
  if (manifestBytes !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(manifestBytes.toString('utf8'));
      const parsed = PackageManifestSchema.safeParse(json);
      if (parsed.success) manifest = parsed.data;
      else add({ file: MANIFEST_FILE, kind: 'unreadable', detail: `is not a valid package manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    } catch (e) {
      add({ file: MANIFEST_FILE, kind: 'unreadable', detail: `is not JSON: ${msg(e)}` });
    }
  }

  // 3. The signature, and whose key made it.
  const sig = c.kept.get(SIGNATURE_FILE);
  const pem = c.kept.get(PUBLIC_KEY_FILE);
  let packageFingerprint: string | undefined;
  if (pem !== undefined) {
    try {
      packageFingerprint = publicKeyFingerprint(pem.toString('utf8'));
    } catch (e) {
      add({ file: PUBLIC_KEY_FILE, kind: 'unreadable', detail: `is not a public key: ${msg(e)}` });
    }
  }
  if (manifestBytes !== undefined && sig !== undefined && pem !== undefined && packageFingerprint !== undefined) {
    if (!verifyDetached(pem, manifestBytes, sig)) {
      add({
        file: MANIFEST_FILE,
        kind: 'bad-signature',
        detail: `${SIGNATURE_FILE} is not a valid signature of ${MANIFEST_FILE} by the key in ${PUBLIC_KEY_FILE}: the manifest was changed after it was signed, or the signature or key was replaced`,
      });
    }
  }
  if (opts.expectedPublicKeyPem !== undefined && packageFingerprint !== undefined) {
    let expected: string;
    try {
      expected = publicKeyFingerprint(opts.expectedPublicKeyPem);
    } catch (e) {
      throw invalid(`The expected public key is not a readable public key: ${msg(e)}`);
    }
    if (expected !== packageFingerprint) {
      add({
        file: PUBLIC_KEY_FILE,
        kind: 'wrong-key',
        detail: `the package was signed with key ${packageFingerprint}, not with this site's key ${expected}`,
      });
    }
  }

  // 4. The signed manifest's clips against SHA256SUMS and against the clips themselves.
  if (manifest !== undefined) {
    const declared = new Set<string>();
    for (const f of manifest.files) {
      const path = clipPackagePath(f.name);
      declared.add(path);
      const actual = c.files.get(path);
      const listed = sums.get(path);
      if (actual === undefined) {
        if (!unreadableFiles.has(path)) add({ file: path, kind: 'missing', detail: 'named in the signed manifest but not in the package' });
      } else if (actual.sha256 !== f.sha256) {
        add({ file: path, kind: 'changed', detail: `its SHA-256 is ${actual.sha256}, the signed manifest says ${f.sha256}` });
      } else if (actual.size !== f.size) {
        add({ file: path, kind: 'changed', detail: `it is ${actual.size} bytes, the signed manifest says ${f.size}` });
      }
      if (sumsBytes !== undefined && listed === undefined) {
        add({ file: path, kind: 'missing', detail: `named in the signed manifest but not listed in ${SUMS_FILE}` });
      } else if (listed !== undefined && listed.sha256 !== f.sha256) {
        add({ file: path, kind: 'changed', detail: `${SUMS_FILE} says ${listed.sha256}, the signed manifest says ${f.sha256}` });
      }
    }
    for (const path of new Set([...c.files.keys(), ...sums.keys()])) {
      if (path.startsWith('clips/') && !declared.has(path)) add({ file: path, kind: 'added', detail: 'a clip that the signed manifest does not name' });
    }
  }

  return { ok: problems.length === 0, ...(manifest !== undefined ? { manifest } : {}), problems };
}

/**
 * Verifies a package folder or zip. Throws only for a path that does not exist (not_found) or an
 * expectedPublicKeyPem that is not a key (invalid_request); everything about the package itself
 * comes back as problems.
 */
export async function verifyPackage(pathToDirOrZip: string, opts: { expectedPublicKeyPem?: string } = {}): Promise<VerifyResult> {
  let st;
  try {
    st = await stat(pathToDirOrZip);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`${pathToDirOrZip} does not exist.`);
    throw e;
  }
  let collected: Collected;
  if (st.isDirectory()) collected = await collectDir(pathToDirOrZip);
  else if (st.isFile()) collected = await collectZip(pathToDirOrZip);
  else throw invalid(`${pathToDirOrZip} is neither a folder nor a zip file.`);
  // An unreadable zip has nothing further to check.
  if (collected.files.size === 0 && collected.problems.length > 0) return { ok: false, problems: collected.problems };
  return check(collected, opts);
}
