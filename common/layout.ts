/**
 * Layouts: how a recorder names its files. A layout is a path template relative to a recording
 * root, one template component per path component:
 *   {camera}      the camera id
 *   {<date-fns>}  part of the segment's start time, written with date-fns tokens
 *                 (yyyy yy MM dd HH mm ss SSS, and 'quoted text')
 *   *             any run of characters inside one path component
 * Everything else is literal. Components are separated by "/" in the template (a template is
 * data, not a path; the file system side splits real paths with node:path).
 */
import { failure } from './errors.js';
import { english } from './i18n/catalog.js';
import { tzOffset } from '@date-fns/tz';
import { WallClock } from './time.js';

const tzOffsetMinutes = (tz: string, ms: number): number => tzOffset(tz, new Date(ms));

type Field = 'camera' | 'year4' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'milli';

interface ComponentMatcher {
  readonly source: string;
  readonly regex: RegExp;
  readonly fields: readonly Field[];
}

export interface Layout {
  readonly pattern: string;
  readonly timeZone: string;
  readonly depth: number;
  readonly components: readonly ComponentMatcher[];
  /** Does the last component look like a file we should treat as video? */
  readonly hasTime: { readonly seconds: boolean };
}

export interface LayoutPreset {
  readonly name: string;
  readonly pattern: string;
  /** 'site' = the site's time zone; otherwise a fixed zone such as UTC. */
  readonly timeZone: 'site' | 'UTC';
  readonly example: string;
  readonly description: string;
}

export const LAYOUT_PRESETS: readonly LayoutPreset[] = [
  {
    name: 'camera-date-time',
    pattern: '{camera}/{yyyy-MM-dd}/{HH-mm-ss}.mp4',
    timeZone: 'site',
    example: 'entrance/2026-11-25/14-30-00.mp4',
    description: 'One folder per camera, one per day, one file per segment, local time.',
  },
  {
    name: 'frigate',
    pattern: '{yyyy-MM-dd}/{HH}/{camera}/{mm.ss}.mp4',
    timeZone: 'UTC',
    example: '2026-11-25/13/entrance/30.00.mp4',
    description: "Frigate's recordings folder (/media/frigate/recordings): day, hour, camera, MM.SS.mp4, all in UTC.",
  },
  {
    name: 'shinobi',
    pattern: '*/{camera}/{yyyy-MM-dd\'T\'HH-mm-ss}.mp4',
    timeZone: 'site',
    example: 'GroupKey/entrance/2026-11-25T14-30-00.mp4',
    description: "Shinobi's videos folder: group key, monitor id, then one file per segment named by its local start.",
  },
  {
    name: 'blueiris',
    pattern: '*/{camera}.{yyyyMMdd_HHmmss}.mp4',
    timeZone: 'site',
    example: 'New/entrance.20261125_143000.mp4',
    description: 'Blue Iris with MP4 recording and the default "&CAM.%Y%m%d_%H%M%S" file name, in its New or Stored folder.',
  },
  {
    name: 'reolink-ftp',
    pattern: '{camera}/{yyyy}/{MM}/{dd}/*_{yyyyMMddHHmmss}.mp4',
    timeZone: 'site',
    example: 'entrance/2026/11/25/Entrance_00_20261125143000.mp4',
    description: 'Reolink cameras uploading to an FTP/NAS share: camera folder, year/month/day folders, then <name>_00_<start>.mp4.',
  },
];

const TOKEN_FIELDS: ReadonlyArray<readonly [string, Field, number]> = [
  ['yyyy', 'year4', 4],
  ['yy', 'year2', 2],
  ['MM', 'month', 2],
  ['dd', 'day', 2],
  ['HH', 'hour', 2],
  ['mm', 'minute', 2],
  ['ss', 'second', 2],
  ['SSS', 'milli', 3],
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileDateFormat(fmt: string, fields: Field[]): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt.charAt(i);
    if (ch === "'") {
      const end = fmt.indexOf("'", i + 1);
      if (end < 0) throw failure('invalid_request', 'layout:unclosedQuote', { part: `{${fmt}}` });
      out += escapeRe(fmt.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      const tok = TOKEN_FIELDS.find(([t]) => fmt.startsWith(t, i));
      if (!tok) {
        throw failure('invalid_request', 'layout:badToken', { part: `{${fmt}}`, token: ch });
      }
      out += `(\\d{${tok[2]}})`;
      fields.push(tok[1]);
      i += tok[0].length;
      continue;
    }
    out += escapeRe(ch);
    i += 1;
  }
  return out;
}

