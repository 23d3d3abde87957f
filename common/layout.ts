/**
 * Layouts: how a recorder names its files. A layout is a path template relative to a recording
 * root, one template component per path component:
 *   {camera}        the camera id (a folder or part of a name)
 *   {channel}       a channel number inside a device (digits); the camera id becomes
 *                   "<camera>-ch<channel>", so an NVR's channels are cameras of their own
 *   {<date-fns>}    part of the segment's start time, written with date-fns tokens
 *                   (yyyy yy MM dd HH mm ss SSS, and 'quoted text'); yy is 2000–2099
 *   {end:<date-fns>} part of the segment's END time, the same tokens; parts left out (usually the
 *                   date) are the start's, and an end earlier than its start on the clock is the
 *                   next day (a segment across midnight)
 *   {kind}          an event-kind code (letters, e.g. Dahua's R/M/A/I); a preset names the codes
 *   {flags}         any number of bracketed groups, or none ("[0@0][0]"), read and ignored
 *   {a|b|c}         one of the listed words (e.g. {mp4|dav} for the extension)
 *   *               any run of characters inside one path component
 * Everything else is literal (brackets too). Components are separated by "/" in the template (a
 * template is data, not a path; the file system side splits real paths with node:path).
 *
 * Runtime-neutral: the renderer's preview and the fixtures' generator use the same parser.
 */
import { tzOffset } from '@date-fns/tz';
import { failure, invalid } from './errors.js';
import { WallClock, wallReadings } from './time.js';

const tzOffsetMinutes = (tz: string, ms: number): number => tzOffset(tz, new Date(ms));

type TimeField = 'year4' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'milli';
type EndField = 'endYear4' | 'endYear2' | 'endMonth' | 'endDay' | 'endHour' | 'endMinute' | 'endSecond' | 'endMilli';
type Field = 'camera' | 'channel' | 'kind' | TimeField | EndField;

/** What an event-kind code in a name means (the words the UI shows come from the catalogue). */
export const EVENT_KINDS = ['scheduled', 'motion', 'alarm', 'smart'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

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
  /** The names carry the segment's end ({end:…}). */
  readonly hasEnd: boolean;
  /**
   * 'name': the start is in the path. 'file': the path names only the day (ZoneMinder's medium
   * storage); the time of day is the file's own (its modification time less its duration).
   */
  readonly timeOfDay: 'name' | 'file';
  /** Event-kind codes ({kind}) and what they mean; unknown codes are kept as written. */
  readonly kinds: Readonly<Record<string, EventKind>>;
  /** Files a recorder writes beside its videos (snapshots, thumbnails, indexes): left alone, not "unrecognised". */
  readonly companions: readonly RegExp[];
  /** The preset this layout is, if it is one. */
  readonly preset: string | null;
  /** What the generator writes for {flags} (a preset's documented form). */
  readonly flagsExample: string;
}

export interface LayoutPreset {
  readonly name: string;
  /** The recorder, as people know it. */
  readonly recorder: string;
  readonly pattern: string;
  /** 'site' = the site's time zone; otherwise a fixed zone such as UTC. */
  readonly timeZone: 'site' | 'UTC';
  readonly example: string;
  readonly description: string;
  readonly kinds?: Readonly<Record<string, EventKind>>;
  readonly companions?: readonly RegExp[];
  readonly timeOfDay?: 'name' | 'file';
  readonly flagsExample?: string;
}

