/**
 * How the command line talks: one JSON document with --json, text otherwise; errors as one
 * sentence on stderr. Text is worded in the reader's language: `--lang`, else the data folder's
 * `language` setting once it is open, else Swedish (the catalogue's first language).
 */
import { CustodianError, type ErrorCode } from '../common/errors.js';
import { formatIso } from '../common/i18n/dates.js';
import { english, translator, type Language, type Msg, type Translate } from '../common/i18n/catalog.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The language text is worded in; set from --lang or the data folder's setting (see cli/context.ts). */
  language?: Language;
}

/** The reader's words: `t('cli:…')`, and any Msg the core returns. */
export function words(io: Io): Translate {
  return translator(io.language ?? 'sv');
}

/** An ISO 8601 time from the core as the reader reads it ("2 dec. 2026 15:10"); null or empty as "—". */
export function when(io: Io, iso: string | null | undefined): string {
  return iso ? formatIso(iso, io.language ?? 'sv') : '—';
}

/** A sentence from the core in the reader's words: its Msg if it has one, else its text. */
export function sentence(io: Io, msg: Msg | null | undefined, text: string): string {
  return msg ? words(io)(msg) : text;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

export class UsageError extends Error {
  /** The sentence for the reader's words (the message is its English form). */
  readonly msg: Msg | undefined;
  constructor(message: string, msg?: Msg) {
    super(message);
    this.msg = msg;
  }
}

/** A usage error worded from the catalogue. */
export function usage(key: string, params: Msg['params'] = {}): UsageError {
  const msg: Msg = { key, params };
  return new UsageError(english(msg), msg);
}

export function exitCodeFor(code: ErrorCode): number {
  return code === 'refused_by_safety_rule' ? EXIT.refused : EXIT.failed;
}

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** An error as the command line reports it: `text` in the reader's words, `message` the English log form (for --json). */
export function errorLine(e: unknown, io?: Io): { message: string; text: string; exit: number; code: string; msg?: Msg } {
  const msg = e instanceof CustodianError || e instanceof UsageError ? e.msg : undefined;
  const p = e instanceof CustodianError ? { message: e.message, exit: exitCodeFor(e.code), code: e.code } : plainError(e);
  return { ...p, text: io && msg ? words(io)(msg) : p.message, ...(msg ? { msg } : {}) };
}

function plainError(e: unknown): { message: string; exit: number; code: string } {
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
