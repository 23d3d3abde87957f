/**
 * The desktop app's main process, kept thin: a single instance; the service process (core,
 * retention, API, footage) in an Electron utility process, never on this thread; one hardened
 * window (see security.ts) on the app's own scheme; IPC handlers generated from the contract;
 * footage through the same scheme with Range; a tray with the service's status.
 *
 *   custodian-desktop [--data DIR]     (or CUSTODIAN_DATA; default the per-user data folder)
 */
import { app, BrowserWindow, ipcMain, Menu, nativeImage, protocol, session, Tray, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendClient } from './backend-client.js';
import type { FromBackend, Port, ToBackend, TrayStatus } from './backend-protocol.js';
import { registerApiHandlers, type IpcMainLike } from './ipc.js';
import { assetFile, classifyAppUrl } from './protocol.js';
import { allowNavigation, allowPermission, APP_ORIGIN, APP_SCHEME, EVENT_CHANNEL, mainWindowOptions, mimeOf, pageHeaders } from './security.js';
import { WindowSessions } from './sessions.js';
import { mainText, trayModel, type MainLang } from './tray.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..');
const rendererDir = path.join(appRoot, 'dist-renderer');
const iconDir = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(appRoot, 'build', 'icons');
/** Swedish unless the system asks for English (read after `ready`, when the locale is known). */
let lang: MainLang = 'sv';

// Before `ready`: our scheme is a standard, secure origin that may stream (video Range requests).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
app.enableSandbox();

let win: BrowserWindow | null = null;
let tray: Tray | null = null;
let service: UtilityProcess | null = null;
let client: BackendClient | null = null;
let sessions: WindowSessions | null = null;
let quitting = false;

function dataDir(): string | undefined {
  const i = process.argv.indexOf('--data');
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env.CUSTODIAN_DATA;
}

function servicePort(child: UtilityProcess): Port<FromBackend, ToBackend> {
  return {
    post: (m) => child.postMessage(m),
    onMessage: (l) => {
      const h = (m: unknown): void => l(m as FromBackend);
      child.on('message', h);
      return () => child.off('message', h);
    },
  };
}

function startService(): BackendClient {
  const args = dataDir() ? ['--data', dataDir() as string] : [];
  service = utilityProcess.fork(path.join(here, 'backend.js'), args, { serviceName: 'Custodian service', stdio: 'inherit' });
  const c = new BackendClient(servicePort(service));
  c.onLog((line) => console.log(`[service] ${line}`));
  c.onTray((s) => updateTray(s));
  service.on('exit', (code) => {
    c.fail(mainText(lang, 'errors.service', { reason: `exit ${code}` }));
    service = null;
    if (!quitting) console.error(`The Custodian service process ended (code ${code}).`);
  });
  return c;
}

async function handleAppRequest(req: Request): Promise<Response> {
  const what = classifyAppUrl(req.url);
  if (what.kind === 'refused') return new Response('Not found', { status: 404 });
  if (what.kind === 'media') {
    if (!client || !sessions || !win) return new Response('Unavailable', { status: 503 });
    const token = sessions.token(win.webContents.id);
    const head = await client.media(token, what.media, what.id, req.headers.get('range') ?? undefined);
    return new Response(head.body ?? head.error ?? null, { status: head.status, headers: head.headers });
  }
  const file = assetFile(rendererDir, what.rel);
  if (!file) return new Response('Not found', { status: 404 });
  return new Response(new Uint8Array(await readFile(file)), { status: 200, headers: pageHeaders(mimeOf(file)) });
}

function harden(wc: WebContents): void {
  wc.on('will-navigate', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  wc.on('will-redirect', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow(mainWindowOptions({ preload: path.join(here, 'preload.cjs'), icon: path.join(iconDir, 'icon.png') }, 'Custodian'));
  const id = w.webContents.id;
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    sessions?.drop(id, true);
    win = null;
  });
  void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}

function showWindow(): void {
  if (!win) win = createWindow();
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function updateTray(status: TrayStatus | null): void {
  if (!tray) return;
  const m = trayModel(status, lang);
  tray.setToolTip(m.tooltip);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      ...m.lines.map((label) => ({ label, enabled: false })),
      { type: 'separator' as const },
      { label: mainText(lang, 'tray.open'), click: () => showWindow() },
      { label: mainText(lang, 'tray.quit'), click: () => app.quit() },
    ]),
  );
}

async function start(): Promise<void> {
  lang = app.getLocale().toLowerCase().startsWith('en') ? 'en' : 'sv';
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  // No remote content: nothing leaves this computer from the window.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] }, (_d, cb) => cb({ cancel: true }));
  protocol.handle(APP_SCHEME, (req) => handleAppRequest(req));

  client = startService();
  const c = client;
  sessions = new WindowSessions({ call: (t, op, body) => c.call(t, op, body), subscribe: (t, l) => c.subscribe(t, l) }, (senderId, event) => {
    if (win && !win.isDestroyed() && win.webContents.id === senderId) win.webContents.send(EVENT_CHANNEL, event);
  });
  registerApiHandlers(ipcMain as unknown as IpcMainLike, sessions);

  tray = new Tray(nativeImage.createFromPath(path.join(iconDir, 'tray.png')));
  updateTray(null);
  tray.on('click', () => showWindow());

  win = createWindow();
  try {
    await c.ready;
  } catch (e) {
    console.error(`${mainText(lang, 'errors.title')}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_e, wc) => harden(wc));
  // Closing the window keeps the service (and retention) running in the tray.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (e) => {
    if (quitting || !service) return;
    quitting = true;
    e.preventDefault();
    const child = service;
    const done = (): void => app.quit();
    child.once('exit', done);
    client?.stop();
    setTimeout(() => child.kill(), 10_000).unref();
  });
  void app.whenReady().then(start);
}