export const LAYOUT_PRESETS: readonly LayoutPreset[] = [
  {
    name: 'camera-date-time',
    recorder: 'generic',
    pattern: '{camera}/{yyyy-MM-dd}/{HH-mm-ss}.mp4',
    timeZone: 'site',
    example: 'entrance/2026-11-25/14-30-00.mp4',
    description: 'One folder per camera, one per day, one file per segment, local time.',
  },
  {
    name: 'frigate',
    recorder: 'Frigate 0.12 and later',
    pattern: '{yyyy-MM-dd}/{HH}/{camera}/{mm.ss}.mp4',
    timeZone: 'UTC',
    example: '2026-11-25/13/entrance/30.00.mp4',
    description: "Frigate 0.12 and later, its recordings folder (/media/frigate/recordings): day, hour, camera, MM.SS.mp4, all in UTC.",
  },
  {
    name: 'frigate-before-0.12',
    recorder: 'Frigate before 0.12',
    pattern: '{yyyy-MM}/{dd}/{HH}/{camera}/{mm.ss}.mp4',
    timeZone: 'UTC',
    example: '2026-11/25/13/entrance/30.00.mp4',
    description: "Frigate up to 0.11, its recordings folder: month, day, hour, camera, MM.SS.mp4, in the container's clock (UTC unless TZ was set in the container; say --layout-timezone then).",
  },
  {
    name: 'shinobi',
    recorder: 'Shinobi',
    pattern: '*/{camera}/{yyyy-MM-dd\'T\'HH-mm-ss}.mp4',
    timeZone: 'site',
    example: 'GroupKey/entrance/2026-11-25T14-30-00.mp4',
    description: "Shinobi's videos folder: group key, monitor id, then one file per segment named by its local start.",
  },
  {
    name: 'blueiris',
    recorder: 'Blue Iris',
    pattern: '*/{camera}.{yyyyMMdd_HHmmss}.mp4',
    timeZone: 'site',
    example: 'New/entrance.20261125_143000.mp4',
    description: 'Blue Iris with MP4 recording and the default "&CAM.%Y%m%d_%H%M%S" file name, in its New or Stored folder.',
  },
  {
    name: 'reolink-ftp',
    recorder: 'Reolink (FTP/NAS)',
    pattern: '{camera}/{yyyy}/{MM}/{dd}/*_{yyyyMMddHHmmss}.mp4',
    timeZone: 'site',
    example: 'entrance/2026/11/25/Entrance_00_20261125143000.mp4',
    description: 'Reolink cameras uploading to an FTP/NAS share: camera folder, year/month/day folders, then <name>_00_<start>.mp4.',
  },
  {
    name: 'dahua',
    recorder: 'Dahua / Amcrest (FTP/NAS)',
    pattern: '*/{camera}/{yyyy-MM-dd}/{channel}/dav/{HH}/{HH.mm.ss}-{end:HH.mm.ss}[{kind}]{flags}.{mp4|dav}',
    timeZone: 'site',
    example: 'IPC-HDW2431T/4D027BCPAA05B90/2026-11-25/001/dav/14/14.30.00-14.40.00[M][0@0][0].mp4',
    description:
      'Dahua and Amcrest cameras and NVRs uploading to an FTP/NAS share: device model, serial, day, channel, dav, hour, then START-END[flag][0@0][0].mp4 (or .dav) in the device clock; the flag is R (scheduled), M (motion), A (alarm) or I (smart event). Pictures (.jpg) and index files (.idx) beside them are left alone.',
    kinds: { R: 'scheduled', M: 'motion', A: 'alarm', I: 'smart' },
    companions: [/\.jpe?g$/i, /\.idx$/i],
    flagsExample: '[0@0][0]',
  },
  {
    name: 'zoneminder-deep',
    recorder: 'ZoneMinder (deep storage)',
    pattern: '{camera}/{yy}/{MM}/{dd}/{HH}/{mm}/{ss}/*-video.{mp4|mkv}',
    timeZone: 'site',
    example: '3/26/11/25/14/30/00/12345-video.mp4',
    description:
      "ZoneMinder's events folder with the deep storage scheme: monitor id, then the event's local start as YY/MM/DD/HH/MM/SS folders holding <event id>-video.mp4. The .<event id> link and file, snapshot.jpg, alarm.jpg and frame JPEGs are left alone.",
    companions: [/^\.\d+$/, /^(snapshot|alarm)\.jpg$/, /^\d+-(capture|analyse|analyze)\.jpg$/],
  },
  {
    name: 'zoneminder-medium',
    recorder: 'ZoneMinder (medium storage)',
    pattern: '{camera}/{yyyy-MM-dd}/*/*-video.mp4',
    timeZone: 'site',
    example: '3/2026-11-25/12345/12345-video.mp4',
    description:
      "ZoneMinder's events folder with the medium storage scheme: monitor id, the event's local date, the event id, then <event id>-video.mp4. The path has no time of day: Custodian takes the end from the file's modification time (when ZoneMinder closed it) and the start from the video's own duration, and leaves alone a file whose time does not fall on the date its folder names.",
    companions: [/^\.\d+$/, /^(snapshot|alarm)\.jpg$/, /^\d+-(capture|analyse|analyze)\.jpg$/],
    timeOfDay: 'file',
  },
  {
    name: 'motioneye',
    recorder: 'motionEye / Motion',
    pattern: '{camera}/{yyyy-MM-dd}/{HH-mm-ss}.{mp4|mkv|avi|mov}',
    timeZone: 'site',
    example: 'Camera1/2026-11-25/14-30-00.mp4',
    description:
      "motionEye's media folder with the default movie file name %Y-%m-%d/%H-%M-%S: camera folder, day, then the movie's local start. Its .thumb previews and pictures (.jpg) are left alone.",
    companions: [/\.thumb$/i, /\.jpe?g$/i],
  },
];

