import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { listDeletions } from '../db/deletions.js';
import { generateSegments } from '../fixtures/video.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { setCamera } from './cameras.js';
import type { Ctx } from './context.js';
import { exportPackage, verifyPackageForSite } from './exports.js';
import { handoverLog, recordHandover } from './handover.js';
import { archiveIncident, createIncident, findIncident } from './incidents.js';
import { scanAll } from './indexer.js';
import { archiveDir } from './paths.js';
import { complianceReport, writeComplianceReport } from './reports.js';
import { addRoot } from './roots.js';
import { siteKeys } from './site.js';

const TZ = 'Europe/Stockholm';

describe('export packages, handover and the DPO view (real ffmpeg)', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  let ref = '';
  let visitorOnly = '';
  let t0 = 0;

  beforeAll(async () => {
    t = tempDir();
    const root = path.join(t.dir, 'rec');
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    t0 = clock.now - DAY;
    const layout = compileLayout('camera-date-time', TZ);
    for (const cam of ['staff-corridor', 'entrance', 'reception']) {
      const segs = await generateSegments({ dir: path.join(t.dir, 'gen', cam), camera: cam, startMs: t0, count: 3, segmentSeconds: 10, timeZone: TZ });
      for (const s of segs) {
        const dest = path.join(root, ...formatLayoutPath(layout, cam, s.startMs));
        mkdirSync(path.dirname(dest), { recursive: true });
        renameSync(s.path, dest);
        utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
      }
    }
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    siteKeys(ctx);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    setCamera(ctx, 'staff-corridor', { zone: 'staff' });
    setCamera(ctx, 'entrance', { zone: 'visitor' });
    setCamera(ctx, 'reception', { zone: 'mixed', masks: [{ x: 0.5, y: 0, w: 0.5, h: 1 }] });
    const inc = createIncident(ctx, { reason: 'crime-against-organisation', justification: 'Stöld ur kassan, polisanmäld', title: 'Stöld', fromMs: t0 + 2_000, toMs: t0 + 25_000, cameras: ['staff-corridor', 'entrance', 'reception'] });
    await archiveIncident(ctx, inc.ref);
    ref = inc.ref;
    const v = createIncident(ctx, { reason: 'crime-on-premises', justification: 'Klotter i entrén, polisanmält', title: 'Klotter', fromMs: t0 + 2_000, toMs: t0 + 10_000, cameras: ['entrance'] });
    await archiveIncident(ctx, v.ref);
    visitorOnly = v.ref;
  }, 180_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it('HR gets staff and masked mixed clips, never visitor clips; the package verifies with sha256sum and openssl', async () => {
    const out = path.join(t.dir, 'hr-package');
    const phases = new Set<string>();
    const r = await exportPackage(ctx, ref, { audience: 'hr', outDir: out, zip: true, onProgress: (p) => phases.add(p.phase) });
    expect(r.files).toBe(2);
    expect(r.redacted).toBe(1);
    expect(r.leftOut.map((l) => l.camera)).toEqual(['entrance']);
    expect([...phases]).toEqual(expect.arrayContaining(['redact', 'copy', 'hash', 'sign', 'zip']));
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { audience: string; files: { camera: string; redaction: { derivedFromSha256: string } | null }[] };
    expect(manifest.audience).toBe('hr');
    expect(manifest.files.map((f) => f.camera).sort()).toEqual(['reception', 'staff-corridor']);
    expect(manifest.files.find((f) => f.camera === 'reception')?.redaction?.derivedFromSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    const ossl = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'site-public.pem', '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'], { cwd: out, encoding: 'utf8' });
    expect(ossl.stdout + ossl.stderr).toMatch(/Signature Verified Successfully/);
    expect((await verifyPackageForSite(ctx, out)).ok).toBe(true);
    expect((await verifyPackageForSite(ctx, r.zipPath as string)).ok).toBe(true);
  }, 120_000);

  it('refuses an HR package with nothing HR may see, and a folder that is not empty', async () => {
    await expect(exportPackage(ctx, visitorOnly, { audience: 'hr', outDir: path.join(t.dir, 'hr-nothing') })).rejects.toThrow(/nothing in .* HR may receive/);
    expect(existsSync(path.join(t.dir, 'hr-nothing'))).toBe(false);
    const busy = path.join(t.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'x.txt'), 'x');
    await expect(exportPackage(ctx, ref, { audience: 'police', outDir: busy })).rejects.toThrow(/not empty/);
  }, 60_000);

  it('refuses a handover without a matching verified package; a tampered one is refused', async () => {
    const hrPkg = path.join(t.dir, 'hr-package');
    await expect(recordHandover(ctx, ref, { to: 'police', reference: 'K-123', recipient: 'Insp. Berg', packageDir: hrPkg })).rejects.toThrow(/made for hr, not police/);
    const police = path.join(t.dir, 'police-package');
    await exportPackage(ctx, ref, { audience: 'police', outDir: police });
    const tampered = path.join(t.dir, 'police-tampered');
    spawnSync('cp', ['-r', police, tampered]);
    const clip = path.join(tampered, 'clips', (JSON.parse(readFileSync(path.join(tampered, 'manifest.json'), 'utf8')) as { files: { name: string }[] }).files[0]?.name + '.mp4');
    const bytes = readFileSync(clip);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(clip, bytes);
    await expect(recordHandover(ctx, ref, { to: 'police', reference: 'K-123', recipient: 'Insp. Berg', packageDir: tampered })).rejects.toThrow(/does not verify/);
    expect(findIncident(ctx, ref).status).toBe('archived');
  }, 60_000);

  it('records the handover, writes receipts, deletes the archived material and Custodian\'s other copies, and logs it all', async () => {
    const police = path.join(t.dir, 'police-package');
    const archive = archiveDir(ctx);
    expect(existsSync(path.join(archive, ref))).toBe(true);
    const r = await recordHandover(ctx, ref, { to: 'police', reference: 'K-2026-4711', recipient: 'Insp. Anna Berg', packageDir: police, method: 'USB-minne, personligen' });
    expect(r.incident.status).toBe('deleted');
    expect(existsSync(path.join(archive, ref))).toBe(false);
    expect(existsSync(path.join(police, 'manifest.json'))).toBe(true); // the recipient's copy is theirs
    expect(existsSync(path.join(t.dir, 'hr-package', 'manifest.json'))).toBe(false); // a copy Custodian made
    expect(existsSync(r.receiptPdf) && existsSync(r.receiptHtml)).toBe(true);
    expect(readFileSync(r.receiptHtml, 'utf8')).toContain('K-2026-4711');
    const png = spawnSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', r.receiptPdf, path.join(t.dir, 'receipt')]);
    expect(png.status).toBe(0);
    const log = listDeletions(ctx.db, 0, 1000).filter((d) => d.handover_id === r.handover.id);
    expect(log.filter((d) => d.kind === 'clip')).toHaveLength(3);
    expect(log.some((d) => d.kind === 'package')).toBe(true);
    expect(log.every((d) => d.reason.startsWith('handed over to Polismyndigheten'))).toBe(true);
    expect(handoverLog(ctx)[0]).toMatchObject({ incident: ref, organisation: 'Polismyndigheten', reference: 'K-2026-4711', recipient: 'Insp. Anna Berg' });
    await expect(recordHandover(ctx, ref, { to: 'police', reference: 'K', recipient: 'X Y', packageDir: police })).rejects.toThrow(/already handed over/);
    expect(() => ctx.db.prepare('DELETE FROM handovers').run()).toThrow(/append-only/);
  }, 120_000);

  it('the compliance report says in words what held, as HTML, PDF and JSON', async () => {
    const r = await complianceReport(ctx);
    expect(r.verdicts.map((v) => v.clause)).toEqual(['P2', 'P4', 'P5', 'P7']);
    expect(r.verdicts.find((v) => v.clause === 'P5')?.held).toBe(true);
    expect(r.handovers).toHaveLength(1);
    expect(r.auditChain.ok).toBe(true);
    const pdf = path.join(t.dir, 'report.pdf');
    await writeComplianceReport(r, 'pdf', pdf);
    await writeComplianceReport(r, 'html', path.join(t.dir, 'report.html'));
    expect(readFileSync(path.join(t.dir, 'report.html'), 'utf8')).toContain('Polismyndigheten');
    const png = spawnSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdf, path.join(t.dir, 'report')], { encoding: 'utf8' });
    expect(png.status).toBe(0);
    // An overdue incident turns P5 into "not held", with the reason in words.
    clock.now += 40 * DAY;
    const late = await complianceReport(ctx);
    const p5 = late.verdicts.find((v) => v.clause === 'P5');
    expect(p5?.held).toBe(false);
    expect(p5?.facts.filter((f) => f.severity === 'deviation').flatMap((f) => f.refs)).toContain(visitorOnly);
  }, 60_000);
});
