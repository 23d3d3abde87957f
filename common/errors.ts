/**
 * Errors that cross a boundary (CLI exit code, API `{ok:false,error}`) carry a stable code a
 * program can act on and a message a person can read.
 */
import { english, type Msg } from './i18n/catalog.js';

export const ERROR_CODES = [
  'unauthenticated',
  'forbidden',
  'invalid_request',
  'not_found',
  'conflict',
  'refused_by_safety_rule',
  /** Too many attempts at once or in a row (logins): try again after the time the answer names. */
  'rate_limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class CustodianError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** The sentence as catalogue key and parameters, for faces that render it (Swedish first). */
  readonly msg: Msg | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, msg?: Msg) {
    super(message);
    this.name = 'CustodianError';
    this.code = code;
    this.details = details;
    this.msg = msg;
  }
}

/**
 * An error whose sentence lives in the catalogue (`key` is "ns:key"): `message` is its English
 * rendering for logs, `msg` lets a face render it in the reader's language.
 */
export function failure(code: ErrorCode, key: string, params: Msg['params'] = {}, details?: Record<string, unknown>): CustodianError {
  const msg: Msg = { key, params };
  return new CustodianError(code, english(msg), details ?? { ...params }, msg);
}

export const invalid = (message: string, details?: Record<string, unknown>): CustodianError =>
  new CustodianError('invalid_request', message, details);
export const notFound = (message: string): CustodianError => new CustodianError('not_found', message);
export const conflict = (message: string): CustodianError => new CustodianError('conflict', message);
export const refused = (message: string, details?: Record<string, unknown>): CustodianError =>
  new CustodianError('refused_by_safety_rule', message, details);

export function isCustodianError(e: unknown): e is CustodianError {
  return e instanceof CustodianError;
}

/** A person-readable message for anything thrown. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
