/**
 * Writes an evidence package (DESIGN.md "Evidence packages"):
 *
 *   <outDir>/
 *     clips/<name>.mp4   the clips, copied, then hashed as written
 *     manifest.json      pretty UTF-8, keys in schema order (common/manifest.ts serializeManifest)
 *     manifest.sig       raw 64-byte Ed25519 signature over the exact manifest.json bytes
 *     site-public.pem    the site's public key
 *     VERIFY.txt         how to check it with sha256sum and openssl (Swedish and English)
 *     index.html         the viewer page (package-html.ts)
 *     SHA256SUMS         `sha256sum` format over every file above (not itself)
 *   <outDir>.zip         optional: the same folder, zipped (clips stored, text deflated)
 *
 * Everything is written into a hidden temporary folder beside outDir, fsynced, and renamed to
 * outDir at the end, so a crash never leaves a half package under the final name (a leftover
 * `.<name>.partial-*` folder is all that can remain). The zip is built the same way.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { removeEmptyFolder, removeWorkingFile, removeWorkingFolder } from './own-files.js';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive, type ZipEntryData } from 'archiver';
import { CustodianError, conflict, invalid, notFound } from '../common/errors.js';
import {
  CLIP_NAME_RE,
  PackageManifestSchema,
  clipPackagePath,
  serializeManifest,
  type PackageManifest,
  type PackageManifestDraft,
} from '../common/manifest.js';
import { sha256File, sha256Text } from './hash.js';
import { ensureSiteKeys, signDetached } from './keys.js';
import { renderPackageHtml } from './package-html.js';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'site-public.pem';
export const SUMS_FILE = 'SHA256SUMS';
export const VERIFY_FILE = 'VERIFY.txt';
export const INDEX_FILE = 'index.html';

export interface PackageProgress {
  /** copy, hash and zip count bytes; sign counts steps (0 of 1, then 1 of 1). */
  phase: 'copy' | 'hash' | 'sign' | 'zip';
  done: number;
  total: number;
  file?: string;
}

export interface WritePackageOptions {
  outDir: string;
  /** Each clip's sha256 and size may be left out: they are filled from what was written. If given, they must match it. */
  manifest: PackageManifest | PackageManifestDraft;
  clips: { sourcePath: string; name: string }[];
  /** The data folder holding keys/ (native/keys.ts). */
  dataDir: string;
  zip?: boolean;
  onProgress?: (e: PackageProgress) => void;
}

export interface WrittenPackage {
  dir: string;
  zipPath?: string;
  manifestSha256: string;
  packageId: string;
}

