/**
 * The UI under a large index, in headless Chromium (playwright-core with the system's Chromium):
 * a 1,000,000-segment index (50 cameras × 70 days × 286 five-minute segments — two gaps a
 * day — rows inserted directly), browser mode (the real server and the built renderer), an officer logged in.
 *  - first contentful paint of the overview (the paint timing entry), and when the overview's
 *    own content (the retention horizon from the status) is on screen; goal FCP ≤ 1.5 s
 *  - time to draw a camera's day on the timeline: from choosing the day to that camera's row
 *    drawn with the day's segments (request, JSON, runs, SVG, a frame); goal ≤ 200 ms
 * Baseline for both: the same measurements on an index of one camera over nine days (about
 * 2,500 segments), so the ratio shows what the million rows cost. Run:  npx tsx bench/ui.bench.ts
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureCamera } from '../db/cameras.js';
import { upsertDir } from '../db/dirs.js';
import { insertSegments, type NewSegment } from '../db/segments.js';
import { openCtx } from '../core/context.js';
import { addRoot } from '../core/roots.js';
import { addUser } from '../core/users.js';
import { CustodianServer } from '../server/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, type PageGlobals } from '../test/e2e/env.js';
import { BENCH_OUT, median } from './lib.js';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 70);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PER_DAY = 288;
const SEG = 300_000;
const DAY = 86_400_000;
const PASSWORD = 'bench ui password';

interface Setup {
  url: string;
  stop(): Promise<void>;
  camera: string;
  days: string[];
}

async function setup(name: string, cameras: number, days: number): Promise<Setup> {
  const dir = path.join(BENCH_OUT, name);
  rmSync(dir, { recursive: true, force: true });
  const rec = path.join(dir, 'rec');
  mkdirSync(rec, { recursive: true });
  // Whole UTC days ending at today's midnight, so every day shown is full.
  const last = Math.floor(Date.now() / DAY) * DAY;
  const first = last - days * DAY;
  const ctx = openCtx({ dataDir: path.join(dir, 'data') });
  const root = addRoot(ctx, { path: rec });
  const cams = Array.from({ length: cameras }, (_, i) => `cam${String(i).padStart(2, '0')}`);
  const t = performance.now();
  ctx.db.transaction(() => {
    for (const cam of cams) {
      ensureCamera(ctx.db, cam, first);
      for (let d = 0; d < days; d++) {
        const day = first + d * DAY;
        const dirId = upsertDir(ctx.db, root.id, `${cam}/${new Date(day).toISOString().slice(0, 10)}`, day + DAY);
        const rows: NewSegment[] = [];
        for (let k = 0; k < PER_DAY; k++) {
          const start = day + k * SEG;
          // Two gaps a day, so the timeline has something to draw besides one bar.
          if (k % 144 === 143) continue;
          rows.push({ rootId: root.id, dirId, name: `${String(k).padStart(3, '0')}.mp4`, cameraId: cam, startMs: start, endMs: start + SEG, endSource: 'mtime', size: 50_000_000, mtimeMs: start + SEG });
        }
        insertSegments(ctx.db, rows);
      }
    }
  })();
  ctx.db.exec('ANALYZE');
  const n = (ctx.db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n;
  console.log(`${name}: ${n.toLocaleString('en')} segments (${cameras} cameras × ${days} days) inserted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await addUser(ctx, { name: 'officer', role: 'officer', password: PASSWORD });
  const server = new CustodianServer({ ctx, port: 0, staticDir: path.join(process.cwd(), 'dist-renderer') });
  const { url } = await server.start();
  const dayNames = Array.from({ length: Math.min(days, 8) }, (_, i) => new Date(last - (i + 2) * DAY + 12 * 3_600_000).toISOString().slice(0, 10));
  return {
    url: url.replace(/\/$/, ''),
    // A camera whose row is on screen (rows are virtualised: those off screen do not load).
    camera: cams[Math.min(2, cameras - 1)] as string,
    days: dayNames,
    stop: async () => {
      await server.stop();
      ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measureOverview(page: Page, url: string): Promise<{ fcp: number; content: number }> {
  await page.goto('about:blank');
  await page.goto(`${url}/#/overview`);
  // (A function, not a string: the page's CSP forbids eval, which string predicates need.)
  const content = await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('[data-testid="horizon"]') ? performance.now() : 0), undefined, { polling: 'raf', timeout: 60_000 });
  const fcp = await page.evaluate(`(() => { const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : -1; })()`);
  return { fcp: Number(fcp), content: Number(await content.jsonValue()) };
}

/** From setting the day to the camera's row drawn with that day's runs, plus one frame. */
async function measureDay(page: Page, camera: string, day: string): Promise<number> {
  const ms = await page.evaluate(`new Promise((resolve) => {
    const input = document.querySelector('input[type="date"]');
    const row = () => document.querySelector('.tl-line[data-camera="${camera}"] [role="slider"]');
    const before = row()?.getAttribute('aria-valuemin');
    const t0 = performance.now();
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, '${day}');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const check = () => {
      const r = row();
      const svg = r && r.querySelector('svg');
      const moved = r && r.getAttribute('aria-valuemin') !== before;
      if (moved && r.getAttribute('aria-busy') === 'false' && svg && Number(svg.getAttribute('data-runs')) > 0) {
        requestAnimationFrame(() => resolve(performance.now() - t0));
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`);
  return Number(ms);
}