function compileComponent(source: string): ComponentMatcher {
  const fields: Field[] = [];
  let re = '';
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === '{') {
      const end = source.indexOf('}', i);
      if (end < 0) throw failure('invalid_request', 'layout:unclosedBrace', { part: source });
      const inner = source.slice(i + 1, end);
      if (inner === 'camera') {
        re += '(.+?)';
        fields.push('camera');
      } else if (inner.length === 0) {
        throw failure('invalid_request', 'layout:emptyBraces', { part: source });
      } else {
        re += compileDateFormat(inner, fields);
      }
      i = end + 1;
    } else if (ch === '*') {
      re += '.*?';
      i += 1;
    } else if (ch === '}') {
      throw failure('invalid_request', 'layout:strayBrace', { part: source });
    } else {
      re += escapeRe(ch);
      i += 1;
    }
  }
  return { source, regex: new RegExp(`^${re}$`), fields };
}

export function findPreset(name: string): LayoutPreset | undefined {
  return LAYOUT_PRESETS.find((p) => p.name === name);
}

/**
 * Compiles a preset name or a pattern. `layoutTimeZone` is the zone the names are written in;
 * a preset that fixes its own zone (Frigate writes UTC) wins unless one is given explicitly.
 */
export function compileLayout(nameOrPattern: string, siteTimeZone: string, layoutTimeZone?: string): Layout {
  const preset = findPreset(nameOrPattern);
  const pattern = preset ? preset.pattern : nameOrPattern;
  const timeZone = layoutTimeZone ?? (preset && preset.timeZone === 'UTC' ? 'UTC' : siteTimeZone);
  if (!preset && !pattern.includes('{')) {
    throw failure('invalid_request', 'layout:notAPattern', { text: nameOrPattern, presets: LAYOUT_PRESETS.map((p) => p.name).join(', ') });
  }
  if (pattern.startsWith('/') || pattern.endsWith('/') || pattern.includes('//') || pattern.includes('\\')) {
    throw failure('invalid_request', 'layout:notRelative', { pattern });
  }
  const components = pattern.split('/').map((c) => {
    if (c === '.' || c === '..') throw failure('invalid_request', 'layout:dots', { pattern, part: c });
    return compileComponent(c);
  });
  const all = components.flatMap((c) => c.fields);
  if (!all.includes('camera')) throw failure('invalid_request', 'layout:noCamera', { pattern });
  const has = (f: Field): boolean => all.includes(f);
  if (!(has('year4') || has('year2')) || !has('month') || !has('day') || !has('hour') || !has('minute')) {
    throw failure('invalid_request', 'layout:noTime', { pattern });
  }
  return { pattern, timeZone, depth: components.length, components, hasTime: { seconds: has('second') } };
}

export interface ParsedName {
  readonly camera: string;
  readonly startMs: number;
}

const CAMERA_ID_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

export function isValidCameraId(id: string): boolean {
  return CAMERA_ID_RE.test(id);
}

/**
 * A reusable matcher for one layout; it keeps the wall-clock cache and per-directory partial
 * matches so a walk of a million names does the directory work once per directory.
 */
/** Why a path is not read as a recording: the English log form (the scan stores it; faces read it back into words). */
const REASONS = {
  badTime: english({ key: 'layout:badTime' }),
  badDate: english({ key: 'layout:badDate' }),
  wrongDepth: english({ key: 'layout:wrongDepth' }),
  disagree: english({ key: 'layout:disagree' }),
};

export class LayoutMatcher {
  private readonly clock: WallClock;
  constructor(readonly layout: Layout) {
    this.clock = new WallClock(layout.timeZone);
  }

  /** Matches one path component at `depth`; returns captured values or null. */
  matchComponent(depth: number, name: string): Captures | null {
    const comp = this.layout.components[depth];
    if (!comp) return null;
    const m = comp.regex.exec(name);
    if (!m) return null;
    const out: Captures = {};
    for (let i = 0; i < comp.fields.length; i++) {
      const field = comp.fields[i] as Field;
      const value = m[i + 1] as string;
      const prev = out[field];
      if (prev !== undefined && prev !== value) return null;
      out[field] = value;
    }
    return out;
  }

