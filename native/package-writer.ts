/**
 * Writes an evidence package (DESIGN.md "Evidence packages"):
 *
 *   <outDir>/
 *     clips/<name>.mp4   the clips, copied, then hashed as written
 *     manifest.json      pretty UTF-8, keys in schema order (common/manifest.ts serializeManifest);
 *                        lists every file below but manifest.sig and SHA256SUMS (`contents`)
 *     manifest.sig       raw 64-byte Ed25519 signature over the exact manifest.json bytes
 *     site-public.pem    the site's public key (its fingerprint is in the manifest)
 *     VERIFY.txt         how to check it with sha256sum and openssl (Swedish and English)
 *     index.html         the viewer page (package-html.ts)
 *     SHA256SUMS         `sha256sum` format over every file above (not itself)
 *   <outDir>.zip         optional: the same folder, zipped (clips stored, text deflated)
 *
 * The viewer and the instructions are rendered from the manifest's body first, hashed, and then
 * listed in the manifest that is signed: the signature covers every byte a recipient opens.
 * Files are written 0600 in 0700 folders (the footage is personal data). Everything is written
 * into a hidden temporary folder beside outDir, fsynced, and renamed to outDir at the end, so a
 * crash never leaves a half package under the final name (a leftover `.<name>.partial-*` folder
 * is all that can remain). The zip is built the same way, hashed as it is written. The result
 * names every file written with its size and SHA-256, so the caller can record the copy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { removeEmptyFolder, removeWorkingFile, removeWorkingFolder } from './own-files.js';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tzOffset } from '@date-fns/tz';
import { ZipArchive, type ZipEntryData } from 'archiver';
import { failure, invalid } from '../common/errors.js';
import { translator } from '../common/i18n/catalog.js';
import {
  CLIPS_DIR,
  CLIP_NAME_RE,
  INDEX_FILE,
  MANIFEST_FILE,
  PUBLIC_KEY_FILE,
  PackageBodySchema,
  PackageManifestSchema,
  SIGNATURE_FILE,
  SUMS_FILE,
  VERIFY_COMMANDS,
  VERIFY_FILE,
  clipPackagePath,
  serializeManifest,
  type ContentEntry,
  type PackageBody,
  type PackageManifest,
  type PackageManifestDraft,
} from '../common/manifest.js';
import { grabKeyframeJpeg } from './frame.js';
import { sha256File, sha256Text } from './hash.js';
import type { MediaTools } from './media-tools.js';
import { ensureSiteKeys, signDetached } from './keys.js';
import { renderPackageHtml } from './package-html.js';

export { INDEX_FILE, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, SUMS_FILE, VERIFY_COMMANDS, VERIFY_FILE };

/** Package files are personal data: readable by Custodian's user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface PackageProgress {
  /** copy, hash and zip count bytes; sign counts steps (0 of 1, then 1 of 1). */
  phase: 'copy' | 'hash' | 'sign' | 'zip';
  done: number;
  total: number;
  file?: string;
}

export interface WritePackageOptions {
  outDir: string;
  /**
   * Each clip's sha256 and size may be left out: they are filled from what was written. If given,
   * they must match it. The key, and the list of every file, are filled by the writer.
   */
  manifest: PackageManifestDraft;
  clips: { sourcePath: string; name: string }[];
  /** The data folder holding keys/ (native/keys.ts). */
  dataDir: string;
  zip?: boolean;
  onProgress?: (e: PackageProgress) => void;
  /**
   * Documents that travel with the clips (a data subject's package carries its letter): written
   * at the top of the package under `path`, listed in the signed manifest like the viewer.
   */
  documents?: readonly { path: string; bytes: Buffer }[];
  /** ffmpeg for the viewer's poster frames (each clip's first keyframe); without it, no posters. */
  tools?: MediaTools;
}

/** How wide the viewer's poster of a clip is (pixels): enough for the page's player, a few tens of kB. */
export const POSTER_WIDTH = 640;

/** One file written, relative to the package folder (forward slashes), as it was written. */
export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
}

export interface WrittenPackage {
  dir: string;
  zipPath?: string;
  manifestSha256: string;
  packageId: string;
  /** The signing key's fingerprint (also in the manifest). */
  fingerprint: string;
  manifest: PackageManifest;
  /** Every file of the folder, manifest.json, manifest.sig and SHA256SUMS included. */
  files: WrittenFile[];
  /** The zip, if one was made: `path` is its file name beside the folder. */
  zip?: WrittenFile;
  /**
   * The folder's device and inode once published, so a later deletion can tell it is the same
   * folder; exact (bigint: NTFS inode numbers pass 2^53).
   */
  dirIdentity: { dev: bigint; ino: bigint };
}

