/**
 * HTTP Range (RFC 9110 §14) for streaming footage: one byte range, or none. Shared by the
 * loopback server and the desktop app's media protocol so both answer alike.
 */
export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * `header` is the Range header (or undefined); `size` the file's length in bytes. Several ranges,
 * or a unit other than bytes, are ignored (the whole file is sent), as the RFC allows; a range
 * that starts at or past the end is unsatisfiable (416).
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return { kind: 'full' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    // suffix: the last N bytes
    const n = Number(b);
    if (!Number.isSafeInteger(n) || n === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  let end = b === '' ? size - 1 : Number(b);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'full' };
  if (end > size - 1) end = size - 1;
  return { kind: 'partial', start, end };
}
