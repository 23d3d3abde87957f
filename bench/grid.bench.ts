/**
 * The 2×2 grid starting to play, in headless Chromium on the demo (the demo recorder's four
 * cameras, the last 40 minutes real footage; browser mode, the real server and the built
 * renderer, an officer logged in): from pressing "Spela" on the grid to the first frame of all
 * four tiles presented (requestVideoFrameCallback). Goal ≤ 1 s (issue 15).
 * Baseline: the same on the single-camera player — from pressing play on a paused, loaded
 * player to its first frame — so the ratio shows what playing four at once costs.
 * Needs `npm run build` (the served CLI). Run:  npx tsx bench/grid.bench.ts
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, login, makeDemo, serve, xOf } from '../test/e2e/env.js';
import { BENCH_OUT, median } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MINUTE = 60_000;

/** Page code: waits (per animation frame) until `done` holds, after `start` ran; the elapsed ms. */
function timed(start: string, done: string): string {
  return `new Promise((resolve) => {
    const t0 = performance.now();
    ${start};
    const check = () => ((${done}) ? resolve(performance.now() - t0) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  })`;
}

async function ready(page: Page, url: string, realFrom: number): Promise<void> {
  await page.goto(`${url}/#/cameras`);
  await page.getByRole('button', { name: 'Senaste timmen' }).click();
  await page.locator('.tl-line[data-camera="staff-corridor"] svg[data-runs]').waitFor();
  const at = await xOf(page, 'staff-corridor', realFrom + 6 * MINUTE);
  await page.mouse.click(at.x, at.y);
  await page.locator('.player .vp[data-first-frame="yes"]').waitFor({ timeout: 30_000 });
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
  await ensureRendererBuilt();
  const dir = path.join(BENCH_OUT, 'grid');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const demo = await makeDemo(dir, { days: 1, recentMinutes: 40 });
  const server = await serve(demo.dataDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
    const page = await context.newPage();
    await login(page, server.url, 'officer');
    const single: number[] = [];
    const grid: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Baseline: the one player, paused and loaded (K pauses it), then played.
      await ready(page, server.url, demo.realFrom);
      await page.locator('body').press('k');
      await page.locator('.player[data-playing="no"]').waitFor();
      single.push(
        Number(
          await page.evaluate(
            timed(
              "const v = document.querySelector('video.player-video'); window.__frames = 0; v.requestVideoFrameCallback(() => { window.__frames = 1; }); document.querySelector('[data-testid=\"play-pause\"]').click()",
              'window.__frames === 1',
            ),
          ),
        ),
      );
      // The grid: four tiles loaded and paused at the moment, then "Spela".
      await page.getByRole('button', { name: '2×2' }).click();
      await page.locator('[data-testid="camera-grid"] figure.grid-tile').nth(3).waitFor();
      await page.waitForFunction(
        () => {
          const tiles = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document.querySelectorAll('[data-testid="camera-grid"] figure.grid-tile');
          return tiles.length === 4 && Array.from(tiles).every((f) => f.getAttribute('data-state') !== 'loading');
        },
        undefined,
        { timeout: 30_000 },
      );
      grid.push(
        Number(
          await page.evaluate(
            timed(
              "document.querySelector('[data-testid=\"grid-play\"]').click()",
              "[...document.querySelectorAll('[data-testid=\"camera-grid\"] .vp')].length === 4 && [...document.querySelectorAll('[data-testid=\"camera-grid\"] .vp')].every((v) => v.getAttribute('data-first-frame') === 'yes')",
            ),
          ),
        ),
      );
      await page.getByRole('button', { name: 'En kamera' }).click();
    }
    await context.close();
    const g = median(grid);
    const s = median(single);
    console.log(`medians of ${RUNS} runs, headless Chromium, 1920×1080, the demo's four cameras:`);
    console.log(`2×2 grid, "Spela" to the first frame of all four: ${g.toFixed(0)} ms vs the single player's play to first frame ${s.toFixed(0)} ms = ${(g / Math.max(1, s)).toFixed(2)}× (goal ≤ 1000 ms: ${g <= 1000 ? 'met' : 'NOT met'})`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
