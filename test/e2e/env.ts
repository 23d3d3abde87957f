/**
 * What the end-to-end tests run against: a small generated demo (the demo recorder's four
 * cameras, a few days, the last half hour real footage with true times burned in), one user per
 * role, the renderer built, and the real `custodian serve` on a free loopback port; Chromium
 * from the system (playwright-core, never a downloaded browser).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { setCamera } from '../../core/cameras.js';
import { openCtx } from '../../core/context.js';
import { scanAll } from '../../core/indexer.js';
import { addRoot } from '../../core/roots.js';
import { addUser } from '../../core/users.js';
import { buildDemo } from '../../fixtures/demo.js';
import type { Role } from '../../common/permissions.js';

export const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=sv-SE'];
export const ROLE_PASSWORD: Readonly<Record<Role, string>> = { officer: 'e2e-officer-password', hr: 'e2e-hr-password', dpo: 'e2e-dpo-password', admin: 'e2e-admin-password' };
export const SCREENSHOTS = path.join(TOP, 'test-artifacts', 'screenshots');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer (vite) unless dist-renderer/ is newer than every source file. */
export async function ensureRendererBuilt(): Promise<string> {
  const out = path.join(TOP, 'dist-renderer');
  const index = path.join(out, 'index.html');
  const sources = Math.max(newest(path.join(TOP, 'renderer')), newest(path.join(TOP, 'common')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    const { build } = await import('vite');
    await build({ root: path.join(TOP, 'renderer'), configFile: path.join(TOP, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
  return out;
}

export interface DemoEnv {
  dataDir: string;
  recorder: string;
  from: number;
  to: number;
  realFrom: number;
}

/** A small demo with users; `days` of 10-minute segments, the last `recentMinutes` real. */
export async function makeDemo(dir: string, opts: { days?: number; recentMinutes?: number } = {}): Promise<DemoEnv> {
  const nowMs = Date.now();
  const demo = await buildDemo({ out: dir, nowMs, days: opts.days ?? 3, recentMinutes: opts.recentMinutes ?? 30 });
  const dataDir = path.join(dir, 'data');
  const ctx = openCtx({ dataDir });
  try {
    addRoot(ctx, { path: demo.recorderRoot, layout: demo.layout });
    scanAll(ctx);
    for (const cam of demo.cameras) setCamera(ctx, cam.id, { name: cam.name, zone: cam.zone });
    for (const role of Object.keys(ROLE_PASSWORD) as Role[]) await addUser(ctx, { name: role, role, password: ROLE_PASSWORD[role] });
  } finally {
    ctx.close();
  }
  return { dataDir, recorder: demo.recorderRoot, from: demo.from, to: demo.to, realFrom: demo.realFrom };
}

export interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real `custodian serve` (built CLI) on a free port and waits for its URL. */
export async function serve(dataDir: string): Promise<Served> {
  const cli = path.join(TOP, 'bin', 'custodian.js');
  const child = spawn(process.execPath, [cli, '--data', dataDir, '--json', 'serve', '--port', '0'], { cwd: TOP, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`custodian serve did not start: ${err}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url.replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => reject(new Error(`custodian serve exited (${code}): ${err}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function newPage(browser: Browser, width = 1400, height = 1000): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

export async function login(page: Page, base: string, role: Role): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Användarnamn').fill(role);
  await page.getByLabel('Lösenord').fill(ROLE_PASSWORD[role]);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByTestId('whoami').waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByRole('button', { name: 'Logga in' }).waitFor();
}

let axeSource: string | null = null;

/**
 * The few DOM shapes the tests read inside the page (the Node-side tsconfig has no DOM library,
 * on purpose); functions passed to page.evaluate cast globalThis to this.
 */
export interface PageGlobals {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null; readyState?: number; currentTime?: number } | null };
  axe?: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
  __progress?: number;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does not
 * govern): WCAG 2 A and AA rules, which include labels, names, contrast and keyboard reach.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(path.join(TOP, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals;
    if (!g.axe) throw new Error('axe-core did not load');
    const r = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

export function describeViolations(v: readonly AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n  ${x.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');
}

/** Pixel x of an instant on a timeline row (the row is a slider whose min/max are the view). */
export async function xOf(page: Page, camera: string, ms: number): Promise<{ x: number; y: number }> {
  const row = page.locator(`.tl-line[data-camera="${camera}"] [role="slider"]`);
  const min = Number(await row.getAttribute('aria-valuemin'));
  const max = Number(await row.getAttribute('aria-valuemax'));
  const box = await row.locator('svg').boundingBox();
  if (!box) throw new Error('timeline row not visible');
  return { x: box.x + ((ms - min) / (max - min)) * box.width, y: box.y + box.height / 2 };
}
