/**
 * An access request's life in real Chromium against browser mode (`custodian serve`) on a
 * generated demo (issue 14), as the officer and the DPO go through it:
 *  - the officer registers a signed request (the window is held at once), looks at it on the
 *    timeline, marks where the requester appears (archived as a clip), asks the detector for
 *    masks (nobody in the test pattern), draws a mask on a frame of the clip, burns it in
 *    and checks the preview (the drawn place is black in the masked copy, read back from the
 *    page's own video), makes the answer, downloads the letter (read with pdftotext) and the
 *    package (listed with unzip), records the delivery: the material is deleted;
 *  - the DPO sees the request in the register, answered in time, with no footage on the page;
 *  - each screen is checked with axe-core and saved as a Swedish screenshot.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocal } from '../../common/time.js';
import { tempDir } from '../helpers.js';
import { axe, CHROMIUM, describeViolations, ensureRendererBuilt, launch, login, makeDemo, newPage, SCREENSHOTS, serve, type DemoEnv, type Served } from './env.js';

const MINUTE = 60_000;
const TZ = 'Europe/Stockholm';
/** What a person types into a datetime-local field: site time to the minute. */
const toLocalInput = (ms: number, tz: string): string => formatLocal(ms, tz, "yyyy-MM-dd'T'HH:mm");

