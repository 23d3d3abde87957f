/**
 * When two sightings are the same recording: the same file name, the same start time (read
 * from the path), and the same size and mtime wherever both are known. A recorder does not
 * write two files with the same name, start, size and mtime; a `mv` keeps all four.
 */
export interface Sighting {
  readonly name: string;
  readonly startMs: number;
  /** null: never stat'ed; -1 (from the background size filler): looked, could not stat. */
  readonly size: number | null;
  readonly mtimeMs: number | null;
}

export function recordingKey(name: string, startMs: number): string {
  return `${startMs}/${name}`;
}

function known(v: number | null): v is number {
  return v !== null && v >= 0;
}

export function sameRecording(a: Sighting, b: Sighting): boolean {
  if (a.name !== b.name || a.startMs !== b.startMs) return false;
  if (known(a.size) && known(b.size) && a.size !== b.size) return false;
  if (known(a.mtimeMs) && known(b.mtimeMs) && a.mtimeMs !== b.mtimeMs) return false;
  return true;
}

/** True when a file's facts differ from what the index knew, counting only facts that were known. */
export function factsDiffer(before: { size: number | null; mtimeMs: number | null }, now: { size: number; mtimeMs: number }): boolean {
  return (known(before.size) && before.size !== now.size) || (known(before.mtimeMs) && before.mtimeMs !== now.mtimeMs);
}

export function factsKnown(f: { size: number | null; mtimeMs: number | null }): boolean {
  return known(f.size) || known(f.mtimeMs);
}
