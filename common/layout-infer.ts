/**
 * A pattern made up from names, for a recorder no preset describes: when the video files of a
 * tree share one depth and each path component one shape, the digit runs are read as a date and
 * time in order (year, month, day, hour, minute, second, milliseconds), the shallowest folder that
 * varies and holds no time is the camera, what else varies is `*`, and several extensions are a
 * list ({mp4|mkv}). The result is only a proposal: core/layout-detect.ts checks it against the
 * files like any preset, and a person confirms it.
 */
import { compileLayout, LayoutMatcher } from './layout.js';

const VIDEO_EXT = /\.(mp4|mkv|avi|mov|dav|ts|m4v|webm|h264|264|asf|flv|mpg|mpeg)$/i;

interface Run {
  readonly digits: boolean;
  readonly text: string;
}

function runs(value: string): Run[] {
  return (value.match(/\d+|\D+/g) ?? []).map((text) => ({ digits: /^\d/.test(text), text }));
}

/** A value's shape: its digit runs' lengths in order, with text between (the text itself may vary). */
const skeleton = (rs: readonly Run[]): string => rs.map((r) => (r.digits ? `#${r.text.length}` : '=')).join('');

/** Date-fns tokens in the order a time is written, with their widths. */
const ORDER: readonly (readonly [string, number])[] = [
  ['yyyy', 4],
  ['MM', 2],
  ['dd', 2],
  ['HH', 2],
  ['mm', 2],
  ['ss', 2],
  ['SSS', 3],
];

/** Splits a digit run at field `state` into tokens whose widths sum to its length, or null. */
function assign(run: string, state: number): { tokens: string[]; next: number } | null {
  const tryFrom = (yearWidth: number): { tokens: string[]; next: number } | null => {
    let left = run.length;
    let s = state;
    const tokens: string[] = [];
    while (left > 0 && s < ORDER.length) {
      const [tok, w0] = ORDER[s] as readonly [string, number];
      const w = s === 0 ? yearWidth : w0;
      if (w > left) return null;
      tokens.push(s === 0 && yearWidth === 2 ? 'yy' : tok);
      left -= w;
      s++;
    }
    return left === 0 ? { tokens, next: s } : null;
  };
  if (state === 0) {
    const year = Number(run.slice(0, 4));
    if (year >= 1990 && year <= 2099) {
      const four = tryFrom(4);
      if (four) return four;
    }
    return tryFrom(2);
  }
  return tryFrom(2);
}

