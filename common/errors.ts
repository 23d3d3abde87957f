/**
 * Errors that cross a boundary (CLI exit code, API `{ok:false,error}`) carry a stable code a
 * program can act on and a message a person can read.
 */
export const ERROR_CODES = [
  'unauthenticated',
  'forbidden',
  'invalid_request',
  'not_found',
  'conflict',
  'refused_by_safety_rule',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class CustodianError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CustodianError';
    this.code = code;
    this.details = details;
  }
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