const TOKENS: ReadonlyArray<readonly [string, TimeField, EndField, number]> = [
  ['yyyy', 'year4', 'endYear4', 4],
  ['yy', 'year2', 'endYear2', 2],
  ['MM', 'month', 'endMonth', 2],
  ['dd', 'day', 'endDay', 2],
  ['HH', 'hour', 'endHour', 2],
  ['mm', 'minute', 'endMinute', 2],
  ['ss', 'second', 'endSecond', 2],
  ['SSS', 'milli', 'endMilli', 3],
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileDateFormat(fmt: string, fields: Field[], end: boolean, shown: string): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt.charAt(i);
    if (ch === "'") {
      const close = fmt.indexOf("'", i + 1);
      if (close < 0) throw failure('invalid_request', 'layout:unclosedQuote', { part: `{${shown}}` });
      out += escapeRe(fmt.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      const tok = TOKENS.find(([t]) => fmt.startsWith(t, i));
      if (!tok) {
        throw failure('invalid_request', 'layout:badToken', { part: `{${shown}}`, token: ch });
      }
      out += `(\\d{${tok[3]}})`;
      fields.push(end ? tok[2] : tok[1]);
      i += tok[0].length;
      continue;
    }
    out += escapeRe(ch);
    i += 1;
  }
  return out;
}

const ALTERNATIVE_RE = /^[\p{L}\p{N}._-]+(\|[\p{L}\p{N}._-]+)+$/u;

function compileComponent(source: string): ComponentMatcher {
  const fields: Field[] = [];
  let re = '';
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === '{') {
      const close = source.indexOf('}', i);
      if (close < 0) throw failure('invalid_request', 'layout:unclosedBrace', { part: source });
      const inner = source.slice(i + 1, close);
      if (inner === 'camera') {
        re += '(.+?)';
        fields.push('camera');
      } else if (inner === 'channel') {
        re += '(\\d{1,4})';
        fields.push('channel');
      } else if (inner === 'kind') {
        re += '([A-Za-z]{1,12})';
        fields.push('kind');
      } else if (inner === 'flags') {
        re += '(?:\\[[^\\]]*\\])*';
      } else if (inner.length === 0) {
        throw failure('invalid_request', 'layout:emptyBraces', { part: source });
      } else if (inner.includes('|')) {
        if (!ALTERNATIVE_RE.test(inner)) throw invalid(`Layout component "${source}": "{${inner}}" must list words separated by "|", e.g. {mp4|dav}.`);
        re += `(?:${inner.split('|').map(escapeRe).join('|')})`;
      } else if (inner.startsWith('end:')) {
        re += compileDateFormat(inner.slice(4), fields, true, inner);
      } else {
        re += compileDateFormat(inner, fields, false, inner);
      }
      i = close + 1;
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
  const timeOfDay = preset?.timeOfDay ?? 'name';
  const hasDate = (has('year4') || has('year2')) && has('month') && has('day');
  if (!hasDate || (timeOfDay === 'name' && (!has('hour') || !has('minute')))) {
    throw failure('invalid_request', 'layout:noTime', { pattern });
  }
  const endFields = all.filter((f) => f.startsWith('end'));
  if (endFields.length > 0 && (!has('endHour') || !has('endMinute'))) {
    throw invalid(`Layout "${pattern}" has an end time without hour and minute: write at least {end:HH.mm}.`);
  }
  return {
    pattern,
    timeZone,
    depth: components.length,
    components,
    hasTime: { seconds: has('second') },
    hasEnd: endFields.length > 0,
    timeOfDay,
    kinds: preset?.kinds ?? {},
    companions: preset?.companions ?? [],
    preset: preset?.name ?? null,
    flagsExample: preset?.flagsExample ?? '',
  };
}

