/**
 * What a forger does to an evidence package, for the tests that prove `verify` refuses it: edit
 * files and rebuild SHA256SUMS to match, re-sign the manifest with a key of their own (swapping
 * site-public.pem), or build a zip with entries the writer never makes (links, FIFOs, odd names).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeManifest, type PackageManifest } from '../common/manifest.js';
import { ensureSiteKeys, signDetached } from '../native/keys.js';
import { formatSha256Sums } from '../native/package-writer.js';

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every regular file in a folder, relative, with forward slashes. */
export function filesIn(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const p = rel === '' ? d.name : `${rel}/${d.name}`;
    return d.isDirectory() ? filesIn(dir, p) : [p];
  });
}

/** Rebuilds SHA256SUMS over everything now in the folder, as a forger would after editing files. */
export function rewriteSums(dir: string): void {
  const entries = filesIn(dir)
    .filter((p) => p !== 'SHA256SUMS')
    .map((path) => ({ path, sha256: sha256Hex(readFileSync(join(dir, path))) }));
  writeFileSync(join(dir, 'SHA256SUMS'), formatSha256Sums(entries));
}

/** Re-lists every file in the manifest and re-signs it with the forger's own key (kept in forgerData). */
export function resignWithOwnKey(dir: string, forgerData: string): string {
  const keys = ensureSiteKeys(forgerData);
  writeFileSync(join(dir, 'site-public.pem'), keys.publicKeyPem);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as PackageManifest;
  const contents = filesIn(dir)
    .filter((p) => !['manifest.json', 'manifest.sig', 'SHA256SUMS'].includes(p))
    .map((path) => {
      const bytes = readFileSync(join(dir, path));
      return { path, size: bytes.length, sha256: sha256Hex(bytes) };
    });
  const files = m.files.map((f) => {
    const c = contents.find((x) => x.path === `clips/${f.name}.mp4`);
    return { ...f, sha256: c?.sha256 ?? f.sha256, size: c?.size ?? f.size };
  });
  const forged = serializeManifest({ ...m, files, contents, signingKey: { algorithm: 'Ed25519', fingerprint: keys.fingerprint } });
  writeFileSync(join(dir, 'manifest.json'), forged);
  writeFileSync(join(dir, 'manifest.sig'), signDetached(forgerData, Buffer.from(forged)));
  rewriteSums(dir);
  return keys.fingerprint;
}

/** A zip made with Python's zipfile from a folder, with extra entries (a symlink by default) and files left out. */
export function pyZip(folder: string, zip: string, extra: { name: string; target?: string; mode?: number; data?: string }[] = [], skip: string[] = []): void {
  const script = `
import os, sys, zipfile, json
folder, out, extra, skip = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), set(json.loads(sys.argv[4]))
top = os.path.basename(folder)
with zipfile.ZipFile(out, 'w') as z:
    for dirpath, dirs, files in os.walk(folder):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            rel = os.path.relpath(p, folder).replace(os.sep, '/')
            if rel in skip: continue
            z.write(p, top + '/' + rel)
    for e in extra:
        info = zipfile.ZipInfo(top + '/' + e['name'])
        info.create_system = 3
        info.external_attr = (e.get('mode', 0o120777)) << 16
        z.writestr(info, e.get('target', e.get('data', '')))
`;
  const r = spawnSync('python3', ['-c', script, folder, zip, JSON.stringify(extra), JSON.stringify(skip)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 zipfile failed: ${r.stderr}`);
}