/** One `sha256sum` text-mode line per file, sorted by path: "<hex>  <path>\n". */
export function formatSha256Sums(entries: { path: string; sha256: string }[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}

/** The commands in VERIFY.txt, exactly as a person types them in the package folder. */
export const VERIFY_COMMANDS = {
  sums: 'sha256sum -c SHA256SUMS',
  sumsMac: 'shasum -a 256 -c SHA256SUMS',
  signature: `openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY_FILE} -rawin -in ${MANIFEST_FILE} -sigfile ${SIGNATURE_FILE}`,
  fingerprint: `openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | sha256sum`,
  fingerprintOpenssl: `openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | openssl dgst -sha256`,
} as const;

/** VERIFY.txt: how to check the package without Custodian, in Swedish and English. */
export function renderVerifyText(manifest: PackageManifest, fingerprint: string): string {
  const c = VERIFY_COMMANDS;
  const clipLines = manifest.files.map((f) => `    ${f.sha256}  ${clipPackagePath(f.name)}`).join('\n');
  const clipsBlockSv = manifest.files.length === 0 ? '    (inga klipp)' : clipLines;
  const clipsBlockEn = manifest.files.length === 0 ? '    (no clips)' : clipLines;
  return `BEVISPAKET / EVIDENCE PACKAGE

Paket-id / Package id:                ${manifest.packageId}
Referens / Reference:                 ${manifest.incident.reference}
Personuppgiftsansvarig / Controller:  ${manifest.site.controller}
Dataskyddsombud / DPO:                ${manifest.site.dpoContact}
Nyckelns fingeravtryck / Key fingerprint (SHA-256):
    ${fingerprint}

========================================================================
SVENSKA
========================================================================

Så kontrollerar du att paketet är oförändrat, utan Custodian. Öppna ett
terminalfönster i den här mappen (den som innehåller SHA256SUMS) och kör
kommandona nedan exakt som de står.

1. Kontrollsummor för alla filer (Linux; på macOS: ${c.sumsMac}):

    ${c.sums}

   Varje rad ska sluta med "OK" och inga varningar ska skrivas ut.
   Filer som inte står i SHA256SUMS kontrolleras inte: mappen ska bara
   innehålla filerna som står där, och SHA256SUMS själv.
   I Windows PowerShell: Get-FileHash -Algorithm SHA256 <fil>, och jämför
   med raden i SHA256SUMS.

2. Signaturen över manifest.json (kräver OpenSSL 3.0 eller senare):

    ${c.signature}

   Ska skriva "Signature Verified Successfully". Då är manifest.json
   oförändrad sedan den signerades med nyckeln i ${PUBLIC_KEY_FILE}.
   manifest.json anger varje klipps SHA-256; de ska vara samma som i
   SHA256SUMS:

${clipsBlockSv}

3. Att nyckeln verkligen är platsens nyckel. Räkna ut fingeravtrycket:

    ${c.fingerprint}

   eller, utan sha256sum:

    ${c.fingerprintOpenssl}

   Resultatet ska vara:
    ${fingerprint}

   Jämför det med fingeravtrycket du har fått separat från den
   personuppgiftsansvarige (t.ex. på överlämningskvittot). Signaturen
   bevisar ingenting om nyckeln i paketet har bytts ut tillsammans med den.

========================================================================
ENGLISH
========================================================================

How to check that this package is unchanged, without Custodian. Open a
terminal in this folder (the one holding SHA256SUMS) and run the commands
below exactly as written.

1. Checksums of every file (Linux; on macOS: ${c.sumsMac}):

    ${c.sums}

   Every line must end in "OK" and no warning may be printed.
   Files not named in SHA256SUMS are not checked: the folder must hold only
   the files named there, plus SHA256SUMS itself.
   In Windows PowerShell: Get-FileHash -Algorithm SHA256 <file>, and compare
   with the line in SHA256SUMS.

2. The signature over manifest.json (needs OpenSSL 3.0 or later):

    ${c.signature}

   It must print "Signature Verified Successfully". manifest.json is then
   unchanged since it was signed with the key in ${PUBLIC_KEY_FILE}.
   manifest.json names each clip's SHA-256; they must be the same as in
   SHA256SUMS:

${clipsBlockEn}

3. That the key really is the site's key. Compute its fingerprint:

    ${c.fingerprint}

   or, without sha256sum:

    ${c.fingerprintOpenssl}

   The result must be:
    ${fingerprint}

   Compare it with the fingerprint the data controller gave you separately
   (e.g. on the handover receipt). The signature proves nothing if the key
   in the package was replaced together with it.
`;
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
  await writeFile(path, data, { flag: 'wx' });
  await fsyncPath(path);
}

/** Refuses an outDir (or zip) that exists and holds something. */
async function checkTarget(outDir: string, zipPath: string | undefined): Promise<void> {
  try {
    const st = await stat(outDir);
    if (!st.isDirectory()) throw conflict(`${outDir} already exists and is not a folder; choose another place for the package.`);
    const entries = await readdir(outDir);
    if (entries.length > 0) {
      throw conflict(`${outDir} already exists and is not empty (${entries.length} entries); a package is only written into a new or empty folder.`);
    }
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  if (zipPath !== undefined) {
    try {
      await stat(zipPath);
      throw conflict(`${zipPath} already exists; move it away or choose another folder name for the package.`);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
  }
}

function validateClips(manifest: PackageManifestDraft, clips: WritePackageOptions['clips']): void {
  const byName = new Map<string, number>();
  for (const c of clips) {
    if (!CLIP_NAME_RE.test(c.name) || /[. ]$/.test(c.name)) {
      throw invalid(`"${c.name}" is not a usable clip name (letters, digits, space, ".", "-", "_"; no path separators).`);
    }
    const key = c.name.toLowerCase();
    if (byName.has(key)) throw invalid(`Two clips are named "${c.name}".`);
    byName.set(key, 1);
  }
  const inManifest = new Set(manifest.files.map((f) => f.name));
  const given = new Set(clips.map((c) => c.name));
  const notGiven = [...inManifest].filter((n) => !given.has(n));
  const notListed = [...given].filter((n) => !inManifest.has(n));
  if (notGiven.length > 0 || notListed.length > 0 || inManifest.size !== manifest.files.length) {
    throw invalid(
      `The manifest's files and the clips given do not match one to one` +
        (notGiven.length > 0 ? `; in the manifest without a source file: ${notGiven.join(', ')}` : '') +
        (notListed.length > 0 ? `; given but not in the manifest: ${notListed.join(', ')}` : '') +
        '.',
    );
  }
}

const PROGRESS_STEP = 32 << 20;

async function copyClip(source: string, dest: string, onBytes: (n: number) => void): Promise<void> {
  let st;
  try {
    st = await stat(source);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`The clip file ${source} does not exist (moved or deleted from the archive?).`);
    throw e;
  }
  if (!st.isFile()) throw invalid(`The clip source ${source} is not a regular file.`);
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
  await pipeline(createReadStream(source, { highWaterMark: 4 << 20 }), counter, createWriteStream(dest, { flags: 'wx' }));
  onBytes(copied);
  await fsyncPath(dest);
}

async function writeZip(srcDir: string, topName: string, files: { path: string; size: number }[], zipTmp: string, onBytes: (done: number) => void): Promise<void> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const out = createWriteStream(zipTmp, { flags: 'wx' });
  let failure: Error | undefined;
  archive.on('warning', (e) => {
    failure ??= e;
  });
  archive.on('progress', (p) => onBytes(p.fs.processedBytes));
  for (const f of files) {
    // MP4 does not compress further: store it, deflate the rest.
    const entry: ZipEntryData = { name: `${topName}/${f.path}`, store: f.path.endsWith('.mp4') };
    archive.file(join(srcDir, ...f.path.split('/')), entry);
  }
  const done = pipeline(archive, out);
  await archive.finalize();
  await done;
  if (failure) throw failure;
  await fsyncPath(zipTmp);
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

  validateClips(opts.manifest as PackageManifestDraft, opts.clips);
  // Everything except the clips' hashes and sizes must already be valid: fail before copying gigabytes.
  const precheck = PackageManifestSchema.safeParse({
    ...opts.manifest,
    files: opts.manifest.files.map((f) => ({ ...f, sha256: f.sha256 ?? '0'.repeat(64), size: f.size ?? 0 })),
  });
  if (!precheck.success) throw invalid(`The package manifest is not valid: ${precheck.error.message}`, { issues: precheck.error.issues });
  await checkTarget(outDir, zipPath);
  const keys = ensureSiteKeys(opts.dataDir); // also fails early if the key is unusable

  await mkdir(parent, { recursive: true });
  const suffix = randomBytes(6).toString('hex');
  const tmpDir = join(parent, `.${name}.partial-${suffix}`);
  const zipTmp = zipPath === undefined ? undefined : join(parent, `.${name}.zip.partial-${suffix}`);
  let renamed = false;
  try {
    await mkdir(tmpDir);
    await mkdir(join(tmpDir, 'clips'));

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
      if (w === undefined) throw new CustodianError('internal', `No written clip for "${f.name}".`);
      if (f.sha256 !== undefined && f.sha256 !== w.sha256) {
        throw new CustodianError(
          'refused_by_safety_rule',
          `The clip "${f.name}" (${opts.clips.find((c) => c.name === f.name)?.sourcePath ?? '?'}) no longer matches its recorded SHA-256: ` +
            `recorded ${f.sha256}, read ${w.sha256}. It was not exported; check the archive.`,
          { file: f.name, expected: f.sha256, actual: w.sha256 },
        );
      }
      if (f.size !== undefined && f.size !== w.size) {
        throw new CustodianError('refused_by_safety_rule', `The clip "${f.name}" is ${w.size} bytes, but its record says ${f.size}.`, { file: f.name });
      }
      return { ...f, sha256: w.sha256, size: w.size };
    });
    const manifest = PackageManifestSchema.parse({ ...opts.manifest, files });
    report({ phase: 'sign', done: 0, total: 1 });
    const manifestBytes = Buffer.from(serializeManifest(manifest), 'utf8');
    const signature = signDetached(opts.dataDir, manifestBytes);
    report({ phase: 'sign', done: 1, total: 1 });

    const others: [string, Buffer][] = [
      [MANIFEST_FILE, manifestBytes],
      [SIGNATURE_FILE, signature],
      [PUBLIC_KEY_FILE, Buffer.from(keys.publicKeyPem, 'utf8')],
      [VERIFY_FILE, Buffer.from(renderVerifyText(manifest, keys.fingerprint), 'utf8')],
      [INDEX_FILE, Buffer.from(renderPackageHtml(manifest, manifest.language, { keyFingerprint: keys.fingerprint }), 'utf8')],
    ];
    for (const [file, bytes] of others) await writeSynced(join(tmpDir, file), bytes);
    const sumEntries = [
      ...manifest.files.map((f) => ({ path: clipPackagePath(f.name), sha256: f.sha256, size: f.size })),
      ...others.map(([file, bytes]) => ({ path: file, sha256: sha256Text(bytes), size: bytes.length })),
    ];
    const sums = Buffer.from(formatSha256Sums(sumEntries), 'utf8');
    await writeSynced(join(tmpDir, SUMS_FILE), sums);
    await fsyncPath(join(tmpDir, 'clips'));
    await fsyncPath(tmpDir);

    // 4. Zip (optional), from the finished temporary folder.
    if (zipTmp !== undefined) {
      const zipFiles = [...sumEntries, { path: SUMS_FILE, sha256: '', size: sums.length }];
      const zipTotal = zipFiles.reduce((a, f) => a + f.size, 0);
      report({ phase: 'zip', done: 0, total: zipTotal });
      let last = 0;
      await writeZip(tmpDir, name, zipFiles, zipTmp, (n) => {
        if (n - last >= PROGRESS_STEP || n === zipTotal) {
          last = n;
          report({ phase: 'zip', done: n, total: zipTotal });
        }
      });
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
        if (errnoCode(e) === 'EEXIST') throw conflict(`${zipPath} appeared while the package was written; the folder ${outDir} is complete but no zip was made.`);
        throw e;
      }
      await removeWorkingFile(zipTmp);
    }
    await fsyncPath(parent);
    return {
      dir: outDir,
      ...(zipPath !== undefined ? { zipPath } : {}),
      manifestSha256: sha256Text(manifestBytes),
      packageId: manifest.packageId,
    };
  } catch (e) {
    if (!renamed) await removeWorkingFolder(tmpDir);
    if (zipTmp !== undefined) await removeWorkingFile(zipTmp);
    throw e;
  }
}