/** One `sha256sum` text-mode line per file, sorted by path: "<hex>  <path>\n". */
export function formatSha256Sums(entries: { path: string; sha256: string }[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}

/**
 * VERIFY.txt: how to check the package without Custodian, in Swedish and English (the words from
 * the catalogue, namespace "evidence"). Rendered from the manifest's body: VERIFY.txt is itself
 * listed in the signed manifest.
 */
export function renderVerifyText(body: PackageBody): string {
  const sv = translator('sv');
  const en = translator('en');
  const both = (key: string): string => `${sv(`evidence:${key}`)} / ${en(`evidence:${key}`)}`;
  const fingerprint = body.signingKey.fingerprint;
  const clipLines = body.files.map((f) => `    ${f.sha256}  ${clipPackagePath(f.name)}`).join('\n');
  const params = (tr: typeof sv): Record<string, string> => ({
    sums: VERIFY_COMMANDS.sums,
    sumsMac: VERIFY_COMMANDS.sumsMac,
    signature: VERIFY_COMMANDS.signature,
    fingerprintCommand: VERIFY_COMMANDS.fingerprint,
    fingerprintCommandOpenssl: VERIFY_COMMANDS.fingerprintOpenssl,
    fingerprint,
    publicKey: PUBLIC_KEY_FILE,
    clips: body.files.length === 0 ? `    ${tr('evidence:verifyTxtNoClips')}` : clipLines,
    custodian: `custodian verify --expect-fingerprint ${fingerprint} .`,
  });
  const rule = '='.repeat(72);
  const section = (tr: typeof sv): string => `${rule}\n${tr('evidence:verifyTxtSection')}\n${rule}\n\n${tr('evidence:verifyTxtBody', params(tr))}`;
  const label = (key: string, value: string): string => `${`${both(key)}:`.padEnd(38)}${value}`;
  return `${both('viewerPageTitle').toUpperCase()}

${label('viewerPackageId', body.packageId)}
${label('viewerReference', body.incident.reference)}
${label('viewerController', body.site.controller)}
${label('viewerDpo', body.site.dpoContact)}
${both('viewerFingerprint')}:
    ${fingerprint}

${section(sv)}
${section(en)}`;
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some platforms (Windows) refuse to fsync a directory; the files themselves are synced.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(errnoCode(e) ?? '')) throw e;
  } finally {
    await fh.close();
  }
}

async function writeSynced(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data, { flag: 'wx', mode: FILE_MODE });
  await fsyncPath(path);
}