async function run(label: string, cameras: number, days: number): Promise<{ fcp: number; content: number; day: number; dayWarm: number }> {
  const s = await setup(label, cameras, days);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
    const page = await context.newPage();
    await page.goto(`${s.url}/`);
    await page.getByLabel('Användarnamn').fill('officer');
    await page.getByLabel('Lösenord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByTestId('whoami').waitFor();
    const fcps: number[] = [];
    const contents: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await measureOverview(page, s.url);
      fcps.push(r.fcp);
      contents.push(r.content);
    }
    await page.goto(`${s.url}/#/cameras`);
    await page.locator(`.tl-line[data-camera="${s.camera}"] svg`).waitFor();
    await page.waitForFunction((cam) => Number((globalThis as unknown as PageGlobals).document.querySelector(`.tl-line[data-camera="${cam}"] svg`)?.getAttribute('data-runs') ?? '0') > 0, s.camera, { timeout: 60_000 });
    const cold: number[] = [];
    for (const day of s.days.slice(0, RUNS)) cold.push(await measureDay(page, s.camera, day));
    // Back to days already loaded: what panning back and forth costs.
    const warm: number[] = [];
    for (const day of s.days.slice(0, RUNS)) warm.push(await measureDay(page, s.camera, day));
    await context.close();
    return { fcp: median(fcps), content: median(contents), day: median(cold), dayWarm: median(warm) };
  } finally {
    await browser.close();
    await s.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
  await ensureRendererBuilt();
  const base = await run('ui-baseline', 1, 1 + 8);
  const big = await run('ui-1m', CAMERAS, DAYS);
  const line = (what: string, ours: number, baseMs: number, goal: number | null): string =>
    `${what}: ${ours.toFixed(0)} ms on the large index vs ${baseMs.toFixed(0)} ms on the baseline = ${(ours / Math.max(1, baseMs)).toFixed(2)}×${goal === null ? '' : ` (goal ≤ ${goal} ms: ${ours <= goal ? 'met' : 'NOT met'})`}`;
  console.log(`medians of ${RUNS} runs, headless Chromium, ${CAMERAS} cameras (the rows on screen load):`);
  console.log(line('overview first contentful paint', big.fcp, base.fcp, 1500));
  console.log(line('overview content (status) on screen', big.content, base.content, null));
  console.log(line("a camera's day drawn on the timeline (new day)", big.day, base.day, 200));
  console.log(line("a camera's day drawn on the timeline (day already loaded)", big.dayWarm, base.dayWarm, 200));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
