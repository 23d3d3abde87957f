/**
 * A small runner for the ffmpeg and ffprobe binaries, shared by clip, redact and frame.
 *
 * We spawn the binaries directly instead of going through fluent-ffmpeg here because these jobs
 * need exact control of the argument list (concat lists, stream mapping, `-progress`), a clean
 * cancel through an AbortSignal, and ffmpeg's own stderr to explain failures to a person.
 * probe.ts keeps using fluent-ffmpeg for plain probing.
 */
import { spawn } from 'node:child_process';
import { open, rename, stat } from 'node:fs/promises';
import { removeWorkingFile } from './own-files.js';
import path from 'node:path';
import { CustodianError, failure } from '../common/errors.js';

/** Raised when ffmpeg or ffprobe exits unsuccessfully; `stderr` is ffmpeg's own explanation. */
export class MediaToolFailed extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(tool: string, exitCode: number | null, stderr: string) {
    super(`${tool} failed (exit ${exitCode ?? 'signal'}): ${lastLines(stderr, 3)}`);
    this.name = 'MediaToolFailed';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with the output position in milliseconds as ffmpeg reports it (`-progress pipe:1`). */
  readonly onOutTime?: ((outTimeMs: number) => void) | undefined;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Keeps the start and the end of a long text stream: the start has the input description, the end the error. */
class HeadTail {
  private head = '';
  private tail = '';
  private dropped = false;
  constructor(private readonly limit: number) {}
  push(s: string): void {
    if (this.head.length < this.limit) {
      const room = this.limit - this.head.length;
      this.head += s.slice(0, room);
      s = s.slice(room);
      if (!s) return;
    }
    this.tail += s;
    if (this.tail.length > this.limit) {
      this.tail = this.tail.slice(this.tail.length - this.limit);
      this.dropped = true;
    }
  }
  text(): string {
    return this.head + (this.dropped ? '\n[…]\n' : '') + this.tail;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Runs a binary to completion. Rejects with MediaToolFailed on a non-zero exit, with the
 * signal's reason when aborted (the child is killed first).
 * When `onOutTime` is given the caller must have put `-progress pipe:1` in `args`;
 * stdout is then parsed as ffmpeg's key=value progress blocks and not returned.
 */
export function runTool(binary: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { signal, onOutTime } = opts;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const err = new HeadTail(32 * 1024);
    let out = '';
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => err.push(d));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (!onOutTime) {
        out += d;
        return;
      }
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        // out_time_ms is microseconds despite its name (an old ffmpeg quirk); newer builds add out_time_us.
        const m = /^out_time_(?:ms|us)=(\d+)$/.exec(line);
        if (m?.[1]) onOutTime(Number(m[1]) / 1000);
      }
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 3000);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(failure('internal', 'media:startFailed', { tool: path.basename(binary), detail: e.message }));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (signal?.aborted) reject(abortReason(signal));
      else if (code === 0) resolve({ stdout: out, stderr: err.text() });
      else reject(new MediaToolFailed(path.basename(binary), code, err.text()));
    });
  });
}

export function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('[…]'))
    .slice(-n)
    .join(' | ');
}

/** What went wrong, read from ffmpeg's stderr. */
export type FailureKind = 'disk_full' | 'read_only' | 'permission' | 'missing' | 'invalid_data' | 'other';

export function classifyFailure(stderr: string): { kind: FailureKind; file: string | null } {
  // The concat demuxer names the file it could not open: "Impossible to open '/x/y.mp4'".
  const opened = /Impossible to open '([^']+)'/.exec(stderr);
  let file: string | null = opened?.[1] ?? null;
  if (/No space left on device/i.test(stderr)) return { kind: 'disk_full', file: null };
  if (/Read-only file system/i.test(stderr)) return { kind: 'read_only', file: null };
  const perFile = /^(.+?): (No such file or directory|Permission denied|Invalid data found when processing input|moov atom not found)\s*$/m.exec(stderr);
  if (!file && perFile?.[1] && !perFile[1].startsWith('[')) file = perFile[1];
  if (/Permission denied/i.test(stderr)) return { kind: 'permission', file };
  if (/No such file or directory/i.test(stderr)) return { kind: 'missing', file };
  if (/Invalid data found|moov atom not found|Invalid NAL|error while decoding|corrupt|truncat|End of file/i.test(stderr)) return { kind: 'invalid_data', file };
  return { kind: 'other', file };
}