/** Refuses an outDir (or zip) that exists and holds something. */
async function checkTarget(outDir: string, zipPath: string | undefined): Promise<void> {
  try {
    const st = await stat(outDir);
    if (!st.isDirectory()) throw failure('conflict', 'media:packageTargetNotFolder', { folder: outDir });
    const entries = await readdir(outDir);
    if (entries.length > 0) {
      throw failure('conflict', 'media:packageTargetNotEmpty', { folder: outDir, count: entries.length });
    }
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  if (zipPath !== undefined) {
    try {
      await stat(zipPath);
      throw failure('conflict', 'media:packageZipExists', { file: zipPath });
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
  }
}

function validateClips(manifest: Pick<PackageManifestDraft, 'files'>, clips: WritePackageOptions['clips']): void {
  const byName = new Map<string, number>();
  for (const c of clips) {
    if (!CLIP_NAME_RE.test(c.name) || /[. ]$/.test(c.name)) {
      throw failure('invalid_request', 'media:clipName', { name: c.name });
    }
    const key = c.name.toLowerCase();
    if (byName.has(key)) throw failure('invalid_request', 'media:clipNameTwice', { name: c.name });
    byName.set(key, 1);
  }
  const inManifest = new Set(manifest.files.map((f) => f.name));
  const given = new Set(clips.map((c) => c.name));
  const notGiven = [...inManifest].filter((n) => !given.has(n));
  const notListed = [...given].filter((n) => !inManifest.has(n));
  if (notGiven.length > 0 || notListed.length > 0 || inManifest.size !== manifest.files.length) {
    throw failure('invalid_request', 'media:clipsMismatch', { detail: [...notGiven.map((n) => `-${n}`), ...notListed.map((n) => `+${n}`)].join(', ') });
  }
}

const PROGRESS_STEP = 32 << 20;

async function copyClip(source: string, dest: string, onBytes: (n: number) => void): Promise<void> {
  let st;
  try {
    st = await stat(source);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw failure('not_found', 'media:clipSourceGone', { file: source });
    throw e;
  }
  if (!st.isFile()) throw failure('invalid_request', 'media:clipSourceNotFile', { file: source });
  let copied = 0;
  let lastReported = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      copied += chunk.length;
      if (copied - lastReported >= PROGRESS_STEP) {
        lastReported = copied;
        onBytes(copied);
      }
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(source, { highWaterMark: 4 << 20 }), counter, createWriteStream(dest, { flags: 'wx', mode: FILE_MODE }));
  onBytes(copied);
  await fsyncPath(dest);
}

/**
 * A zip of the package's files under one top folder, as a stream (clips stored: MP4 does not
 * compress further; the rest deflated). `open` gives each file's bytes, so a caller can read
 * them through descriptors it opened and checked itself.
 */
/**
 * The time a zip entry carries, for an instant: zip stores a wall time without a zone (DOS time),
 * and archiver writes a Date's UTC fields, so the instant is moved by the site's UTC offset to
 * make the entry read as site time wherever the zip is opened (a UTC server would otherwise
 * stamp 14:30 Stockholm as 13:30).
 */
export function zipEntryDate(ms: number, timeZone: string): Date {
  return new Date(ms + tzOffset(timeZone, new Date(ms)) * 60_000);
}

export function packageZipStream(topName: string, files: readonly { path: string }[], open: (path: string) => Readable, stamp: { ms: number; timeZone: string }): { stream: Readable; done: Promise<void> } {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const date = zipEntryDate(stamp.ms, stamp.timeZone);
  let failure: Error | undefined;
  archive.on('warning', (e) => {
    failure ??= e;
  });
  for (const f of files) {
    const entry: ZipEntryData = { name: `${topName}/${f.path}`, store: f.path.endsWith('.mp4'), mode: FILE_MODE, date };
    archive.append(open(f.path), entry);
  }
  const done = archive.finalize().then(() => {
    if (failure) throw failure;
  });
  // A reader that only consumes the stream learns of a failure from the stream itself.
  done.catch((e: unknown) => archive.destroy(e instanceof Error ? e : new Error(String(e))));
  return { stream: archive, done };
}

async function writeZip(srcDir: string, topName: string, files: { path: string; size: number }[], zipTmp: string, stamp: { ms: number; timeZone: string }, onBytes: (done: number) => void): Promise<{ sha256: string; size: number }> {
  const { stream, done } = packageZipStream(topName, files, (p) => createReadStream(join(srcDir, ...p.split('/'))), stamp);
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(size); // the zip's bytes stand for the files' (clips are stored, not compressed)
      cb(null, chunk);
    },
  });
  await Promise.all([pipeline(stream, counter, createWriteStream(zipTmp, { flags: 'wx', mode: FILE_MODE })), done]);
  await fsyncPath(zipTmp);
  return { sha256: hash.digest('hex'), size };
}

/**
 * Each written clip's poster for the viewer: its first keyframe as a JPEG data: URL (inlined, so
 * index.html stays one file that fetches nothing). A clip ffmpeg cannot make a still of simply
 * has none: a poster is a convenience, never a reason to fail an export.
 */
async function posters(tools: MediaTools, tmpDir: string, clips: readonly { name: string }[], workPrefix: string, suffix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [i, c] of clips.entries()) {
    const work = `${workPrefix}-${i}.partial-${suffix}`;
    try {
      await grabKeyframeJpeg(tools, join(tmpDir, ...clipPackagePath(c.name).split('/')), POSTER_WIDTH, work);
      out.set(c.name, `data:image/jpeg;base64,${(await readFile(work)).toString('base64')}`);
    } catch {
      // no poster for this clip
    } finally {
      await removeWorkingFile(work);
    }
  }
  return out;
}

/**
 * Writes the package. Throws CustodianError 'conflict' if outDir exists and is not empty (or the
 * zip exists), 'invalid_request' if the manifest and clips disagree, 'not_found' for a missing
 * source clip, and 'refused_by_safety_rule' if a clip's given sha256 differs from what was
 * written (the archived file no longer matches its record).
 */
