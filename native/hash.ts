/** SHA-256 of files, streamed in large chunks (the archive and exports hash gigabytes). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    const s = createReadStream(file, { highWaterMark: 1 << 20 });
    s.on('data', (chunk) => h.update(chunk));
    s.on('error', reject);
    s.on('end', () => resolve(h.digest('hex')));
  });
}

export function sha256Text(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
