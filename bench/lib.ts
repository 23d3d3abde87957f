/** Shared bench helpers: run a command, time it, take medians, print one ratio line. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
/** The command under test; BENCH_CLI measures another build (e.g. bench/out/before/bin/custodian.js, a copy of dist/ from before a change). */
export const CLI = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'custodian.js');

export function timeCommand(cmd: string, args: readonly string[], opts: { shell?: boolean; env?: NodeJS.ProcessEnv } = {}): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args as string[], { encoding: 'utf8', maxBuffer: 1 << 30, shell: opts.shell ?? false, env: { ...process.env, ...opts.env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function custodian(data: string, args: readonly string[]): { ms: number; stdout: string } {
  // BENCH_PROF=folder: every run leaves a CPU profile there (where the time goes).
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : [];
  return timeCommand(process.execPath, [...prof, CLI, '--data', data, ...args]);
}

/**
 * `custodian init` on a bench tree. --adopt: an earlier bench run's installation left its
 * sentinel there (the tree is cached), and no holds ever applied to a bench tree.
 */
export function initOn(data: string, root: string, layout: string): void {
  custodian(data, ['init', '--storage', root, '--layout', layout, '--adopt']);
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

/** The command line of a scale bench: `--shape`, `--sizes`, `--mode`, `--runs`, `--small` (the CI run). */
export interface ScaleArgs {
  readonly shapes: ('frigate' | 'five-min')[];
  readonly sizes: ('ci' | '1m' | '2.5m' | '5m')[];
  readonly modes: ('recorder' | 'recent')[];
  readonly runs: number;
  readonly small: boolean;
  readonly flags: ReadonlyMap<string, string>;
}

export function scaleArgs(argv: readonly string[], defaults: { shapes?: string; sizes?: string; modes?: string; runs?: number } = {}): ScaleArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('--')) flags.set(a.slice(2), argv[++i] as string);
    else flags.set(a.slice(2), 'true');
  }
  const small = flags.get('small') === 'true' || process.env.BENCH_SMALL === '1';
  const list = <T extends string>(key: string, dflt: string, allowed: readonly T[]): T[] => {
    const v = (flags.get(key) ?? dflt).split(',').filter(Boolean);
    for (const x of v) if (!allowed.includes(x as T)) throw new Error(`--${key}: "${x}" is not one of ${allowed.join(', ')}`);
    return v as T[];
  };
  return {
    shapes: list('shape', defaults.shapes ?? 'frigate', ['frigate', 'five-min'] as const),
    sizes: small ? ['ci'] : list('sizes', defaults.sizes ?? '1m,2.5m,5m', ['ci', '1m', '2.5m', '5m'] as const),
    modes: list('mode', defaults.modes ?? 'recorder', ['recorder', 'recent'] as const),
    runs: Number(flags.get('runs') ?? (small ? 1 : (defaults.runs ?? 3))),
    small,
    flags,
  };
}

/** The machine's load, printed beside every figure (the machine is shared). */
export function loadNote(): string {
  const [one, five] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load ${one}/${five} (1/5 min) on ${availableParallelism()} cores`;
}

export function rssMb(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024, peak: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024 };
  } catch {
    return null;
  }
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))] ?? Number.NaN;
}

export const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
export const perFile = (ms: number, n: number): string => `${((ms * 1000) / Math.max(1, n)).toFixed(2)} µs`;