const escapeLiteral = (text: string): string => (/[{}*'|]/.test(text) ? '*' : text);

interface Column {
  readonly values: readonly string[];
  readonly shape: readonly Run[] | null;
}

function makeColumns(paths: readonly (readonly string[])[], depth: number): { columns: Column[]; exts: string[] } {
  const exts = new Set<string>();
  const columns: Column[] = [];
  for (let i = 0; i < depth; i++) {
    const values = paths.map((p) => {
      const v = p[i] as string;
      if (i < depth - 1) return v;
      const m = VIDEO_EXT.exec(v);
      if (m) exts.add((m[1] as string).toLowerCase());
      return m ? v.slice(0, m.index) : v;
    });
    const shapes = new Set(values.map((v) => skeleton(runs(v))));
    columns.push({ values, shape: shapes.size === 1 ? runs(values[0] as string) : null });
  }
  return { columns, exts: [...exts].sort() };
}

interface Reading {
  /** Constant digit runs are text. */
  readonly constantsAreText: boolean;
  /** A long run that starts with a year (yyyyMMdd…) starts the time again; short constant runs beside it are text. */
  readonly restartOnLong: boolean;
}

const longDated = (text: string): boolean => text.length >= 8 && Number(text.slice(0, 4)) >= 1990 && Number(text.slice(0, 4)) <= 2099;

/** Builds the pattern for one way of reading the digit runs. */
function build(columns: readonly Column[], exts: readonly string[], how: Reading): string | null {
  let state = 0;
  const parts: string[] = [];
  const timeColumns = new Set<number>();
  columns.forEach((col, i) => {
    if (!col.shape) {
      parts.push('');
      return;
    }
    let out = '';
    let timed = false;
    const hasLong = how.restartOnLong && col.shape.some((r) => r.digits && longDated(r.text));
    col.shape.forEach((r, k) => {
      const same = col.values.every((v) => runs(v)[k]?.text === r.text);
      if (!r.digits) {
        out += same ? escapeLiteral(r.text) : '*';
        return;
      }
      if (hasLong && longDated(r.text)) state = 0;
      const asText = (how.constantsAreText || (hasLong && !longDated(r.text))) && same;
      const a = asText ? null : assign(r.text, state);
      if (a && state < ORDER.length) {
        out += `{${a.tokens.join('')}}`;
        state = a.next;
        timed = true;
      } else {
        out += same ? r.text : '*';
      }
    });
    if (timed) timeColumns.add(i);
    parts.push(out);
  });
  // The camera: the shallowest folder without a time in it; what else varies is "*".
  let camera = -1;
  for (let i = 0; i < columns.length - 1; i++) {
    const col = columns[i] as Column;
    if (timeColumns.has(i)) continue;
    if (new Set(col.values).size > 1 || camera < 0) {
      if (camera < 0 || (new Set((columns[camera] as Column).values).size === 1 && new Set(col.values).size > 1)) camera = i;
    }
  }
  if (camera < 0) return null;
  const comps = parts.map((p, i) => {
    if (i === camera) return '{camera}';
    const col = columns[i] as Column;
    if (!col.shape) return new Set(col.values).size === 1 ? escapeLiteral(col.values[0] as string) : '*';
    if (!timeColumns.has(i) && new Set(col.values).size > 1) return '*';
    return p;
  });
  const ext = exts.length === 0 ? '' : exts.length === 1 ? `.${exts[0]}` : `.{${exts.join('|')}}`;
  const joined = comps.map(joinTimeParts);
  joined[joined.length - 1] = `${joined[joined.length - 1] ?? ''}${ext}`;
  return joined.join('/');
}

/** "{yyyy}-{MM}-{dd}" reads better as "{yyyy-MM-dd}": separators between time parts go inside. */
function joinTimeParts(comp: string): string {
  let out = comp;
  for (;;) {
    const time = "[yMdHmsS]+(?:[^A-Za-z{}*'|]+[yMdHmsS]+)*";
    const next = out.replace(new RegExp(`\\{(${time})\\}([^A-Za-z{}*'|/]+)\\{(${time})\\}`), '{$1$2$3}');
    if (next === out) return out;
    out = next;
  }
}

/** The most common depth of the video files, and the paths at it. */
function videosAtCommonDepth(paths: readonly (readonly string[])[]): (readonly string[])[] {
  const videos = paths.filter((p) => p.length > 1 && VIDEO_EXT.test(p[p.length - 1] as string));
  const count = new Map<number, number>();
  for (const v of videos) count.set(v.length, (count.get(v.length) ?? 0) + 1);
  const depth = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  return depth === undefined ? [] : videos.filter((v) => v.length === depth);
}

/**
 * A pattern that places most of the video files among `paths` (components relative to the
 * root), or null. `timeZone` only matters to check that the names are real times.
 */
export function inferPattern(paths: readonly (readonly string[])[], timeZone: string): string | null {
  const vs = videosAtCommonDepth(paths);
  if (vs.length < 2) return null;
  const depth = (vs[0] as readonly string[]).length;
  const { columns, exts } = makeColumns(vs, depth);
  let best: { pattern: string; placed: number } | null = null;
  const ways: readonly Reading[] = [
    { constantsAreText: false, restartOnLong: false },
    { constantsAreText: false, restartOnLong: true },
    { constantsAreText: true, restartOnLong: false },
  ];
  for (const how of ways) {
    const pattern = build(columns, exts, how);
    if (!pattern) continue;
    let matcher: LayoutMatcher;
    try {
      matcher = new LayoutMatcher(compileLayout(pattern, timeZone));
    } catch {
      continue;
    }
    const placed = vs.filter((p) => typeof matcher.parse(p) !== 'string').length;
    if (!best || placed > best.placed) best = { pattern, placed };
  }
  return best && best.placed >= Math.ceil(vs.length * 0.8) ? best.pattern : null;
}