  /** Merges captures of successive components; null when two components disagree. */
  static merge(a: Captures, b: Captures): Captures | null {
    const out: Captures = { ...a };
    for (const key of Object.keys(b) as Field[]) {
      const v = b[key];
      if (v === undefined) continue;
      const prev = out[key];
      if (prev !== undefined && prev !== v) {
        if (key === 'year2' || key === 'year4') continue;
        return null;
      }
      out[key] = v;
    }
    return out;
  }

  /** Turns complete captures into a camera and start instant, or a reason it is not a segment. */
  finish(c: Captures): ParsedName | string {
    const camera = c.camera;
    if (camera === undefined || !isValidCameraId(camera)) return english({ key: 'layout:badCamera', params: { camera: camera ?? '' } });
    const year = c.year4 !== undefined ? Number(c.year4) : 2000 + Number(c.year2);
    const month = Number(c.month);
    const day = Number(c.day);
    const hour = Number(c.hour);
    const minute = Number(c.minute);
    const second = Number(c.second ?? '0');
    const milli = Number(c.milli ?? '0');
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      return REASONS.badTime;
    }
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
    if (new Date(wall).getUTCDate() !== day) return REASONS.badDate;
    return { camera, startMs: this.clock.toInstant(wall) };
  }

  /** Parses a whole relative path given as its components. */
  parse(components: readonly string[]): ParsedName | string {
    if (components.length !== this.layout.depth) return REASONS.wrongDepth;
    let acc: Captures = {};
    for (let i = 0; i < components.length; i++) {
      const got = this.matchComponent(i, components[i] as string);
      if (!got) return english({ key: 'layout:noMatch', params: { name: components[i] ?? '', part: this.layout.components[i]?.source ?? '' } });
      const merged = LayoutMatcher.merge(acc, got);
      if (!merged) return REASONS.disagree;
      acc = merged;
    }
    return this.finish(acc);
  }
}

export type Captures = Partial<Record<Field, string>>;

/**
 * The inverse of parsing: the relative path components a recorder with this layout writes for a
 * segment of `camera` starting at `startMs`. Used by the fixture generator and the settings
 * preview; `*` is written as `wildcard` (a layout cannot know what the recorder puts there).
 */
export function formatLayoutPath(layout: Layout, camera: string, startMs: number, wildcard = 'x'): string[] {
  const wall = new Date(startMs + wallOffsetMs(layout.timeZone, startMs));
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const values: Record<string, string> = {
    yyyy: pad(wall.getUTCFullYear(), 4),
    yy: pad(wall.getUTCFullYear() % 100, 2),
    MM: pad(wall.getUTCMonth() + 1, 2),
    dd: pad(wall.getUTCDate(), 2),
    HH: pad(wall.getUTCHours(), 2),
    mm: pad(wall.getUTCMinutes(), 2),
    ss: pad(wall.getUTCSeconds(), 2),
    SSS: pad(wall.getUTCMilliseconds(), 3),
  };
  return layout.pattern.split('/').map((comp) =>
    comp.replace(/\{([^}]*)\}|\*/g, (whole, inner: string | undefined) => {
      if (whole === '*') return wildcard;
      if (inner === 'camera') return camera;
      let out = '';
      let i = 0;
      const fmt = inner ?? '';
      while (i < fmt.length) {
        if (fmt.charAt(i) === "'") {
          const end = fmt.indexOf("'", i + 1);
          out += fmt.slice(i + 1, end);
          i = end + 1;
          continue;
        }
        const tok = TOKEN_FIELDS.find(([t]) => fmt.startsWith(t, i));
        if (tok) {
          out += values[tok[0]];
          i += tok[0].length;
        } else {
          out += fmt.charAt(i);
          i += 1;
        }
      }
      return out;
    }),
  );
}

function wallOffsetMs(timeZone: string, instantMs: number): number {
  if (timeZone === 'UTC') return 0;
  return tzOffsetMinutes(timeZone, instantMs) * 60_000;
}