/** What a path says about its segment. */
export interface ParsedName {
  readonly camera: string;
  /**
   * The start instant. With `timeFrom: 'file'` only the day is named: this is the start of that
   * day and `dayEndMs` its end, and the time of day must come from the file (see the layout).
   */
  readonly startMs: number;
  readonly timeFrom?: 'file';
  readonly dayEndMs?: number;
  /** The end the name states ({end:…}), if it does. */
  readonly endMs?: number;
  /** The event kind the name states ({kind}): a known kind, or the code as written. */
  readonly kind?: string;
  /**
   * The other reading of a name in the autumn's repeated hour (the first pass; `startMs` is the
   * later one, the documented default). A face that knows the file's modification time may take
   * this one when only it fits (core/layout-time.ts).
   */
  readonly earlier?: { readonly startMs: number; readonly endMs?: number };
}

const CAMERA_ID_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

export function isValidCameraId(id: string): boolean {
  return CAMERA_ID_RE.test(id);
}

/** The camera id of a device's channel ({camera} with {channel}). */
export function channelCameraId(device: string, channel: string): string {
  return `${device}-ch${channel}`;
}

const CHANNEL_ID_RE = /^(.*)-ch(\d{1,4})$/;
const DAY = 86_400_000;
/** A segment whose name says it lasted longer than this is not read as one (a wrong end). */
const MAX_NAMED_SEGMENT_MS = DAY;

export type Captures = Partial<Record<Field, string>>;

/**
 * A reusable matcher for one layout; it keeps the wall-clock cache and per-directory partial
 * matches so a walk of a million names does the directory work once per directory.
 */
