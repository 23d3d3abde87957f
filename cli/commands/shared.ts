import type { Command } from 'commander';
import { CustodianError } from '../../common/errors.js';
import { parseUserTime } from '../../common/time.js';
import type { Ctx } from '../../core/context.js';
import { toCsv } from '../../core/logs.js';
import { withCtxAsync } from '../context.js';
import { printJson } from '../io.js';
import type { GlobalOptions } from '../context.js';
import type { Io } from '../io.js';

export interface CliContext {
  readonly io: Io;
  setExit(code: number): void;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`"${value}" is not a whole number`);
  return Number(value);
}

/** The options of one `custodian log NAME` as commander parsed them (strings and flags). */
export type LogOptions = Readonly<Record<string, string | boolean | undefined>>;

/**
 * One `custodian log NAME [--since T] [filters] [--format json|csv]` command: the DPO's logs all
 * read the same way, whatever they hold.
 */
export function registerLog<T extends object>(
  log: Command,
  c: CliContext,
  spec: {
    name: string;
    description: string;
    /** Filters beyond --since: [flags, description] as commander takes them. */
    options?: readonly (readonly [string, string])[];
    read: (ctx: Ctx, sinceMs: number, opts: LogOptions) => Iterable<T> | Promise<Iterable<T>>;
    columns: readonly (keyof T & string)[];
  },
): void {
  const cmd = log
    .command(spec.name)
    .description(spec.description)
    .option('--since <time>', 'ISO 8601 (default: everything)')
    .option('--format <json|csv>', 'output format', 'json');
  for (const [flags, description] of spec.options ?? []) cmd.option(flags, description);
  cmd.action(async (opts: LogOptions & { since?: string; format: string }, command: Command) => {
    const g = globals(command);
    if (opts.format !== 'json' && opts.format !== 'csv') throw new CustodianError('invalid_request', `--format must be json or csv, not "${opts.format}".`);
    await withCtxAsync(g, c.io, async (ctx) => {
      const rows = await spec.read(ctx, opts.since ? parseUserTime(opts.since, ctx.settings().siteTimeZone) : 0, opts);
      if (opts.format === 'csv') for (const line of toCsv(rows, spec.columns)) c.io.out(line);
      else printJson(c.io, { [spec.name]: [...rows] });
    });
  });
}
