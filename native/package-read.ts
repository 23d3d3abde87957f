/**
 * Reading one small file of an evidence package (its manifest) from the package folder or its
 * zip, for the compliance report and the handover log. Nothing is unpacked to disk; a link is
 * never followed; a file larger than `maxBytes` is not read.
 */
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';

const MAX_BYTES = 16 * 1024 * 1024;

function fromDir(dir: string, name: string, maxBytes: number): Buffer | null {
  const file = path.join(dir, ...name.split('/'));
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > maxBytes) return null;
    return readFileSync(file);
  } catch {
    return null;
  }
}

function fromZip(zipFile: string, name: string, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    yauzl.open(zipFile, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err) {
        resolve(null);
        return;
      }
      let done = false;
      const finish = (b: Buffer | null): void => {
        if (done) return;
        done = true;
        zip.close();
        resolve(b);
      };
      zip.on('entry', (e: yauzl.Entry) => {
        // The writer puts the package at the zip's root or inside one top folder.
        const parts = e.fileName.split('/');
        const atTop = e.fileName === name || (parts.length === 2 && parts[1] === name);
        if (!atTop || e.uncompressedSize > maxBytes) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, stream) => {
          if (err2) {
            finish(null);
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.once('error', () => finish(null));
          stream.once('end', () => finish(Buffer.concat(chunks)));
        });
      });
      zip.once('end', () => finish(null));
      zip.once('error', () => finish(null));
      zip.readEntry();
    });
  });
}

/** `name` ("manifest.json") from the package folder, else from its zip; null when neither has it. */
export async function readPackageFile(dir: string | null, zip: string | null, name: string, maxBytes = MAX_BYTES): Promise<{ bytes: Buffer; from: 'dir' | 'zip' } | null> {
  const d = dir ? fromDir(dir, name, maxBytes) : null;
  if (d) return { bytes: d, from: 'dir' };
  const z = zip ? await fromZip(zip, name, maxBytes) : null;
  return z ? { bytes: z, from: 'zip' } : null;
}