export class LayoutMatcher {
  private readonly clock: WallClock;
  /** Days (wall-clock day numbers) with a clock change within a day of them. */
  private readonly nearChange = new Map<number, boolean>();
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
        if (key === 'year2' || key === 'year4' || key === 'endYear2' || key === 'endYear4') continue;
        return null;
      }
      out[key] = v;
    }
    return out;
  }

  /** Is a file name one the recorder writes beside its videos (left alone, not unrecognised)? */
  isCompanion(name: string): boolean {
    return this.layout.companions.some((re) => re.test(name));
  }

  /** Turns complete captures into a camera and start instant, or a reason it is not a segment. */
  finish(c: Captures): ParsedName | string {
    const device = c.camera;
    const camera = device !== undefined && c.channel !== undefined ? channelCameraId(device, c.channel) : device;
    if (camera === undefined || !isValidCameraId(camera)) return `camera id "${camera ?? ''}" is not usable`;
    const year = c.year4 !== undefined ? Number(c.year4) : 2000 + Number(c.year2);
    const month = Number(c.month);
    const day = Number(c.day);
    const hour = Number(c.hour ?? '0');
    const minute = Number(c.minute ?? '0');
    const second = Number(c.second ?? '0');
    const milli = Number(c.milli ?? '0');
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      return 'the time in the name is not a real time';
    }
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
    if (new Date(wall).getUTCDate() !== day) return 'the date in the name is not a real date';
    const kind = c.kind === undefined ? undefined : (this.layout.kinds[c.kind] ?? this.layout.kinds[c.kind.toUpperCase()] ?? c.kind);
    const extra = kind === undefined ? {} : { kind };
    if (this.layout.timeOfDay === 'file') {
      return { camera, startMs: this.clock.toInstant(wall), timeFrom: 'file', dayEndMs: this.clock.toInstant(wall + DAY), ...extra };
    }
    if (!this.layout.hasEnd) {
      const startMs = this.clock.toInstant(wall);
      if (this.layout.timeZone !== 'UTC' && this.changeNear(wall)) {
        const both = wallReadings(wall, this.layout.timeZone);
        const first = both[0];
        if (both.length === 2 && first !== undefined && first !== startMs) return { camera, startMs, earlier: { startMs: first }, ...extra };
      }
      return { camera, startMs, ...extra };
    }
    const endWall = this.endWall(c, wall);
    if (typeof endWall === 'string') return endWall;
    const pair = this.readStartAndEnd(wall, endWall, c.endDay !== undefined);
    if (!pair) return 'the end time in the name is not after its start';
    const earlier = pair.tie ? { earlier: { startMs: pair.tie.start, endMs: pair.tie.end } } : {};
    return { camera, startMs: pair.start, endMs: pair.end, ...earlier, ...extra };
  }

  /** The end's wall-clock time: its own fields, the start's for those the name leaves out. */
  private endWall(c: Captures, startWall: number): number | string {
    const s = new Date(startWall);
    const year = c.endYear4 !== undefined ? Number(c.endYear4) : c.endYear2 !== undefined ? 2000 + Number(c.endYear2) : s.getUTCFullYear();
    const month = c.endMonth !== undefined ? Number(c.endMonth) : s.getUTCMonth() + 1;
    const day = c.endDay !== undefined ? Number(c.endDay) : s.getUTCDate();
    const hour = Number(c.endHour ?? '0');
    const minute = Number(c.endMinute ?? '0');
    const second = Number(c.endSecond ?? '0');
    const milli = Number(c.endMilli ?? '0');
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return 'the end time in the name is not a real time';
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
    if (new Date(wall).getUTCDate() !== day) return 'the end date in the name is not a real date';
    return wall;
  }

  /**
   * Reads a start and an end wall-clock time as the shortest positive span they can mean. Near a
   * clock change a wall time may mean two instants (the autumn's repeated hour) or none (the
   * spring gap); the end settles which reading of the start is meant, so a segment written in
   * the first pass of the repeated hour is read as such. An end without a date that is earlier
   * on the clock than the start is the next day's.
   */
  private readStartAndEnd(startWall: number, endWall: number, endHasDate: boolean): { start: number; end: number; tie?: { start: number; end: number } } | null {
    const endWalls = endHasDate || endWall > startWall ? [endWall] : [endWall, endWall + DAY];
    if (this.layout.timeZone === 'UTC' || !this.changeNear(startWall)) {
      const start = this.clock.toInstant(startWall);
      for (const w of endWalls) {
        const end = this.clock.toInstant(w);
        if (end > start && end - start <= MAX_NAMED_SEGMENT_MS) return { start, end };
      }
      return null;
    }
    const readings = (w: number): number[] => {
      const r = wallReadings(w, this.layout.timeZone);
      return r.length > 0 ? r : [this.clock.toInstant(w)];
    };
    const starts = readings(startWall);
    // The end's date is the start's, or (written without a date) the next day's; near the
    // autumn change it may be the start's date and still earlier on the clock.
    const ends = (endHasDate ? [endWall] : [endWall, endWall + DAY]).flatMap(readings);
    let best: { start: number; end: number; tie?: { start: number; end: number } } | null = null;
    // Equally short readings (a whole segment inside the repeated hour) are read as the later
    // pass, the one whose file survives when the recorder reuses the name, as names without an
    // end are; the other is kept as the tie, for a face that knows the file's time.
    for (const s of starts) {
      for (const e of ends) {
        if (e <= s || e - s > MAX_NAMED_SEGMENT_MS) continue;
        if (!best || e - s < best.end - best.start) best = { start: s, end: e };
        else if (e - s === best.end - best.start) best = { start: s, end: e, tie: { start: best.start, end: best.end } };
      }
    }
    return best;
  }

  /** Whether the zone's offset changes within a day of this wall time (cached per day). */
  private changeNear(wall: number): boolean {
    const key = Math.floor(wall / DAY);
    let v = this.nearChange.get(key);
    if (v === undefined) {
      const tz = this.layout.timeZone;
      v = tzOffsetMinutes(tz, key * DAY - DAY) !== tzOffsetMinutes(tz, key * DAY + 2 * DAY);
      if (this.nearChange.size > 10_000) this.nearChange.clear();
      this.nearChange.set(key, v);
    }
    return v;
  }

  /** Parses a whole relative path given as its components. */
  parse(components: readonly string[]): ParsedName | string {
    if (components.length !== this.layout.depth) return 'not at the depth the layout expects';
    let acc: Captures = {};
    for (let i = 0; i < components.length; i++) {
      const got = this.matchComponent(i, components[i] as string);
      if (!got) return `"${components[i]}" does not match "${this.layout.components[i]?.source}"`;
      const merged = LayoutMatcher.merge(acc, got);
      if (!merged) return 'parts of the path disagree';
      acc = merged;
    }
    return this.finish(acc);
  }
}

