/** How the command line talks: one JSON document with --json, text otherwise; errors as one sentence on stderr. */
import { CustodianError, type ErrorCode } from '../common/errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

export class UsageError extends Error {}

export function exitCodeFor(code: ErrorCode): number {
  return code === 'refused_by_safety_rule' ? EXIT.refused : EXIT.failed;
}

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

export function errorLine(e: unknown): { message: string; exit: number; code: string } {
  if (e instanceof CustodianError) return { message: e.message, exit: exitCodeFor(e.code), code: e.code };
  if (e instanceof UsageError) return { message: e.message, exit: EXIT.usage, code: 'invalid_request' };
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
    return { message: `${err.message}.`, exit: EXIT.failed, code: 'internal' };
  }
  return { message: err?.message ?? String(e), exit: EXIT.failed, code: 'internal' };
}

/** A terse table for people. */
export function table(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}