export async function writePackage(opts: WritePackageOptions): Promise<WrittenPackage> {
  const outDir = resolve(opts.outDir);
  const parent = dirname(outDir);
  const name = basename(outDir);
  const zipPath = opts.zip === true ? `${outDir}.zip` : undefined;
  const report = opts.onProgress ?? ((): void => undefined);

  validateClips(opts.manifest, opts.clips);
  for (const d of opts.documents ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(d.path) || [MANIFEST_FILE, SIGNATURE_FILE, SUMS_FILE, VERIFY_FILE, INDEX_FILE, PUBLIC_KEY_FILE, CLIPS_DIR].includes(d.path)) {
      throw invalid(`"${d.path}" cannot be a document's name in a package.`);
    }
  }
  await checkTarget(outDir, zipPath);
  const keys = ensureSiteKeys(opts.dataDir); // also fails early if the key is unusable
  const signingKey = { algorithm: 'Ed25519' as const, fingerprint: keys.fingerprint };
  // Everything except the clips' hashes and sizes must already be valid: fail before copying gigabytes.
  const precheck = PackageBodySchema.safeParse({
    ...opts.manifest,
    signingKey,
    files: opts.manifest.files.map((f) => ({ ...f, sha256: f.sha256 ?? '0'.repeat(64), size: f.size ?? 0 })),
  });
  if (!precheck.success) throw failure('invalid_request', 'media:manifestInvalid', { detail: precheck.error.message }, { issues: precheck.error.issues });

  await mkdir(parent, { recursive: true, mode: DIR_MODE });
  const suffix = randomBytes(6).toString('hex');
  const tmpDir = join(parent, `.${name}.partial-${suffix}`);
  const zipTmp = zipPath === undefined ? undefined : join(parent, `.${name}.zip.partial-${suffix}`);
  let renamed = false;
  try {
    await mkdir(tmpDir, { mode: DIR_MODE });
    await mkdir(join(tmpDir, CLIPS_DIR), { mode: DIR_MODE });

    // 1. Copy.
    const sizes = await Promise.all(
      opts.clips.map(async (c) => {
        try {
          return (await stat(c.sourcePath)).size;
        } catch {
          return 0; // copyClip reports the missing file clearly
        }
      }),
    );
    const totalBytes = sizes.reduce((a, b) => a + b, 0);
    let base = 0;
    report({ phase: 'copy', done: 0, total: totalBytes });
    for (const [i, c] of opts.clips.entries()) {
      const rel = clipPackagePath(c.name);
      await copyClip(c.sourcePath, join(tmpDir, ...rel.split('/')), (n) => report({ phase: 'copy', done: base + n, total: totalBytes, file: rel }));
      base += sizes[i] ?? 0;
    }

    // 2. Hash what was written.
    const written = new Map<string, { sha256: string; size: number }>();
    const hashTotal = (
      await Promise.all(opts.clips.map(async (c) => (await stat(join(tmpDir, ...clipPackagePath(c.name).split('/')))).size))
    ).reduce((a, b) => a + b, 0);
    base = 0;
    report({ phase: 'hash', done: 0, total: hashTotal });
    for (const c of opts.clips) {
      const rel = clipPackagePath(c.name);
      const abs = join(tmpDir, ...rel.split('/'));
      let last = 0;
      const sha256 = await sha256File(abs, (n) => {
        if (n - last >= PROGRESS_STEP) {
          last = n;
          report({ phase: 'hash', done: base + n, total: hashTotal, file: rel });
        }
      });
      const size = (await stat(abs)).size;
      base += size;
      report({ phase: 'hash', done: base, total: hashTotal, file: rel });
      written.set(c.name, { sha256, size });
    }

    // 3. The manifest with the written clips' hashes, signed.
    const files = opts.manifest.files.map((f) => {
      const w = written.get(f.name);
      if (w === undefined) throw failure('internal', 'media:clipNotWritten', { name: f.name });
      if (f.sha256 !== undefined && f.sha256 !== w.sha256) {
        throw failure('refused_by_safety_rule', 'media:clipHashChanged', { name: f.name, file: opts.clips.find((c) => c.name === f.name)?.sourcePath ?? '?', expected: f.sha256, actual: w.sha256 }, { file: f.name, expected: f.sha256, actual: w.sha256 });
      }
      if (f.size !== undefined && f.size !== w.size) {
        throw failure('refused_by_safety_rule', 'media:clipSizeChanged', { name: f.name, actual: w.size, expected: f.size }, { file: f.name });
      }
      return { ...f, sha256: w.sha256, size: w.size };
    });
    // The viewer and the instructions are made from the body, then listed in the signed manifest.
    const body = PackageBodySchema.parse({ ...opts.manifest, signingKey, files });
    const listed: [string, Buffer][] = [
      [PUBLIC_KEY_FILE, Buffer.from(keys.publicKeyPem, 'utf8')],
      [VERIFY_FILE, Buffer.from(renderVerifyText(body), 'utf8')],
      [INDEX_FILE, Buffer.from(renderPackageHtml(body, body.language, opts.tools ? await posters(opts.tools, tmpDir, opts.clips, `${parent}/.${name}.poster`, suffix) : undefined), 'utf8')],
      ...(opts.documents ?? []).map((d): [string, Buffer] => [d.path, d.bytes]),
    ];
    const contents: ContentEntry[] = [
      ...files.map((f) => ({ path: clipPackagePath(f.name), size: f.size, sha256: f.sha256 })),
      ...listed.map(([path, bytes]) => ({ path, size: bytes.length, sha256: sha256Text(bytes) })),
    ];
    const manifest = PackageManifestSchema.parse({ ...body, contents });
    report({ phase: 'sign', done: 0, total: 1 });
    const manifestBytes = Buffer.from(serializeManifest(manifest), 'utf8');
    const signature = signDetached(opts.dataDir, manifestBytes);
    report({ phase: 'sign', done: 1, total: 1 });

    const others: [string, Buffer][] = [[MANIFEST_FILE, manifestBytes], [SIGNATURE_FILE, signature], ...listed];
    for (const [file, bytes] of others) await writeSynced(join(tmpDir, file), bytes);
    const sumEntries: WrittenFile[] = [
      ...contents.filter((c) => c.path.startsWith(`${CLIPS_DIR}/`)),
      ...others.map(([file, bytes]) => ({ path: file, sha256: sha256Text(bytes), size: bytes.length })),
    ];
    const sums = Buffer.from(formatSha256Sums(sumEntries), 'utf8');
    await writeSynced(join(tmpDir, SUMS_FILE), sums);
    await fsyncPath(join(tmpDir, CLIPS_DIR));
    await fsyncPath(tmpDir);
    const allFiles: WrittenFile[] = [...sumEntries, { path: SUMS_FILE, sha256: sha256Text(sums), size: sums.length }].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));

    // 4. Zip (optional), from the finished temporary folder.
    let zipWritten: { sha256: string; size: number } | undefined;
    if (zipTmp !== undefined) {
      const zipTotal = allFiles.reduce((a, f) => a + f.size, 0);
      report({ phase: 'zip', done: 0, total: zipTotal });
      let last = 0;
      zipWritten = await writeZip(tmpDir, name, allFiles, zipTmp, { ms: Date.parse(body.createdAt), timeZone: body.timeZone }, (n) => {
        if (n - last >= PROGRESS_STEP || n === zipTotal) {
          last = n;
          report({ phase: 'zip', done: Math.min(n, zipTotal), total: zipTotal });
        }
      });
      report({ phase: 'zip', done: zipTotal, total: zipTotal });
    }

    // 5. Publish under the final names.
    try {
      await rename(tmpDir, outDir);
    } catch (e) {
      // An empty outDir that existed (checked above): POSIX rename replaces it, Windows refuses.
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM', 'EACCES'].includes(errnoCode(e) ?? '')) throw e;
      await removeEmptyFolder(outDir); // fails, rightly, if something was put there meanwhile
      await rename(tmpDir, outDir);
    }
    renamed = true;
    if (zipTmp !== undefined && zipPath !== undefined) {
      // link() never replaces an existing file, unlike rename().
      try {
        await link(zipTmp, zipPath);
      } catch (e) {
        if (errnoCode(e) === 'EEXIST') throw failure('conflict', 'media:packageZipAppeared', { file: zipPath, folder: outDir });
        throw e;
      }
      await removeWorkingFile(zipTmp);
    }
    await fsyncPath(parent);
    const st = await stat(outDir, { bigint: true });
    return {
      dir: outDir,
      ...(zipPath !== undefined ? { zipPath } : {}),
      manifestSha256: sha256Text(manifestBytes),
      packageId: manifest.packageId,
      fingerprint: keys.fingerprint,
      manifest,
      files: allFiles,
      ...(zipPath !== undefined && zipWritten !== undefined ? { zip: { path: basename(zipPath), ...zipWritten } } : {}),
      dirIdentity: { dev: st.dev, ino: st.ino },
    };
  } catch (e) {
    if (!renamed) await removeWorkingFolder(tmpDir);
    if (zipTmp !== undefined) await removeWorkingFile(zipTmp);
    throw e;
  }
}
