#!/usr/bin/env node
// Draws Custodian's icon (a camera lens inside a shield-blue rounded square, with a small clock
// hand: footage kept for a time) as PNGs at the sizes electron-builder and the tray want.
// Pure Node (zlib), no image libraries: `node build/icons/make-icons.mjs` rewrites them.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      // 4×4 supersampling for smooth edges
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
        const [pr, pg, pb, pa] = pixel((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
        r += pr * pa; g += pg * pa; b += pb * pa; a += pa;
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = a ? Math.round(r / a) : 0;
      raw[o + 1] = a ? Math.round(g / a) : 0;
      raw[o + 2] = a ? Math.round(b / a) : 0;
      raw[o + 3] = Math.round((a / 16) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const BLUE = [23, 59, 110];
const WHITE = [255, 255, 255];
const AMBER = [242, 169, 0];
function icon(u, v) {
  // rounded square
  const m = 0.06, rad = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - m - rad), 0), dy = Math.max(Math.abs(v - 0.5) - (0.5 - m - rad), 0);
  if (Math.hypot(dx, dy) > rad) return [0, 0, 0, 0];
  const d = Math.hypot(u - 0.5, v - 0.5);
  if (d < 0.30 && d > 0.22) return [...WHITE, 1]; // lens ring
  if (d <= 0.22) {
    // clock hands inside the lens: 12 o'clock and 2 months ≈ 4 o'clock
    const ang = Math.atan2(v - 0.5, u - 0.5);
    const up = Math.abs(u - 0.5) < 0.025 && v < 0.5 && v > 0.34;
    const h4 = Math.abs(ang - Math.PI / 6) < 0.12 && d < 0.17;
    if (up || h4 || d < 0.035) return [...AMBER, 1];
    return [...BLUE.map((c) => c + 25), 1];
  }
  return [...BLUE, 1];
}

for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  writeFileSync(path.join(here, `${size}x${size}.png`), png(size, icon));
}
writeFileSync(path.join(here, 'icon.png'), png(512, icon));
writeFileSync(path.join(here, 'tray.png'), png(32, icon));
console.log('icons written to', here);
