import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_FORMAT, type PackageBody } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { resolveMediaTools } from './media-tools.js';
import { formatPackageTime, renderPackageHtml } from './package-html.js';
import { POSTER_WIDTH, writePackage } from './package-writer.js';

const TZ = 'Europe/Stockholm';

function manifest(over: Partial<PackageBody> = {}, files?: { startMs: number; endMs: number; name?: string }[]): PackageBody {
  const t0 = Date.UTC(2026, 10, 25, 13, 30, 0); // 14:30 in Stockholm (UTC+1)
  const spans = files ?? [
    { startMs: t0, endMs: t0 + 300_000 },
    { startMs: Date.UTC(2026, 6, 1, 8, 0, 0), endMs: Date.UTC(2026, 6, 1, 8, 2, 0) }, // 10:00 in summer (UTC+2)
  ];
  return {
    format: PACKAGE_FORMAT,
    packageId: randomUUID(),
    site: { controller: 'SOS Alarm Sverige AB', dpoContact: 'dpo@example.se' },
    incident: {
      reference: 'INC-2026-017',
      title: 'Stöld i förrådet',
      reason: 'crime-on-premises',
      justification: 'Besökare anmälde stöld.',
      fromMs: t0,
      toMs: t0 + 3_600_000,
      from: formatInstant(t0, TZ),
      to: formatInstant(t0 + 3_600_000, TZ),
    },
    audience: 'hr',
    timeZone: TZ,
    language: 'sv',
    operator: 'Anna Andersson',
    createdAt: formatInstant(t0, TZ),
    toolVersion: 'custodian 0.1.0',
    signingKey: { algorithm: 'Ed25519', fingerprint: 'd'.repeat(64) },
    files: spans.map((s, i) => ({
      name: s.name ?? `clip-${i + 1}`,
      sha256: 'c'.repeat(64),
      size: 1234,
      camera: `cam-${i + 1}`,
      cameraName: `Kamera ${i + 1}`,
      zone: i === 0 ? 'staff' : 'visitor',
      startMs: s.startMs,
      endMs: s.endMs,
      start: formatInstant(s.startMs, TZ),
      end: formatInstant(s.endMs, TZ),
      sources: [],
      redaction: null,
    })),
    ...over,
  };
}

