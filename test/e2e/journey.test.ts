/**
 * The desktop app's journey in real Chromium against browser mode (`custodian serve`) on a
 * generated demo, as the people who use it would go through it (issue 7):
 *  - an officer logs in, finds a moment on the timeline, plays it (and on into the next file),
 *    makes an incident of a selected range, archives it, exports it for HR (with a progress bar)
 *    and for the Police, downloads HR's package, records the Police handover (the material is
 *    kept while HR's package waits) and then HR's (the dialog shows what will be deleted; the
 *    receipt prints);
 *  - the DPO logs in and sees those handovers and the deletions they caused, the report, and
 *    each receipt from the incident;
 *  - HR checks the package it was given on "Kontrollera paket" (valid, the site's fingerprint),
 *    and an edited copy of it is refused;
 *    and what the package held and its receipt, filters and downloads the deletion log, sees who
 *    viewed which footage, and the facts each verdict rests on;
 *  - HR and the DPO (and the admin) cannot reach footage, in the UI or by asking the API;
 *  - each main screen is checked with axe-core (WCAG 2 A/AA: labels, names, contrast, keyboard)
 *    and saved as a Swedish screenshot under test-artifacts/screenshots/.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { axe, CHROMIUM, type PageGlobals, describeViolations, ensureRendererBuilt, launch, login, logout, makeDemo, newPage, SCREENSHOTS, serve, xOf, type DemoEnv, type Served } from './env.js';

const MINUTE = 60_000;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function accessible(page: Page, screen: string): Promise<void> {
  const v = await axe(page);
  expect(v, `${screen}: axe found\n${describeViolations(v)}`).toEqual([]);
}

describe.skipIf(!existsSync(CHROMIUM))('the app in Chromium, as officers, HR and the DPO use it', () => {
  let t: ReturnType<typeof tempDir>;
  let demo: DemoEnv;
  let server: Served;
  let browser: Browser;
  let base = '';
  let incidentRef = '';
  let segmentId = 0;
  let hrZip = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = tempDir('custodian-e2e-');
    await ensureRendererBuilt();
    demo = await makeDemo(t.dir);
    server = await serve(demo.dataDir);
    base = server.url;
    browser = await launch();
    hrZip = path.join(t.dir, 'hr-package.zip');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    t?.cleanup();
  });

  it('shows the login in Swedish, reachable by keyboard', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Logga in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    await shot(page, '01-inloggning');
    await accessible(page, 'login');
    // The name field has focus; Tab reaches the password, then the language buttons or submit.
    await page.keyboard.type('officer');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password here');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Fel användarnamn eller lösenord');
    await context.close();
  }, 60_000);

  it('officer: overview, finds a moment on the timeline and plays it across files', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'officer');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Översikt', 'Kameror och tidslinje', 'Ärenden', 'Registerutdrag', 'Kontrollera paket']);
    await page.getByTestId('horizon').waitFor();
    expect(await page.getByTestId('horizon').textContent()).toMatch(/^Raderas från: inspelningar som slutade före \d+ \w+\.? \d{4} \d\d:\d\d$/);
    await page.locator('figure.chart svg').waitFor({ timeout: 30_000 });
    await shot(page, '02-oversikt');
    await accessible(page, 'overview');

    await page.getByRole('link', { name: 'Kameror och tidslinje' }).click();
    await page.getByRole('button', { name: 'Senaste timmen' }).click();
    const row = page.locator('.tl-line[data-camera="staff-corridor"] svg');
    await page.waitForFunction(() => Number((globalThis as unknown as PageGlobals).document.querySelector('.tl-line[data-camera="staff-corridor"] svg')?.getAttribute('data-runs') ?? '0') > 0);
    expect(Number(await row.getAttribute('data-runs'))).toBeGreaterThan(0);

    // Remember a segment id for the "no footage for HR/DPO" checks (the officer may list them).
    segmentId = await page.evaluate(async ([from, to]) => {
      const r = await fetch('/api/segments.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ camera: 'staff-corridor', from, to }) });
      const body = (await r.json()) as { data: { segments: { id: number }[] } };
      return body.data.segments[0]?.id ?? 0;
    }, [demo.realFrom, demo.to]);
    expect(segmentId).toBeGreaterThan(0);

    // Click a moment in the real footage: the player plays it.
    const at = await xOf(page, 'staff-corridor', demo.realFrom + 2 * MINUTE);
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video.player-video');
      return v !== null && (v.readyState ?? 0) >= 2 && (v.currentTime ?? 0) > 0;
    }, undefined, { timeout: 30_000 });
    const first = await page.locator('video.player-video').getAttribute('data-segment');
    expect(await page.getByTestId('player-clock').textContent()).toMatch(/\d\d:\d\d:\d\d/);
    // … and moves on to the next file.
    await page.getByRole('button', { name: 'Nästa fil ▶' }).click();
    await page.waitForFunction((prev) => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video.player-video');
      return v !== null && v.getAttribute('data-segment') !== prev && (v.readyState ?? 0) >= 2;
    }, first, { timeout: 30_000 });

    // Keyboard: the row is a slider; Enter plays the moment under it.
    await page.locator('.tl-line[data-camera="entrance"] [role="slider"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Uppspelning: Entré' }).waitFor();

    await shot(page, '03-kameror-och-tidslinje');
    await accessible(page, 'cameras');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('officer: a selected range becomes an incident, archived, exported for HR (with progress) and the Police, handed over to each on its own', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'officer');
    await page.getByRole('link', { name: 'Kameror och tidslinje' }).click();
    await page.getByRole('button', { name: 'Senaste timmen' }).click();
    await page.waitForFunction(() => Number((globalThis as unknown as PageGlobals).document.querySelector('.tl-line[data-camera="staff-corridor"] svg')?.getAttribute('data-runs') ?? '0') > 0);

    const a = await xOf(page, 'staff-corridor', demo.realFrom + 1 * MINUTE);
    const b = await xOf(page, 'staff-corridor', demo.realFrom + 14 * MINUTE);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, a.y, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    expect(await page.getByTestId('selection').textContent()).toContain('Personalkorridor');

    await page.getByRole('button', { name: 'Skapa ärende av markeringen …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nytt ärende' });
    await dialog.getByLabel('Rubrik').fill('Stöld ur personalkorridoren');
    await dialog.getByLabel(/Brott mot organisationen/).check();
    await dialog.getByLabel('Motivering', { exact: true }).fill('En bärbar dator försvann ur personalkorridoren under eftermiddagen; materialet behövs för internutredningen.');
    expect(await dialog.getByLabel(/Personalkorridor/).isChecked()).toBe(true);
    await shot(page, '04-nytt-arende');
    await accessible(page, 'new incident dialog');
    await dialog.getByRole('button', { name: 'Skapa ärende' }).click();
    await page.getByTestId('incident-detail').waitFor();
    incidentRef = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    expect(incidentRef).toMatch(/^INC-\d{4}-\d{4}$/);

    // Watch for the progress bars (archiving and exporting are quick on a small demo).
    await page.evaluate(`(() => {
      window.__progress = 0;
      new MutationObserver(() => { if (document.querySelector('progress')) window.__progress++; }).observe(document.body, { subtree: true, childList: true });
    })()`);
    await page.getByRole('button', { name: 'Arkivera nu' }).click();
    await page.getByText('Allt material är arkiverat och kontrollsummerat.').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="incident-detail"] table').first().textContent()).toMatch(/Personal.*Klart/);

    const sawArchive = await page.evaluate(() => (globalThis as unknown as PageGlobals).__progress ?? 0);
    // Two recipients: a package for HR, then one for the Police.
    await page.getByLabel(/^HR/).check();
    await page.getByRole('button', { name: 'Exportera' }).click();
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    const sawAny = await page.evaluate(() => (globalThis as unknown as PageGlobals).__progress ?? 0);
    expect(sawAny).toBeGreaterThan(0);
    expect(sawAny).toBeGreaterThanOrEqual(sawArchive);
    expect(await page.getByTestId('export-result').textContent()).toMatch(/Klipp1/);
    const packages = page.getByTestId('packages');
    await packages.locator('tr[data-audience="hr"]').waitFor();
    await page.getByLabel(/^Polisen/).check();
    await page.getByRole('button', { name: 'Exportera' }).click();
    await packages.locator('tr[data-audience="police"]').waitFor({ timeout: 60_000 });
    const policeId = (await packages.locator('tr[data-audience="police"]').getAttribute('data-package')) ?? '';
    expect(await packages.locator('tr[data-state="pending"]').count()).toBe(2);
    // The key's fingerprint beside each package is what openssl computes from the site's public key.
    const fp = execSync(`openssl pkey -pubin -in "${path.join(demo.dataDir, 'keys', 'site-public.pem')}" -outform DER | sha256sum`, { encoding: 'utf8' }).slice(0, 64);
    expect(await packages.locator('tr[data-audience="hr"] code.hash').textContent()).toBe(fp);
    // The officer downloads HR's package (a zip) to carry it to HR; HR checks it later.
    const [download] = await Promise.all([page.waitForEvent('download'), packages.getByRole('link', { name: 'Ladda ned paketet för HR som zip-fil' }).click()]);
    await download.saveAs(hrZip);

    // The Police first: HR's package still waits, so the material is kept.
    await page.getByRole('button', { name: 'Registrera överlämning …' }).click();
    let hd = page.getByRole('dialog', { name: `Överlämna ${incidentRef}` });
    await hd.getByRole('combobox', { name: /^Paket/ }).selectOption(policeId);
    expect(await hd.getByTestId('handover-to').textContent()).toBe('Polisen');
    expect(await hd.getByTestId('will-keep').textContent()).toMatch(/Paketen för HR väntar fortfarande på överlämning/);
    await hd.getByLabel('Mottagare (namn)').fill('Insp. Karin Lind');
    await hd.getByLabel('Mottagarens diarienummer').fill('K-2026-4711');
    await hd.getByLabel('Jag förstår att materialet raderas när inget paket väntar längre.').check();
    await shot(page, '05-overlamning-polisen');
    await accessible(page, 'handover dialog, material kept');
    await hd.getByRole('button', { name: 'Registrera överlämningen' }).click();
    let receipt = page.getByTestId('receipt');
    await receipt.waitFor({ timeout: 60_000 });
    expect(await receipt.textContent()).toContain('K-2026-4711');
    expect(await receipt.textContent()).toContain(fp);
    expect(await receipt.textContent()).toMatch(/Materialet behålls: paketen för HR väntar fortfarande/);
    await packages.locator('tr[data-audience="police"][data-state="handed-over"]').waitFor();
    await receipt.getByRole('button', { name: 'Stäng' }).click();

    // Then HR: nothing waits any more, so this handover deletes the material.
    await page.getByRole('button', { name: 'Registrera överlämning …' }).click();
    hd = page.getByRole('dialog', { name: `Överlämna ${incidentRef}` });
    expect(await hd.getByTestId('handover-to').textContent()).toBe('HR');
    expect(await hd.getByTestId('will-delete').textContent()).toMatch(/1 arkiverat klipp/);
    expect(await hd.getByRole('button', { name: 'Registrera och radera' }).isDisabled()).toBe(true);
    await hd.getByLabel('Mottagare (namn)').fill('Anna Andersson');
    await hd.getByLabel('Mottagarens diarienummer').fill('HR-2026-17');
    await hd.getByLabel('Jag förstår att materialet raderas och att raderingen loggas.').check();
    await shot(page, '05-overlamning');
    await accessible(page, 'handover dialog');
    await hd.getByRole('button', { name: 'Registrera och radera' }).click();
    receipt = page.getByTestId('receipt');
    await receipt.waitFor({ timeout: 60_000 });
    expect(await receipt.textContent()).toContain('HR-2026-17');
    expect(await receipt.textContent()).toContain('Anna Andersson');
    await receipt.getByRole('button', { name: 'Skriv ut kvittot' }).waitFor();
    await packages.locator('tr[data-audience="hr"][data-state="handed-over"]').waitFor();
    expect(await packages.locator('tr[data-state="handed-over"]').count()).toBe(2);
    // Custodian's copies went with the material: nothing left to download; the receipts stay.
    expect(await packages.getByRole('link', { name: /Ladda ned paketet/ }).count()).toBe(0);
    expect(await packages.getByRole('link', { name: 'Kvitto (PDF)' }).count()).toBe(2);
    await shot(page, '06-arende-kvitto');
    await accessible(page, 'incident');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('DPO: sees both handovers and the deletions they caused, the report, and the receipts; read-only', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'dpo');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Dataskyddsombud', 'Registerutdrag', 'Ärenden', 'Kontrollera paket']);
    const handovers = page.getByRole('table', { name: 'Överlämningar' });
    await handovers.getByText(incidentRef).first().waitFor();
    // One row per handover: the Police and HR, each with its own reference.
    expect(await handovers.getByText(incidentRef).count()).toBe(2);
    expect(await handovers.textContent()).toContain('HR-2026-17');
    expect(await handovers.textContent()).toContain('K-2026-4711');
    await shot(page, '07-dataskyddsombud-overlamningar');
    await accessible(page, 'dpo handovers');

    await page.getByRole('tab', { name: 'Raderingslogg' }).click();
    const deletions = page.getByRole('table', { name: 'Raderingslogg' });
    await deletions.getByText(incidentRef, { exact: false }).first().waitFor();
    expect(await deletions.textContent()).toContain('Arkivklipp');
    await shot(page, '08-dataskyddsombud-raderingar');
    await accessible(page, 'dpo deletions');

    await page.getByRole('tab', { name: 'Efterlevnadsrapport' }).click();
    await page.getByTestId('report').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('report').textContent()).toMatch(/P2/);
    await shot(page, '09-dataskyddsombud-rapport');
    await accessible(page, 'dpo report');
    // Nothing on these screens changes anything.
    expect(await page.locator('main button.primary, main button.danger').count()).toBe(0);
    // The incident's two handovers, each with its receipt, long after the material is gone.
    await page.getByRole('link', { name: 'Ärenden' }).click();
    await page.getByText(incidentRef).first().click();
    const packages = page.getByTestId('packages');
    await packages.waitFor();
    expect(await packages.locator('tr[data-state="handed-over"]').count()).toBe(2);
    const href = (await packages.locator('tr[data-audience="police"]').getByRole('link', { name: 'Kvitto (PDF)' }).getAttribute('href')) ?? '';
    const pdf = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
    }, href);
    expect(pdf).toEqual({ status: 200, head: '%PDF-' });
    expect(await page.locator('main button.primary, main button.danger').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('HR: checks the package it received on "Kontrollera paket", and a changed one is refused', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'hr');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Ärenden', 'Kontrollera paket']);
    await page.getByRole('link', { name: 'Kontrollera paket' }).click();
    await page.getByTestId('zip-input').setInputFiles(hrZip);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await page.getByTestId('verdict-text').textContent()).toMatch(/Paketet är helt och giltigt/);
    const fp = execSync(`openssl pkey -pubin -in "${path.join(demo.dataDir, 'keys', 'site-public.pem')}" -outform DER | sha256sum`, { encoding: 'utf8' }).slice(0, 64);
    expect(await page.getByTestId('package-fingerprint').textContent()).toBe(fp);
    expect(await verdict.textContent()).toContain('överlämnat');
    await shot(page, '13-kontrollera-paket');
    await accessible(page, 'verify a package');
    // The same package unpacked, its viewer edited: a folder dropped on the page is refused.
    const folder = path.join(t.dir, 'hr-unpacked');
    execFileSync('python3', ['-m', 'zipfile', '-e', hrZip, folder]);
    const top = path.join(folder, readdirSync(folder)[0] ?? '');
    writeFileSync(path.join(top, 'index.html'), readFileSync(path.join(top, 'index.html'), 'utf8').replace('</body>', '<p>ändrad</p></body>'));
    await page.getByTestId('folder-input').setInputFiles(top);
    await page.locator('[data-testid="verdict"][data-verdict="invalid"]').waitFor({ timeout: 60_000 });
    const problems = page.getByRole('table', { name: 'Fel' });
    expect(await problems.textContent()).toMatch(/index\.html.*ändrad/);
    await shot(page, '14-kontrollera-paket-andrat');
    await accessible(page, 'verify a package, refused');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('DPO: package contents and the receipt, the deletion log filtered and downloaded, who viewed what, and the facts behind each verdict', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'dpo');
    const handovers = page.getByRole('table', { name: 'Överlämningar' });
    // The incident was handed to the Police and to HR: one row each; this is HR's.
    const row = handovers.getByRole('row').filter({ hasText: incidentRef }).filter({ hasText: 'HR-2026-17' });
    await row.waitFor();
    // What the package held: HR got the staff corridor's clip.
    expect(await row.textContent()).toMatch(/1 klipp · Personalkorridor \(Personal\) · personal 1, besökare 0, blandat 0/);
    const [receipt] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `PDF – kvitto för ${incidentRef}` }).click()]);
    expect(readFileSync(await receipt.path()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.getByRole('tab', { name: 'Raderingslogg' }).click();
    await page.getByTestId('deletion-totals').waitFor();
    await page.getByLabel('Orsak').selectOption('handover');
    await page.getByRole('button', { name: 'Visa' }).click();
    await page.getByTestId('deletion-totals').filter({ hasText: /^\d+ radering/ }).waitFor();
    const totals = Number(/^(\d+)/.exec((await page.getByTestId('deletion-totals').textContent()) ?? '')?.[1]);
    expect(totals).toBeGreaterThan(0);
    const table = page.getByRole('table', { name: 'Raderingslogg' });
    await table.getByText(incidentRef, { exact: false }).first().waitFor();
    await shot(page, '13-dataskyddsombud-raderingar-filter');
    await accessible(page, 'dpo deletions filtered');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner Raderingslogg som CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^custodian-deletions-.*\.csv$/);
    const lines = readFileSync(await csv.path(), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id,kind,root,camera,path,/);
    expect(lines).toHaveLength(totals + 1);
    const reasonAt = (lines[0] ?? '').split(',').indexOf('reasonClass');
    for (const l of lines.slice(1)) {
      expect(l.split(',')[reasonAt]).toBe('handover');
      for (const cell of l.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    }

    await page.getByRole('tab', { name: 'Visningar' }).click();
    const views = page.getByRole('table', { name: 'Visningar' });
    // The camera by its name and zone (the DPO may list cameras), never the id alone.
    await views.getByText('Personalkorridor (Personal)').first().waitFor();
    expect(await views.textContent()).toMatch(/officer.*Personalkorridor \(Personal\).*Inspelning #\d+/);
    await shot(page, '14-dataskyddsombud-visningar');
    await accessible(page, 'dpo views');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner Visningar som JSON' }).click()]);
    const viewed = JSON.parse(readFileSync(await json.path(), 'utf8')) as { user: string; camera: string | null }[];
    expect(viewed.some((v) => v.user === 'officer' && v.camera === 'staff-corridor')).toBe(true);

    await page.getByRole('tab', { name: 'Efterlevnadsrapport' }).click();
    await page.getByTestId('report').waitFor({ timeout: 30_000 });
    for (const clause of ['P2', 'P4', 'P5', 'P7', 'G1']) {
      const v = page.getByTestId(`verdict-${clause}`);
      expect(await v.getAttribute('data-status')).toMatch(/^(held|not-held|incomplete)$/);
      expect(await v.locator('li').count()).toBeGreaterThan(0);
    }
    // Nothing on the demo was due yet: P2 held, with the facts that say so.
    expect(await page.getByTestId('verdict-P2').getAttribute('data-status')).toBe('held');
    expect(await page.getByTestId('verdict-P2').textContent()).toMatch(/Ingen av dem raderades senare än förfallotiden/);
    expect(await page.getByTestId('verdict-P5').textContent()).toContain(incidentRef);
    await shot(page, '15-dataskyddsombud-rapport-underlag');
    await accessible(page, 'dpo report facts');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  for (const role of ['hr', 'dpo', 'admin'] as const) {
    it(`${role}: cannot reach live footage, in the UI or through the API`, async () => {
      const { context, page } = await newPage(browser);
      await login(page, base, role);
      expect(await page.getByRole('link', { name: 'Kameror och tidslinje' }).count()).toBe(0);
      await page.goto(`${base}/#/cameras`);
      await page.waitForTimeout(300);
      expect(await page.locator('.timeline').count()).toBe(0);
      const r = await page.evaluate(async (id) => {
        const api = await fetch('/api/playback.url', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'segment', id }) });
        const media = await fetch(`/media/segment/${id}`, { headers: { range: 'bytes=0-99' } });
        return { api: api.status, body: (await api.json()) as { ok: boolean; error?: { code: string } }, media: media.status, bytes: (await media.arrayBuffer()).byteLength };
      }, segmentId);
      expect(r.api).toBe(403);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(r.media).toBe(403);
      expect(r.bytes).toBeLessThan(1000);
      if (role === 'hr') {
        // HR sees the incident handed over to HR, and its metadata only.
        await page.getByText(incidentRef).first().waitFor();
        await page.getByText(incidentRef).first().click();
        await page.getByTestId('incident-detail').waitFor();
        expect(await page.getByRole('button', { name: /Spela/ }).count()).toBe(0);
        await shot(page, '10-hr-arenden');
        await accessible(page, 'hr incidents');
      }
      await logout(page);
      await context.close();
    }, 90_000);
  }

  it('admin: settings with the live layout preview, users and cameras', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, base, 'admin');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Översikt', 'Inställningar', 'Kontrollera paket']);
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByLabel('Platsens tidszon').waitFor();
    await shot(page, '11-installningar');
    await accessible(page, 'settings site');
    await page.getByRole('tab', { name: 'Lagring och filnamn' }).click();
    const preview = page.getByTestId('layout-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('kamera entrance, start 25 nov. 2026 14:30:00');
    await page.getByLabel('Mönster eller förval').fill('frigate');
    expect(await preview.textContent()).toContain('kamera entrance, start 25 nov. 2026 14:30:00');
    await shot(page, '12-installningar-lagring');
    await accessible(page, 'settings roots');
    await page.getByRole('tab', { name: 'Användare' }).click();
    await page.getByRole('table', { name: 'Användare' }).getByText('officer').waitFor();
    await accessible(page, 'settings users');
    await page.getByRole('tab', { name: 'Kameror' }).click();
    await page.getByRole('button', { name: /0 masker – ändra/ }).first().click();
    await page.getByRole('dialog').waitFor();
    await accessible(page, 'mask editor');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('switches to English and keeps dates in the site time zone', async () => {
    const { context, page } = await newPage(browser);
    await login(page, base, 'officer');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Overview' }).waitFor();
    await page.getByTestId('horizon').waitFor();
    expect(await page.getByTestId('horizon').textContent()).toMatch(/^Deleted from: recordings that ended before \d+ \w+ \d{4} \d\d:\d\d$/);
    await context.close();
  }, 60_000);
});
