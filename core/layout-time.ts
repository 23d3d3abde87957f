/**
 * What a name says of a segment's time, made whole: for layouts whose path names only the day
 * (ZoneMinder's medium storage) the time of day is the file's own — it ended when its recorder
 * closed it (its modification time) and began its stated duration earlier (the MP4's movie
 * header). The scan and the proposal both read files through here, so the proposal shows what
 * the scan will index.
 */
import type { ParsedName } from '../common/layout.js';
import type { NameFacts } from '../db/segments.js';
import { mp4DurationMs } from '../native/mp4-duration.js';
import type { FileFacts } from '../native/recorder-fs.js';

/** The longest recording a file-time layout reads (ZoneMinder's events are minutes long). */
const MAX_FILE_TIME_SEGMENT_MS = 24 * 3_600_000;

export interface SegmentTime {
  readonly startMs: number;
  /** An end the recorder stated (its name, or the file's own time): it is not cut to the next segment's start. */
  readonly statedEndMs?: number;
  readonly named?: NameFacts;
}

/**
 * Which reading of a name in the autumn's repeated hour the file's own time fits: a file cannot
 * have been closed before it began, and is closed at (or just after) the end its name states.
 * Without the file's time, the later reading (the documented default for local names).
 */
function reading(parsed: ParsedName, facts: FileFacts | null): { startMs: number; endMs?: number } {
  const later = parsed.endMs === undefined ? { startMs: parsed.startMs } : { startMs: parsed.startMs, endMs: parsed.endMs };
  const earlier = parsed.earlier;
  if (!earlier || !facts) return later;
  const mtime = facts.mtimeMs;
  if (later.endMs !== undefined && earlier.endMs !== undefined) {
    return Math.abs(mtime - earlier.endMs) < Math.abs(mtime - later.endMs) ? earlier : later;
  }
  const sinceLater = mtime - later.startMs;
  const sinceEarlier = mtime - earlier.startMs;
  return sinceLater < 0 && sinceEarlier >= 0 ? earlier : later;
}

/**
 * The segment's start (and stated end and name facts), or the reason the file is not a segment
 * Custodian can place. `facts` may be null only for layouts that name the time of day.
 */
export function segmentTime(parsed: ParsedName, absFile: string, facts: FileFacts | null): SegmentTime | string {
  const kind = parsed.kind === undefined ? {} : { kind: parsed.kind };
  if (parsed.timeFrom !== 'file') {
    const { startMs, endMs } = reading(parsed, facts);
    if (endMs === undefined) return parsed.kind === undefined ? { startMs } : { startMs, named: kind };
    return { startMs, statedEndMs: endMs, named: { endMs, ...kind } };
  }
  if (!facts) return 'the file could not be looked at';
  const duration = mp4DurationMs(absFile);
  if (duration === null) return 'the video states no duration (still being written, or not an MP4)';
  if (duration > MAX_FILE_TIME_SEGMENT_MS) return 'the video states a duration longer than a day';
  const endMs = facts.mtimeMs;
  const startMs = endMs - duration;
  const dayEnd = parsed.dayEndMs ?? parsed.startMs;
  if (startMs < parsed.startMs || startMs >= dayEnd) return "the file's own time does not fall on the day its folder names";
  return { startMs, statedEndMs: endMs, named: { timeFrom: 'file', ...kind } };
}
