/**
 * The administrator's settings page adds a recording root by looking, in real Chromium against
 * the real `custodian serve`: a Dahua tree is proposed as Dahua with rows read from real files
 * (in Swedish, from the catalogue), nothing is registered until the button naming the layout is
 * pressed; a mixed tree offers no layout until one is chosen; a Hikvision store shows its
 * refusal and no button to register it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENTINEL_FILE } from '../../common/domain.js';
import { openCtx } from '../../core/context.js';
import { addUser } from '../../core/users.js';
import { listRoots } from '../../db/roots.js';
import { makePresetTree } from '../../fixtures/preset-trees.js';
import { makeStore } from '../../fixtures/store-trees.js';
import { tempDir } from '../helpers.js';
import { CHROMIUM, ROLE_PASSWORD, ensureRendererBuilt, launch, login, newPage, serve, type Served } from './env.js';

const TZ = 'Europe/Stockholm';
const DAY_WINDOW = { fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 10) };

describe.skipIf(!existsSync(CHROMIUM))('settings: a recording root added by looking at its folder', () => {
  let t: ReturnType<typeof tempDir>;
  let dataDir = '';
  let server: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = tempDir('custodian-e2e-roots-');
    await ensureRendererBuilt();
    dataDir = path.join(t.dir, 'data');
    const ctx = openCtx({ dataDir });
    try {
      await addUser(ctx, { name: 'admin', role: 'admin', password: ROLE_PASSWORD.admin });
    } finally {
      ctx.close();
    }
    server = await serve(dataDir);
    browser = await launch();
    page = (await newPage(browser)).page;
    await login(page, server.url, 'admin');
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByRole('tab', { name: 'Lagring och filnamn' }).click();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    t?.cleanup();
  });

  const registered = (): string[] => {
    const ctx = openCtx({ dataDir, mustExist: true });
    try {
      return listRoots(ctx.db).map((r) => `${r.path} ${r.layout}`);
    } finally {
      ctx.close();
    }
  };
  const look = async (dir: string): Promise<void> => {
    await page.getByLabel('Mapp på den här datorn').fill(dir);
    await page.getByRole('button', { name: 'Titta på mappen' }).click();
    await page.getByTestId('layout-proposal').waitFor();
  };

  it('proposes Dahua, shows what it reads from real files in Swedish, and registers only on the button', async () => {
    const dir = path.join(t.dir, 'dahua');
    mkdirSync(dir);
    const tree = makePresetTree({ root: dir, layout: 'dahua', siteTimeZone: TZ, ...DAY_WINDOW, segmentSeconds: 600 });
    await look(dir);
    const proposal = page.getByTestId('layout-proposal');
    expect(await proposal.getAttribute('data-verdict')).toBe('clear');
    const text = (await proposal.textContent()) ?? '';
    expect(text).toContain('ser ut som Dahua');
    expect(text).toContain('Det här läser Custodian ur några av filerna');
    const first = tree.segments.find((s) => text.includes(s.path));
    expect(first, 'an example row names a real file').toBeDefined();
    expect(text).toMatch(/ur namnet/);
    expect(text).toMatch(/schemalagd|rörelse|larm|smart händelse/);
    // Looked at, not registered.
    expect(registered()).toEqual([]);
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
    await page.getByRole('button', { name: 'Registrera med layouten dahua' }).click();
    await page.getByTestId('root-added').waitFor();
    expect(registered()).toEqual([`${dir} dahua`]);
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(true);
    // The roots table shows it.
    await page.locator('#set-roots td.path', { hasText: dir }).waitFor();
  });

  it('a mixed tree offers no layout until one is chosen', async () => {
    const dir = path.join(t.dir, 'mixed');
    mkdirSync(dir);
    makePresetTree({ root: dir, layout: 'camera-date-time', siteTimeZone: TZ, ...DAY_WINDOW, segmentSeconds: 600 });
    makePresetTree({ root: dir, layout: 'frigate', siteTimeZone: TZ, ...DAY_WINDOW, segmentSeconds: 600 });
    await look(dir);
    expect(await page.getByTestId('layout-proposal').getAttribute('data-verdict')).toBe('ambiguous');
    expect(await page.getByRole('button', { name: /^Registrera med layouten/ }).count()).toBe(0);
    await page.getByRole('radio', { name: /frigate/ }).first().check();
    expect(await page.getByRole('button', { name: /^Registrera med layouten frigate/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Avbryt' }).click();
    expect(registered().some((r) => r.startsWith(dir))).toBe(false);
  });

  it('a Hikvision store shows why it is refused and cannot be registered', async () => {
    const dir = path.join(t.dir, 'hik');
    makeStore(dir, 'hikvision-sd');
    await look(dir);
    const proposal = page.getByTestId('layout-proposal');
    expect(await proposal.getAttribute('data-verdict')).toBe('store');
    expect(await proposal.textContent()).toMatch(/Hikvision-inspelare.*Custodian får inte radera dess filer/);
    expect(await page.getByRole('button', { name: /^Registrera med layouten/ }).count()).toBe(0);
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
  });
});