describe('renderPackageHtml', () => {
  it("shows each clip's real start and end in the package's time zone, whatever zone the viewer is in", () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles'; // the exporting machine's own zone must not matter either
    try {
      const html = renderPackageHtml(manifest(), 'sv');
      expect(formatPackageTime(Date.UTC(2026, 10, 25, 13, 30, 0), TZ)).toBe('2026-11-25 14:30:00 (UTC+01:00)');
      expect(html).toContain('2026-11-25 14:30:00 (UTC+01:00)');
      expect(html).toContain('2026-11-25 14:35:00 (UTC+01:00)');
      expect(html).toContain('2026-07-01 10:00:00 (UTC+02:00)'); // summer time
      expect(html).toContain('2026-07-01 10:02:00 (UTC+02:00)');
      expect(html).toContain('<video controls preload="metadata" src="clips/clip-1.mp4"');
      expect(html).toContain('src="clips/clip-2.mp4"');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('escapes every text, so a title or name cannot inject markup or script', () => {
    const m = manifest();
    m.incident.title = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    m.incident.justification = '"><b>bold</b>';
    m.site.controller = "O'Brien <AB>";
    const f = m.files[0];
    if (f) f.cameraName = '</video><script>alert(2)</script>';
    const html = renderPackageHtml(m, 'en');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('O&#39;Brien &#60;AB&#62;');
    expect(html.match(/<script>/g)).toHaveLength(1); // only the page's own
  });

  it('URL-encodes clip file names in src and keeps the name readable', () => {
    const t = Date.UTC(2026, 10, 25, 13, 30, 0);
    const html = renderPackageHtml(manifest({}, [{ startMs: t, endMs: t + 1000, name: 'Entré öst 1' }]), 'sv');
    expect(html).toContain('src="clips/Entr%C3%A9%20%C3%B6st%201.mp4"');
    expect(html).toContain('clips/Entré öst 1.mp4');
  });

  it('words the reason, zone and audience in the package language, with controller, DPO, id and how to verify', () => {
    const m = manifest();
    const sv = renderPackageHtml(m, 'sv');
    expect(sv).toContain('<html lang="sv">');
    expect(sv).toContain('Brott begånget mot annan i organisationens lokaler');
    expect(sv).toContain('Personal');
    expect(sv).toContain('Besökare');
    expect(sv).toContain('HR (internutredning)');
    expect(sv).toContain('SOS Alarm Sverige AB');
    expect(sv).toContain('dpo@example.se');
    expect(sv).toContain(m.packageId);
    expect(sv).toContain('INC-2026-017');
    expect(sv).toContain('Besökare anmälde stöld.');
    expect(sv).toContain('sha256sum -c SHA256SUMS');
    expect(sv).toContain('VERIFY.txt');
    // The key's fingerprint, and the openssl line that computes it.
    expect(sv).toContain(`<code class="fingerprint">${'d'.repeat(64)}</code>`);
    expect(sv).toContain('openssl pkey -pubin -in site-public.pem -outform DER | sha256sum');
    const en = renderPackageHtml({ ...m, audience: 'police', incident: { ...m.incident, reason: 'crime-against-organisation' } }, 'en');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Crime against the organisation');
    expect(en).toContain('The Police');
    expect(en).toContain('Staff');
    // What the page shows is English; the Swedish waits in data-sv for the language switch.
    const shownEn = en.replace(/ data-(sv|en)="[^"]*"/g, '');
    expect(shownEn).not.toContain('Brott begånget');
    expect(shownEn).not.toContain('Skäl till arkivering');
    expect(en).toContain('data-sv="Skäl till arkivering" data-en="Reason for archiving">Reason for archiving<');
    // The fingerprint with a sentence on how to compare it.
    expect(sv).toContain('Jämför de 64 tecknen med fingeravtrycket på överlämningskvittot');
  });

  it('needs no network: no remote URL anywhere, and a CSP that forbids fetching', () => {
    const html = renderPackageHtml(manifest(), 'sv');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<link|<script src|@import/);
  });

  it('marks a DST change inside a clip so the playhead clock switches offset', () => {
    const start = Date.UTC(2026, 2, 29, 0, 59, 0); // 01:59 CET; at 01:00 UTC the clocks go to 03:00 CEST
    const html = renderPackageHtml(manifest({}, [{ startMs: start, endMs: start + 120_000 }]), 'sv');
    expect(html).toContain(`data-switch-ms="${Date.UTC(2026, 2, 29, 1, 0, 0)}" data-off2="120"`);
    expect(html).toContain('2026-03-29 01:59:00 (UTC+01:00)');
    expect(html).toContain('2026-03-29 03:01:00 (UTC+02:00)');
  });
});

// Opening the page the way HR does: from file://, in a real browser (Debian's chromium, which CI
// also uses for the e2e tests), with a real MP4 made by the bundled ffmpeg.
describe('index.html in Chromium from file://', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plays the clip and shows the package-zone wall time at the playhead; a poster for the clip, Swedish and English switchable, zip entries in site time', async () => {
    expect(existsSync('/usr/bin/chromium'), 'needs Debian chromium: apt-get install -y chromium').toBe(true);
    const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const mp4 = join(dir, 'src.mp4');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10', '-t', '8', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', mp4]);
    const start = Date.UTC(2026, 2, 29, 0, 59, 57); // 3 s before the spring-forward switch
    const m = manifest({}, [{ startMs: start, endMs: start + 8000, name: 'Entré 1' }]);
    const { files: _files, signingKey: _key, ...rest } = m;
    const pkg = await writePackage({
      outDir: join(dir, 'pkg'),
      dataDir: join(dir, 'data'),
      manifest: { ...rest, files: m.files.map(({ sha256: _s, size: _z, ...f }) => f) },
      clips: [{ name: 'Entré 1', sourcePath: mp4 }],
      tools: resolveMediaTools(),
      zip: true,
    });
    // The zip's entries carry the export's site time (14:30 in Stockholm), not the machine's zone's.
    expect(pkg.zipPath).toBeDefined();
    const listing = execFileSync('zipinfo', ['-T', pkg.zipPath ?? ''], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const stamps = [...listing.matchAll(/ (\d{8}\.\d{6}) /g)].map((x) => x[1]);
    expect(stamps.length).toBeGreaterThan(5);
    expect(new Set(stamps)).toEqual(new Set(['20261125.143000']));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${join(pkg.dir, 'index.html')}`);
      // Page code as strings: this tsconfig has no DOM types (native/ is Node code).
      await page.waitForFunction("document.querySelector('video').readyState >= 1", null, { timeout: 15_000 });
      const shown = (await page.evaluate(`(async () => {
        const v = document.querySelector('video');
        v.currentTime = 5;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
        await new Promise((r) => setTimeout(r, 50));
        return { duration: v.duration, width: v.videoWidth, now: document.querySelector('output.now').textContent };
      })()`)) as { duration: number; width: number; now: string };
      expect(shown.duration).toBeCloseTo(8, 0);
      expect(shown.width).toBe(320);
      expect(shown.now).toBe('2026-03-29 03:00:02 (UTC+02:00)'); // 01:59:57 + 5 s, across the switch
      // The poster: a JPEG inlined in the page, a real picture the width the writer makes.
      const poster = (await page.evaluate(`(async () => {
        const v = document.querySelector('video');
        const img = new Image();
        img.src = v.poster;
        await img.decode();
        return { scheme: v.poster.slice(0, 23), width: img.naturalWidth };
      })()`)) as { scheme: string; width: number };
      expect(poster).toEqual({ scheme: 'data:image/jpeg;base64,', width: POSTER_WIDTH });
      // The language switch swaps every text, and back.
      const heading = "document.querySelectorAll('h2')[1].textContent";
      expect(await page.evaluate(heading)).toBe('Klipp (1)');
      await page.getByRole('button', { name: 'English' }).click();
      expect(await page.evaluate(heading)).toBe('Clips (1)');
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('body').innerText()).not.toContain('Tidsperiod');
      await page.getByRole('button', { name: 'Svenska' }).click();
      expect(await page.evaluate(heading)).toBe('Klipp (1)');
      expect(await page.locator('body').innerText()).toContain('Tidsperiod');
      expect(errors).toEqual([]);
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
