/**
 * When two sightings are the same recording: the same file name, the same start time (read
 * from the path), and the same size where both are known; the mtime must agree only when the
 * size cannot tell. A `mv` keeps all four; a copy that does not keep times (`cp -r`, a restore)
 * keeps name, start and size — and a hold must follow a copied recording too (issue 10: "wherever
 * it is indexed later"): treating a look-alike as the held recording keeps too much, never too
 * little.
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
  if (known(a.size) && known(b.size)) return a.size === b.size;
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
