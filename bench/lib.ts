/** Shared bench helpers: run a command, time it, take medians, print one ratio line. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'custodian.js');

export function timeCommand(cmd: string, args: readonly string[], opts: { shell?: boolean; env?: NodeJS.ProcessEnv } = {}): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args as string[], { encoding: 'utf8', maxBuffer: 1 << 30, shell: opts.shell ?? false, env: { ...process.env, ...opts.env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function custodian(data: string, args: readonly string[]): { ms: number; stdout: string } {
  return timeCommand(process.execPath, [CLI, '--data', data, ...args]);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export function ratioLine(what: string, oursMs: number, baseName: string, baseMs: number, goal: string): string {
  return `${what}: custodian ${oursMs.toFixed(0)} ms vs ${baseName} ${baseMs.toFixed(0)} ms = ${(oursMs / baseMs).toFixed(2)}× (goal ${goal})`;
}

/**
 * Gives every folder the mtime a recorder would have left: that of the newest thing in it (a
 * day's folder last changed when its last segment was written). A freshly generated tree has
 * every folder dated now, which no real recorder has.
 */
export function settleFolderTimes(root: string): number {
  let n = 0;
  const walk = (dir: string): number => {
    let newest = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const m = e.isDirectory() ? walk(p) : statSync(p).mtimeMs;
      if (m > newest) newest = m;
    }
    if (newest > 0) utimesSync(dir, new Date(newest), new Date(newest));
    n++;
    return newest;
  };
  walk(root);
  return n;
}
