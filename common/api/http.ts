/**
 * How the contract travels over HTTP (browser mode): paths, the session cookie, status codes and
 * the security policy. The desktop app uses the same Content-Security-Policy.
 */
import type { ErrorCode } from '../errors.js';

/** POST `${API_PREFIX}<operation>` with a JSON body. */
export const API_PREFIX = '/api/';
/** Server-sent events (progress, status) for the logged-in session. */
export const EVENTS_PATH = '/api/events';
/** GET `${MEDIA_PREFIX}segment/<id>` or `${MEDIA_PREFIX}clip/<id>`, with Range. */
export const MEDIA_PREFIX = '/media/';
/** GET `${DOWNLOAD_PREFIX}package/<package id>` (a zip) or `${DOWNLOAD_PREFIX}receipt/<handover id>.<html|pdf>`. */
export const DOWNLOAD_PREFIX = '/download/';
/** PUT `${UPLOAD_PREFIX}<upload id>?path=<path inside the package>` with the file's bytes (verifying a package). */
export const UPLOAD_PREFIX = '/upload/';
export const SESSION_COOKIE = 'custodian_session';
/** Largest request body accepted (bytes); an API request is a few hundred. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  refused_by_safety_rule: 409,
  internal: 500,
};

/**
 * Strict: only our own scripts, styles, images and media; no inline script or style, no
 * plug-ins, no framing, no form posts elsewhere, no base-URL tricks.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function mediaPath(kind: 'segment' | 'clip', id: number): string {
  return `${MEDIA_PREFIX}${kind}/${id}`;
}

export function packageDownloadPath(packageId: string): string {
  return `${DOWNLOAD_PREFIX}package/${encodeURIComponent(packageId)}`;
}

export function receiptDownloadPath(handoverId: number, format: 'html' | 'pdf'): string {
  return `${DOWNLOAD_PREFIX}receipt/${handoverId}.${format}`;
}

export function uploadPath(uploadId: string, relPath?: string): string {
  return `${UPLOAD_PREFIX}${encodeURIComponent(uploadId)}${relPath === undefined ? '' : `?path=${encodeURIComponent(relPath)}`}`;
}
