/**
 * Issue 13, item 9: the handover receipt and the compliance report (HTML) carry the UI's strict
 * Content-Security-Policy, opened from disk and served on loopback alike, in real Chromium: the
 * document stylesheet applies, and script or style smuggled into the document (as if escaping had
 * failed) does nothing.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, DOCUMENT_CSS, DOCUMENT_STYLE_HASH } from '../common/api/http.js';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import type { Ctx } from '../core/context.js';
import { exportPackage } from '../core/exports.js';
import { recordHandover } from '../core/handover.js';
import { archiveIncident, createIncident } from '../core/incidents.js';
import { scanAll } from '../core/indexer.js';
import { complianceReport, writeComplianceReport } from '../core/reports.js';
import { addRoot } from '../core/roots.js';
import { samplePath } from '../fixtures/samples.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { CustodianServer } from './server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const META = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;
/** The page's globals this test reads (the Node-side tsconfig has no DOM types). */
interface DocGlobals {
  document: { title: string; body: object; querySelector(selector: string): object | null };
  getComputedStyle(el: object): { borderTopWidth: string; backgroundColor: string };
}

/** What a failure of escaping would let in: script, an event handler, a style, a request elsewhere. */
const smuggled = (beaconPort: number): string =>
  `<script>document.title='pwned'</script><img src="x" onerror="document.title='pwned'"><style>body{background:rgb(255,0,0)}</style><img src="http://127.0.0.1:${beaconPort}/beacon">`;

describe('receipts and the compliance report carry the UI’s Content-Security-Policy', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let browser: Browser;
  let server: CustodianServer;
  let port = 0;
  let receipt = '';
  let report = '';
  let ui = '';
  const clock: TestClock = { now: 0 };
  // Counts requests that got out of a document to another origin.
  let beacon: Server;
  let beaconPort = 0;
  let beaconHits = 0;

  beforeAll(async () => {
    t = tempDir();
    beacon = createServer((_req, res) => {
      beaconHits++;
      res.end();
    });
    await new Promise<void>((r) => beacon.listen(0, '127.0.0.1', () => r()));
    beaconPort = (beacon.address() as { port: number }).port;
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const t0 = clock.now - 3 * DAY;
    const root = path.join(t.dir, 'rec');
    const layout = compileLayout('camera-date-time', 'Europe/Stockholm');
    for (let i = 0; i < 3; i++) {
      const start = t0 + i * 4000;
      const file = path.join(root, ...formatLayoutPath(layout, 'entrance', start));
      mkdirSync(path.dirname(file), { recursive: true });
      copyFileSync(samplePath('normal'), file);
      utimesSync(file, new Date(start + 4000), new Date(start + 4000));
    }
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    const inc = createIncident(ctx, { reason: 'crime-on-premises', justification: 'Inbrott i entrén, polisanmält.', title: '<script>alert(1)</script> Inbrott', fromMs: t0 + 1000, toMs: t0 + 9000, cameras: ['entrance'] });
    await archiveIncident(ctx, inc.ref);
    const pkg = await exportPackage(ctx, inc.ref, { audience: 'police', outDir: path.join(t.dir, 'pkg') });
    const h = await recordHandover(ctx, inc.ref, { to: 'police', reference: 'K-4711-26', recipient: 'Insp. Berg', packageDir: pkg.dir });
    receipt = h.receiptHtml;
    report = path.join(t.dir, 'report.html');
    await writeComplianceReport(await complianceReport(ctx), 'html', report);
    // Served by the real server: copies of both (and tampered copies) in the folder it serves.
    ui = path.join(t.dir, 'ui');
    mkdirSync(ui);
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>Custodian</title>');
    for (const [name, file] of [
      ['receipt', receipt],
      ['report', report],
    ] as const) {
      const html = readFileSync(file, 'utf8');
      writeFileSync(path.join(ui, `${name}.html`), html);
      writeFileSync(path.join(ui, `${name}-tampered.html`), html.replace('<body', `<body data-x="1"`).replace('</h1>', `</h1>${smuggled(beaconPort)}`));
    }
    server = new CustodianServer({ ctx, port: 0, staticDir: ui });
    port = (await server.start()).port;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    beacon?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('the document stylesheet is the one the policy allows by hash, and the policy allows no other inline code', () => {
    expect(DOCUMENT_STYLE_HASH).toBe(`'sha256-${createHash('sha256').update(DOCUMENT_CSS, 'utf8').digest('base64')}'`);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  });

  it('both documents carry exactly the UI policy, and escape what they show', () => {
    for (const file of [receipt, report]) {
      const html = readFileSync(file, 'utf8');
      expect(html).toContain(META);
      expect(html).toContain(`<style>${DOCUMENT_CSS}</style>`);
      expect(html).not.toMatch(/<script/i);
    }
    expect(readFileSync(receipt, 'utf8')).toContain('&lt;script&gt;');
  });

  const check = async (url: string, tampered: boolean): Promise<void> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const hitsBefore = beaconHits;
    const res = await page.goto(url);
    if (url.startsWith('http:')) expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await page.waitForTimeout(200);
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as DocGlobals;
      const td = g.document.querySelector('td');
      return {
        title: g.document.title,
        border: td ? g.getComputedStyle(td).borderTopWidth : null,
        background: g.getComputedStyle(g.document.body).backgroundColor,
      };
    });
    // The document's own stylesheet applies (hash allowed): tables have their borders.
    expect([url, seen.border]).toEqual([url, '1px']);
    expect(seen.title).not.toBe('pwned');
    expect(seen.background).not.toBe('rgb(255, 0, 0)');
    expect([url, beaconHits - hitsBefore]).toEqual([url, 0]);
    if (tampered) expect([url, violations.length > 0]).toEqual([url, true]);
    await context.close();
  };

  it('opened from disk in Chromium: styled, and smuggled script, handlers, styles and requests are refused', async () => {
    for (const file of [receipt, report]) {
      await check(pathToFileURL(file).href, false);
      const bad = `${file}.tampered.html`;
      writeFileSync(bad, readFileSync(file, 'utf8').replace('</h1>', `</h1>${smuggled(beaconPort)}`));
      await check(pathToFileURL(bad).href, true);
    }
  }, 60_000);

  it('served on loopback: the same policy in the header and the document, with the same effect', async () => {
    for (const name of ['receipt', 'report']) {
      await check(`http://127.0.0.1:${port}/${name}.html`, false);
      await check(`http://127.0.0.1:${port}/${name}-tampered.html`, true);
    }
  }, 60_000);
});
