/**
 * The duration an MP4 file states in its movie header (`moov/mvhd`), read from the box headers
 * alone: a few small reads, never the media. A layout whose path names only the day (ZoneMinder's
 * medium storage) takes a recording's start from its modification time less this duration.
 *
 * Null when the file has no readable movie header yet (still being written: libavformat writes
 * `moov` at the end), states no duration (a fragmented file), or is not an MP4 at all.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MAX_TOP_BOXES = 64;

function readAt(fd: number, pos: number, len: number): Buffer | null {
  const buf = Buffer.alloc(len);
  const n = readSync(fd, buf, 0, len, pos);
  return n === len ? buf : null;
}

interface BoxHeader {
  readonly type: string;
  readonly start: number;
  /** Where the box's content begins (after its header). */
  readonly body: number;
  readonly end: number;
}

function boxAt(fd: number, pos: number, limit: number): BoxHeader | null {
  if (pos + 8 > limit) return null;
  const h = readAt(fd, pos, 8);
  if (!h) return null;
  let size = h.readUInt32BE(0);
  const type = h.toString('latin1', 4, 8);
  let body = pos + 8;
  if (size === 1) {
    const big = readAt(fd, pos + 8, 8);
    if (!big) return null;
    size = Number(big.readBigUInt64BE(0));
    body = pos + 16;
  } else if (size === 0) {
    size = limit - pos;
  }
  if (size < body - pos || pos + size > limit) return null;
  return { type, start: pos, body, end: pos + size };
}

/** The duration in milliseconds, or null (see above). */
export function mp4DurationMs(abs: string): number | null {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    let pos = 0;
    for (let i = 0; i < MAX_TOP_BOXES; i++) {
      const box = boxAt(fd, pos, size);
      if (!box) return null;
      if (box.type === 'moov') return mvhdDuration(fd, box);
      pos = box.end;
    }
    return null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function mvhdDuration(fd: number, moov: BoxHeader): number | null {
  let pos = moov.body;
  for (let i = 0; i < MAX_TOP_BOXES; i++) {
    const box = boxAt(fd, pos, moov.end);
    if (!box) return null;
    if (box.type === 'mvhd') {
      const v = readAt(fd, box.body, 1);
      if (!v) return null;
      const version = v.readUInt8(0);
      // version 0: flags(3) creation(4) modification(4) timescale(4) duration(4); version 1: 8-byte times and duration
      const fields = readAt(fd, box.body + 4, version === 1 ? 28 : 16);
      if (!fields) return null;
      const timescale = version === 1 ? fields.readUInt32BE(16) : fields.readUInt32BE(8);
      const duration = version === 1 ? Number(fields.readBigUInt64BE(20)) : fields.readUInt32BE(12);
      if (timescale === 0 || duration === 0 || duration === 0xffffffff) return null;
      return Math.round((duration * 1000) / timescale);
    }
    pos = box.end;
  }
  return null;
}

/**
 * The smallest file `mp4DurationMs` reads: an `ftyp`, an empty `mdat` and a `moov` holding only
 * an `mvhd` with this duration. For generated recorder trees (a player cannot play it).
 */
export function mp4HeaderOnly(durationMs: number): Buffer {
  const box = (type: string, body: Buffer): Buffer => {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + body.length, 0);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, body]);
  };
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1'));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale: milliseconds
  mvhd.writeUInt32BE(Math.max(1, Math.round(durationMs)), 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  return Buffer.concat([ftyp, box('mdat', Buffer.alloc(0)), box('moov', box('mvhd', mvhd))]);
}
