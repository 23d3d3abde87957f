/**
 * The window's security settings and checks, kept free of `electron` imports so they can be
 * unit-tested under Node (Electron's security checklist: contextIsolation, sandbox, no
 * nodeIntegration, a strict CSP, no remote content, navigation and new windows blocked, IPC
 * senders checked).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { CONTENT_SECURITY_POLICY as HTTP_CSP } from '../common/api/http.js';

/**
 * The app's own pages and footage are served from this privileged scheme, never from file:// or
 * http(s); footage under /media/ as in browser mode.
 */
export const APP_SCHEME = 'custodian-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Every IPC channel of the app carries this prefix; nothing else is handled. */
export const IPC_PREFIX = 'custodian:';
export const EVENT_CHANNEL = `${IPC_PREFIX}event`;

/**
 * Content-Security-Policy of every page: the same as browser mode (common/api/http.ts): scripts,
 * styles, images and media only from the app itself, no inline code, no frames, no plug-ins.
 */
export const CONTENT_SECURITY_POLICY = HTTP_CSP;

export interface WindowPaths {
  readonly preload: string;
  readonly icon?: string;
}

export function mainWindowOptions(paths: WindowPaths, title: string): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    title,
    show: false,
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    ...(paths.icon ? { icon: paths.icon } : {}),
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      safeDialogs: true,
      spellcheck: false,
      devTools: process.env.CUSTODIAN_DEVTOOLS === '1',
    },
  };
}

/** Is this URL one of the app's own pages? Anything else is never loaded in the window. */
export function isAppUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** Navigation inside the window: only to the app's own pages (in practice: never; the UI routes itself). */
export function allowNavigation(raw: string): boolean {
  return isAppUrl(raw);
}

/**
 * Checks that an IPC message comes from our own top-level frame (not a subframe, not a page that
 * navigated elsewhere) before its payload is even parsed.
 */
export function isTrustedSender(frame: { url: string; parent?: unknown } | null | undefined, mainFrameOnly = true): boolean {
  if (!frame) return false;
  if (mainFrameOnly && frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}

/** Permissions a page may request (camera, notifications, geolocation …): none. */
export function allowPermission(_permission: string): boolean {
  return false;
}

/** The headers every app page and asset is served with. */
export function pageHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
};

export function mimeOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 ? MIME[file.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
}