/** What the generator writes beyond the camera and the start. */
export interface FormatExtras {
  /** The segment's end (for {end:…}); default: the start. */
  readonly endMs?: number;
  /** An event kind or its code (for {kind}); default: the layout's first code, else "R". */
  readonly kind?: string;
}

/**
 * The inverse of parsing: the relative path components a recorder with this layout writes for a
 * segment of `camera` starting at `startMs`. Used by the fixture generator and the settings
 * preview; `*` is written as `wildcard` (a layout cannot know what the recorder puts there), a
 * list of words as its first, {flags} as the preset's documented form. With {channel}, `camera`
 * is "<device>-ch<channel>".
 */
export function formatLayoutPath(layout: Layout, camera: string, startMs: number, wildcard = 'x', extras: FormatExtras = {}): string[] {
  const values = wallValues(layout.timeZone, startMs);
  const endValues = wallValues(layout.timeZone, extras.endMs ?? startMs);
  const hasChannel = layout.components.some((c) => c.fields.includes('channel'));
  let device = camera;
  let channel = '001';
  if (hasChannel) {
    const m = CHANNEL_ID_RE.exec(camera);
    if (!m) throw invalid(`Layout "${layout.pattern}" has {channel}: a camera id there is "<device>-ch<channel>", not "${camera}".`);
    device = m[1] as string;
    channel = m[2] as string;
  }
  const codes = Object.entries(layout.kinds);
  const kindCode = extras.kind === undefined ? (codes[0]?.[0] ?? 'R') : (codes.find(([code, k]) => k === extras.kind || code === extras.kind)?.[0] ?? extras.kind);
  return layout.pattern.split('/').map((comp) =>
    comp.replace(/\{([^}]*)\}|\*/g, (whole, inner: string | undefined) => {
      if (whole === '*') return wildcard;
      const body = inner ?? '';
      if (body === 'camera') return device;
      if (body === 'channel') return channel;
      if (body === 'kind') return kindCode;
      if (body === 'flags') return layout.flagsExample;
      if (body.includes('|')) return body.split('|')[0] as string;
      if (body.startsWith('end:')) return formatWall(body.slice(4), endValues);
      return formatWall(body, values);
    }),
  );
}

function wallValues(timeZone: string, instantMs: number): Record<string, string> {
  const wall = new Date(instantMs + wallOffsetMs(timeZone, instantMs));
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return {
    yyyy: pad(wall.getUTCFullYear(), 4),
    yy: pad(wall.getUTCFullYear() % 100, 2),
    MM: pad(wall.getUTCMonth() + 1, 2),
    dd: pad(wall.getUTCDate(), 2),
    HH: pad(wall.getUTCHours(), 2),
    mm: pad(wall.getUTCMinutes(), 2),
    ss: pad(wall.getUTCSeconds(), 2),
    SSS: pad(wall.getUTCMilliseconds(), 3),
  };
}

function formatWall(fmt: string, values: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    if (fmt.charAt(i) === "'") {
      const close = fmt.indexOf("'", i + 1);
      out += fmt.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    const tok = TOKENS.find(([t]) => fmt.startsWith(t, i));
    if (tok) {
      out += values[tok[0]];
      i += tok[0].length;
    } else {
      out += fmt.charAt(i);
      i += 1;
    }
  }
  return out;
}

function wallOffsetMs(timeZone: string, instantMs: number): number {
  if (timeZone === 'UTC') return 0;
  return tzOffsetMinutes(timeZone, instantMs) * 60_000;
}