/** The DOM the checks below read in the page (the Node-side tsconfig has no DOM library). */
interface VideoPage {
  document: {
    querySelector(s: string): { readyState: number; videoWidth: number; videoHeight: number; currentTime: number; addEventListener(e: string, f: () => void, o?: unknown): void } | null;
    createElement(t: 'canvas'): {
      width: number;
      height: number;
      getContext(k: '2d'): { drawImage(v: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
  };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function accessible(page: Page, screen: string): Promise<void> {
  const v = await axe(page);
  expect(v, `${screen}: axe found\n${describeViolations(v)}`).toEqual([]);
}

/** Mean brightness (0–255) of a region (fractions of the picture) of a video's frame at `t` s. */
async function brightness(page: Page, testId: string, t: number, r: { x: number; y: number; w: number; h: number }): Promise<number> {
  return page.evaluate(
    async ([sel, at, x, y, w, h]) => {
      const g = globalThis as unknown as VideoPage;
      const v = g.document.querySelector(sel);
      if (!v) throw new Error(`no ${sel}`);
      await new Promise<void>((resolve) => {
        v.addEventListener('seeked', () => resolve(), { once: true });
        v.currentTime = at;
      });
      const c = g.document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(v, 0, 0);
      const px = ctx.getImageData(Math.round(x * c.width), Math.round(y * c.height), Math.max(1, Math.round(w * c.width)), Math.max(1, Math.round(h * c.height))).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += ((px[i] ?? 0) + (px[i + 1] ?? 0) + (px[i + 2] ?? 0)) / 3;
      return sum / (px.length / 4);
    },
    [`[data-testid="${testId}"]`, t, r.x, r.y, r.w, r.h] as const,
  );
}

async function videoReady(page: Page, testId: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const v = (globalThis as unknown as VideoPage).document.querySelector(sel);
    return v !== null && v.readyState >= 2 && v.videoWidth > 0;
  }, `[data-testid="${testId}"]`, { timeout: 30_000 });
}

describe.skipIf(!existsSync(CHROMIUM))('an access request in Chromium, as the officer and the DPO go through it', () => {
  let t: ReturnType<typeof tempDir>;
  let demo: DemoEnv;
  let server: Served;
  let browser: Browser;
  let base = '';
  let ref = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = tempDir('custodian-e2e-dsr-');
    await ensureRendererBuilt();
    demo = await makeDemo(t.dir, { days: 1, recentMinutes: 20 });
    server = await serve(demo.dataDir);
    base = server.url;
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    t?.cleanup();
  });

  it('officer: intake, mark, mask drawn on the clip, preview, answer, letter and package, delivery', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'officer');
    await page.getByRole('navigation').getByRole('link', { name: 'Registerutdrag' }).click();
    await page.getByRole('heading', { name: 'Begäran om registerutdrag', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Ny begäran' }).click();

    const form = page.getByRole('form', { name: 'Registrera en undertecknad begäran' });
    await form.getByLabel('Sökandes namn').fill('Anna Andersson');
    await form.getByLabel('Hur den sökande nås').fill('Storgatan 1, 111 22 Stockholm');
    await form.getByLabel('Identiteten kontrollerad av').fill('Väktare Berg');
    await form.getByLabel('Hur identiteten kontrollerades').fill('körkort, visat i receptionen');
    await form.getByLabel('Känns igen på (kläder, vad hen gjorde)').fill('Röd jacka, går in genom entrén');
    await form.getByRole('checkbox', { name: 'Entré' }).check();
    await form.getByLabel('Från', { exact: true }).fill(toLocalInput(demo.realFrom, TZ));
    await form.getByLabel('Till', { exact: true }).fill(toLocalInput(demo.realFrom + 10 * MINUTE, TZ));
    await shot(page, '30-registerutdrag-ny');
    await accessible(page, 'request intake');
    await form.getByRole('button', { name: 'Registrera och spärra' }).click();

    const detail = page.getByTestId('request-detail');
    await detail.waitFor();
    ref = (await page.getByRole('heading', { name: /^Begäran DSR-/ }).textContent())?.replace('Begäran ', '') ?? '';
    expect(ref).toMatch(/^DSR-\d{4}-0001$/);
    expect(await detail.getAttribute('data-status')).toBe('open');
    // Frozen at once: the window's hold stands.
    expect(await detail.getByText(/^spärr #\d+$/).count()).toBe(1);

    // The review starts on the timeline: the window shown, its start chosen on the first camera.
    await detail.getByRole('button', { name: 'Visa i tidslinjen' }).click();
    await page.getByText(/^Vald tidpunkt: /).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Registerutdrag' }).click();
    await page.getByTestId(`request-${ref}`).click();
    await detail.waitFor();

    const mark = page.getByRole('form', { name: 'Markera var den sökande syns' });
    await mark.getByLabel('Kamera').selectOption('entrance');
    await mark.getByLabel('Från', { exact: true }).fill(toLocalInput(demo.realFrom + MINUTE, TZ));
    // datetime-local to the second: a short span keeps the detector's work small.
    await mark.getByLabel('Till', { exact: true }).fill(formatLocal(demo.realFrom + MINUTE + 15_000, TZ, "yyyy-MM-dd'T'HH:mm:ss"));
    await mark.getByRole('button', { name: 'Markera och arkivera' }).click();
    const clip = page.locator('[data-testid^="request-clip-"]').first();
    await clip.waitFor({ timeout: 60_000 });
    expect(await clip.textContent()).toContain('arkiverat');

    // Assisted masking in the browser: the demo's test pattern has nobody in it, and it says so.
    await clip.getByRole('button', { name: 'Föreslå masker (hitta personer)' }).click();
    await clip.getByText(/^Inga personer hittades i klippet/).waitFor({ timeout: 120_000 });
    expect(await clip.getByText('Inga maskspår: ingen annan syns i klippet.').count()).toBe(1);

    // A box drawn on a frame of the clip (the left third of the picture), saved and burned in.
    await videoReady(page, 'clip-original');
    await clip.getByRole('button', { name: 'Rita masker på bilden' }).click();
    const area = clip.getByRole('application', { name: 'Bild ur klippet: dra för att rita en mask' });
    const box = await area.boundingBox();
    if (!box) throw new Error('drawing area not visible');
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 3, box.y + box.height - 2, { steps: 5 });
    await page.mouse.up();
    await clip.getByRole('button', { name: 'Spara maskerna' }).click();
    await clip.getByTestId('mask-tracks').waitFor();
    expect(await clip.getByTestId('mask-tracks').locator('tbody tr').count()).toBe(1);
    await clip.getByRole('button', { name: 'Gör förhandsvisning (bränn in maskerna)' }).click();
    await clip.getByTestId('masked-state').waitFor({ timeout: 120_000 });
    await videoReady(page, 'clip-masked');
    // The oracle: the drawn place is black in the masked copy and not in the original.
    const region = { x: 0.05, y: 0.1, w: 0.2, h: 0.8 };
    expect(await brightness(page, 'clip-masked', 1, region)).toBeLessThan(20);
    expect(await brightness(page, 'clip-original', 1, region)).toBeGreaterThan(20);
    await shot(page, '31-registerutdrag-maskering');
    await accessible(page, 'request masking');

    await page.getByRole('button', { name: 'Skapa svaret' }).click();
    await page.getByTestId('request-package').waitFor({ timeout: 120_000 });
    expect(await detail.getAttribute('data-status')).toBe('ready');

    const [letter] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner brevet (PDF)' }).click()]);
    const letterPath = path.join(t.dir, 'brev.pdf');
    await letter.saveAs(letterPath);
    const words = execFileSync('pdftotext', ['-layout', letterPath, '-'], { encoding: 'utf8' });
    expect(words).toContain('Anna Andersson');
    expect(words).toContain(ref);
    expect(words).toContain('Integritetsskyddsmyndigheten');
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner paketet (zip)' }).click()]);
    const zipPath = path.join(t.dir, 'svar.zip');
    await zip.saveAs(zipPath);
    const listing = execFileSync('unzip', ['-l', zipPath], { encoding: 'utf8' });
    expect(listing).toContain('manifest.json');
    expect(listing).toContain('manifest.sig');
    expect(listing).toMatch(/\.mp4/);

    const deliver = page.getByRole('form', { name: 'Registrera utlämningen' });
    await deliver.getByLabel('Hur (personligen, med post …)').fill('personligen i receptionen');
    await deliver.getByRole('button', { name: 'Registrera och radera materialet' }).click();
    await page.getByTestId('request-delivered').waitFor({ timeout: 60_000 });
    expect(await detail.getAttribute('data-status')).toBe('answered');
    expect(await detail.getAttribute('data-clock')).toBe('answered-in-time');
    await page.getByText(/^Materialet som gjordes för begäran raderades/).waitFor();
    expect(await detail.getByText(/^spärr #\d+ släppt$/).count()).toBe(1);
    expect(await page.locator('video').count()).toBe(0);
    await shot(page, '32-registerutdrag-besvarad');
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('DPO: the register shows the request answered in time; no footage on the page', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'dpo');
    await page.getByRole('navigation').getByRole('link', { name: 'Registerutdrag' }).click();
    const row = page.getByTestId('request-register').locator(`tr[data-ref="${ref}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('inspelningar hittades');
    await page.getByTestId(`request-${ref}`).click();
    await page.getByTestId('request-detail').waitFor();
    expect(await page.getByRole('button', { name: 'Markera och arkivera' }).count()).toBe(0);
    expect(await page.locator('video').count()).toBe(0);
    await shot(page, '33-registerutdrag-dso');
    await accessible(page, 'request register');
    // Nor by asking: the DPO may not stream a request's clip.
    const status = await page.evaluate(async () => (await fetch('/api/playback.url', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'request-clip', id: 1 }) })).status);
    expect(status).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
