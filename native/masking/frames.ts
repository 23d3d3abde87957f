/**
 * Sampled frames of a clip as raw RGB, straight from ffmpeg (the bundled binary), with the time
 * each one really has. The samples lie on one grid over the whole clip, sample k being the first
 * frame at or after k / rate seconds of the clip's timeline, so a clip cut into chunks (one per
 * worker) gives the same samples as the clip read whole.
 *
 * Times: ffmpeg's `select` picks the frames and `showinfo` prints each picked frame's time on
 * stderr in the order the frames leave on stdout; the two are paired one to one (the output
 * runs with `-vsync passthrough`, so no frame is duplicated or dropped after the filters). A
 * frame's clip time is its presentation time minus the file's start time, the same `t` the
 * burn-in's filters see (with `-ss S`, ffmpeg shifts times by S too, and we add it back).
 */
import { spawn } from 'node:child_process';

export interface SampleWindow {
  /** Seconds of the clip's timeline where this chunk starts (a multiple of 1 / rate). */
  readonly fromS: number;
  /** Seconds of footage to read. */
  readonly durationS: number;
  /** Samples per second. */
  readonly rate: number;
}

export interface SampledFrame {
  /** Milliseconds of the clip's timeline. */
  readonly t: number;
  readonly rgb: Buffer;
}

export interface SampleResult {
  readonly frames: number;
  /** ffmpeg's exit code and the tail of what it said (decode errors land here). */
  readonly exitCode: number | null;
  readonly stderrTail: string;
}

/** The `select` expression for one chunk: the first frame of each 1/rate bucket of clip time. */
export function selectExpr(fromS: number, rate: number): string {
  const bucket = (v: string): string => `floor((${v}+${fromS.toFixed(6)})*${rate}+1e-6)`;
  return `isnan(prev_selected_t)+gt(${bucket('t')},${bucket('prev_selected_t')})`;
}

/**
 * Decodes one window of the clip and calls `onFrame` for each sampled frame, in order. Resolves
 * when ffmpeg has ended; ffmpeg's exit code and errors are returned, not thrown, so the caller
 * decides what a damaged clip means.
 */
export function sampleFrames(
  ffmpeg: string,
  clip: string,
  width: number,
  height: number,
  win: SampleWindow,
  onFrame: (f: SampledFrame) => Promise<void>,
  signal?: AbortSignal,
): Promise<SampleResult> {
  const frameBytes = width * height * 3;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'info', '-threads', '1',
    '-ss', win.fromS.toFixed(6), '-t', win.durationS.toFixed(6), '-i', clip,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', `select='${selectExpr(win.fromS, win.rate)}',showinfo`,
    '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const times: number[] = [];
    const pending: Buffer[] = [];
    let chunks: Buffer[] = [];
    let have = 0;
    let stderrLine = '';
    let tail: string[] = [];
    let frames = 0;
    let working: Promise<void> = Promise.resolve();
    let failed: unknown = null;
    let paused = false;

    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const drain = (): void => {
      while (pending.length > 0 && times.length > 0) {
        const rgb = pending.shift() as Buffer;
        // Microsecond precision: the sum of two decimals must not come out as 1200.0000000000002 ms.
        const t = Math.round((win.fromS + (times.shift() as number)) * 1e6) / 1000;
        frames++;
        working = working.then(() => (failed ? undefined : onFrame({ t, rgb }))).catch((e: unknown) => {
          failed = failed ?? e;
          child.kill('SIGKILL');
        });
      }
      // Back-pressure: at most a few frames wait for the detector (1080p is 6 MB each).
      if (pending.length > 2 && !paused) {
        paused = true;
        child.stdout.pause();
        void working.then(() => {
          paused = false;
          child.stdout.resume();
        });
      }
    };

    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      have += d.length;
      while (have >= frameBytes) {
        const all = Buffer.concat(chunks);
        pending.push(all.subarray(0, frameBytes));
        const rest = all.subarray(frameBytes);
        chunks = rest.length > 0 ? [rest] : [];
        have = rest.length;
      }
      drain();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderrLine += d;
      let nl;
      while ((nl = stderrLine.search(/[\r\n]/)) >= 0) {
        const line = stderrLine.slice(0, nl);
        stderrLine = stderrLine.slice(nl + 1);
        const m = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+(?:e-?\d+)?)/.exec(line);
        if (m?.[1] !== undefined) times.push(Number(m[1]));
        else if (line.trim()) tail = [...tail.slice(-7), line.trim()];
      }
      drain();
    });
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      drain();
      void working.then(() => {
        if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
        else if (failed) reject(failed);
        else resolve({ frames, exitCode: code, stderrTail: tail.join(' | ') });
      });
    });
  });
}
