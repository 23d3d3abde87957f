import { isLanguage } from '../common/i18n/catalog.js';
import { openCtx, defaultDataDir, type Ctx } from '../core/context.js';
import { usage, type Io } from './io.js';

export interface GlobalOptions {
  data?: string;
  json?: boolean;
  lang?: string;
}

/** The reader's language: --lang, else the data folder's setting (once, when a command opens it). */
export function settleLanguage(opts: GlobalOptions, io: Io, ctx: Ctx | null): void {
  if (opts.lang !== undefined) {
    if (!isLanguage(opts.lang)) throw usage('cli:langChoice', { value: opts.lang });
    io.language = opts.lang;
  } else if (ctx && io.language === undefined) {
    io.language = ctx.settings().language;
  }
}

export function dataDirFrom(opts: GlobalOptions, io: Io): string {
  return opts.data ?? io.env.CUSTODIAN_DATA ?? defaultDataDir();
}

/**
 * CUSTODIAN_TEST_NOW (ISO or ms) sets the clock, for tests and demos that must move time
 * (a clock set back, a recording turning two months old). It is reported in every audit event's
 * time, so it cannot hide in production logs.
 */
export function clockFrom(io: Io): (() => number) | undefined {
  const fixed = io.env.CUSTODIAN_TEST_NOW;
  if (!fixed) return undefined;
  const ms = /^\d+$/.test(fixed) ? Number(fixed) : Date.parse(fixed);
  if (!Number.isFinite(ms)) return undefined;
  const offset = ms - Date.now();
  return () => Date.now() + offset;
}

export function withCtx<T>(opts: GlobalOptions, io: Io, fn: (ctx: Ctx) => T, mustExist = true): T {
  const now = clockFrom(io);
  settleLanguage(opts, io, null);
  const ctx = openCtx({ dataDir: dataDirFrom(opts, io), mustExist, ...(now ? { now } : {}) });
  try {
    settleLanguage(opts, io, ctx);
    return fn(ctx);
  } finally {
    ctx.close();
  }
}

export async function withCtxAsync<T>(opts: GlobalOptions, io: Io, fn: (ctx: Ctx) => Promise<T>, mustExist = true): Promise<T> {
  const now = clockFrom(io);
  settleLanguage(opts, io, null);
  const ctx = openCtx({ dataDir: dataDirFrom(opts, io), mustExist, ...(now ? { now } : {}) });
  try {
    settleLanguage(opts, io, ctx);
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}
