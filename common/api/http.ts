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
/** The language the page shows (sent with each call), so the server words its answers in it; else the site's. */
export const LANG_HEADER = 'x-custodian-lang';
/** Largest request body accepted (bytes); an API request is a few hundred. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  refused_by_safety_rule: 409,
  rate_limited: 429,
  internal: 500,
};

/**
 * The stylesheet of Custodian's printable HTML documents (handover receipts, the compliance
 * report), inline in each so a document opened from disk looks the same as one served. It is the
 * only inline style the policy below allows, by its SHA-256 (DOCUMENT_STYLE_HASH; a test checks
 * the two agree): a change here needs the new hash there.
 */
export const DOCUMENT_CSS = [
  'body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#111}',
  'table{border-collapse:collapse;width:100%;margin-bottom:1em}',
  'td,th{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}',
  '.receipt{margin:2cm}.receipt td{padding:6px}.receipt td:first-child{width:35%;font-weight:bold}',
  '.sign{margin-top:3em;display:flex;gap:3em}.sign div{flex:1;border-top:1px solid #000;padding-top:4px}',
].join('');
export const DOCUMENT_STYLE_HASH = "'sha256-HX+wRvfHBsYGzjInsR70IXZWAVbd6wrf7OjYvJeamEM='";

/**
 * Strict: only our own scripts, styles, images and media; no inline script, no inline style but
 * the documents' one stylesheet (by hash), no plug-ins, no framing, no form posts elsewhere, no
 * base-URL tricks. The UI, the desktop app and the HTML documents all carry exactly this.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${DOCUMENT_STYLE_HASH}`,
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

/** What can be streamed: a recorder's segment, an incident's archived clip, an access request's clip or masked copy. */
export const FOOTAGE_KINDS = ['segment', 'clip', 'request-clip'] as const;
export type FootageKind = (typeof FOOTAGE_KINDS)[number];

export function isFootageKind(kind: string): kind is FootageKind {
  return (FOOTAGE_KINDS as readonly string[]).includes(kind);
}

export function mediaPath(kind: FootageKind, id: number): string {
  return `${MEDIA_PREFIX}${kind}/${id}`;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The <head> content of a printable document: its character set, the same Content-Security-
 * Policy as the UI (as a meta tag, so it holds for the file opened from disk as well as served;
 * browsers ignore frame-ancestors there, the served header carries it), its title and the
 * document stylesheet.
 */
export function documentHead(title: string): string {
  return `<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><title>${escapeHtml(title)}</title><style>${DOCUMENT_CSS}</style>`;
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