/** Node errno → the same kinds, for our own file operations around ffmpeg. */
export function kindOfErrno(e: unknown): FailureKind {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
  if (code === 'EROFS') return 'read_only';
  if (code === 'EACCES' || code === 'EPERM') return 'permission';
  if (code === 'ENOENT') return 'missing';
  return 'other';
}

/** The error a person sees when an output file could not be written. */
export function outputError(kind: FailureKind, outFile: string, detail: string): CustodianError {
  const dir = path.dirname(outFile);
  switch (kind) {
    case 'disk_full':
      return failure('internal', 'media:diskFull', { folder: dir, file: path.basename(outFile) }, { file: outFile });
    case 'read_only':
    case 'permission':
      return failure('invalid_request', 'media:folderReadOnly', { folder: dir, file: path.basename(outFile) }, { file: outFile });
    case 'missing':
      return failure('invalid_request', 'media:folderMissing', { folder: dir }, { file: outFile });
    default:
      return failure('internal', 'media:writeFailed', { file: path.basename(outFile), detail }, { file: outFile });
  }
}

/** The error a person sees when an input video cannot be used (missing, unreadable, damaged). */
export function inputError(input: string, e: unknown): CustodianError {
  if (e instanceof CustodianError) return e;
  const stderr = e instanceof MediaToolFailed ? e.stderr : e instanceof Error ? e.message : String(e);
  const { kind } = classifyFailure(stderr);
  if (kind === 'missing') return failure('invalid_request', 'media:videoMissing', { file: input });
  if (kind === 'permission') return failure('invalid_request', 'media:videoDenied', { file: input });
  return failure('invalid_request', 'media:videoDamaged', { file: input, detail: lastLines(stderr.split(input + ': ').join(''), 1) || { key: 'media:unreadable' } }, { file: input });
}

/** The temporary name a result is written under until it is complete. */
export function partialName(out: string): string {
  return out + '.partial';
}

/**
 * Prepares `out + '.partial'`: refuses to replace an existing `out`, removes a partial left
 * by a crash, and creates the partial once ourselves so a read-only or missing folder fails
 * here with a clear message (this works even for root, for whom permission bits don't apply
 * but a read-only mount does).
 */
export async function preparePartial(out: string): Promise<string> {
  const partial = partialName(out);
  const existing = await stat(out).catch(() => null);
  if (existing) throw failure('conflict', 'media:exists', { file: out });
  await removeWorkingFile(partial).catch(() => undefined);
  try {
    const fh = await open(partial, 'wx');
    await fh.close();
  } catch (e) {
    throw outputError(kindOfErrno(e), out, (e as Error).message);
  }
  return partial;
}

/**
 * Makes a finished partial durable and gives it its final name: fsync the file, rename, fsync
 * the folder (so the rename itself survives a power cut). After a crash there is either no
 * file at `out` or a complete one.
 */
export async function commitPartial(partial: string, out: string): Promise<void> {
  try {
    const fh = await open(partial, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (await stat(out).catch(() => null)) throw failure('conflict', 'media:appeared', { file: out });
    await rename(partial, out);
  } catch (e) {
    if (e instanceof CustodianError) throw e;
    throw outputError(kindOfErrno(e), out, (e as Error).message);
  }
  try {
    const dh = await open(path.dirname(out), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Opening a folder for fsync is not possible on every platform (Windows); the rename stands.
  }
}

/** A progress callback that only ever moves forward (ffmpeg's reports can repeat or step back). */
export function monotonicProgress(onProgress: ((fraction: number) => void) | undefined): (fraction: number) => void {
  let reported = -1;
  return (f) => {
    if (onProgress && f > reported) {
      reported = f;
      onProgress(f);
    }
  };
}

export async function removeQuietly(file: string): Promise<void> {
  await removeWorkingFile(file).catch(() => undefined);
}

/** The first line of ffmpeg's banner ("ffmpeg version N-47683-g0e8eb07980-static"), for manifests. */
export function ffmpegVersion(stderr: string): string | null {
  const m = /^ffmpeg version (\S+)/m.exec(stderr);
  return m?.[1] ?? null;
}

/** Runs at most `limit` tasks at once; results keep the input order. Every task settles. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
