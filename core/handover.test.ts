import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { listDeletions } from '../db/deletions.js';
import { findPackage, packageFiles, packagesOf } from '../db/packages.js';
import { alarmList } from './alarms.js';
import { generateSegments } from '../fixtures/video.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { setCamera } from './cameras.js';
import type { Ctx } from './context.js';
import { exportPackage, verifyPackageForSite } from './exports.js';
import { discardPackage, handoverLog, receiptFile, recordHandover } from './handover.js';
import { incidentDetail, incidentVisibleTo } from './incident-view.js';
import { archiveIncident, closeIncident, createIncident, findIncident } from './incidents.js';
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
  const findPackageRow = (id: string): number => findPackage(ctx.db, id)?.id ?? 0;

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
    const police = path.join(ctx.dataDir, 'exports', 'police-package');
    const r = await exportPackage(ctx, ref, { audience: 'police', outDir: police });
    expect(r.location).toBe('data');
    const tampered = path.join(t.dir, 'police-tampered');
    spawnSync('cp', ['-r', police, tampered]);
    const clip = path.join(tampered, 'clips', (JSON.parse(readFileSync(path.join(tampered, 'manifest.json'), 'utf8')) as { files: { name: string }[] }).files[0]?.name + '.mp4');
    const bytes = readFileSync(clip);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(clip, bytes);
    await expect(recordHandover(ctx, ref, { to: 'police', reference: 'K-123', recipient: 'Insp. Berg', packageDir: tampered })).rejects.toThrow(/does not verify/);
    expect(findIncident(ctx, ref).status).toBe('archived');
  }, 60_000);

  it('records every copy it wrote, file by file, with the size and SHA-256 sha256sum computes', () => {
    const inc = findIncident(ctx, ref);
    const pkgs = packagesOf(ctx.db, inc.id);
    expect(pkgs.map((p) => `${p.audience}:${p.location}`)).toEqual(['hr:out', 'police:data']);
    for (const p of pkgs) {
      const files = packageFiles(ctx.db, p.id);
      const onDisk = spawnSync('sh', ['-c', 'find . -type f | sed "s|^./||" | sort'], { cwd: p.dir, encoding: 'utf8' }).stdout.trim().split('\n');
      expect(files.filter((f) => f.copy === 'folder').map((f) => f.rel_path).sort()).toEqual(onDisk);
      for (const f of files) {
        const abs = f.copy === 'zip' ? path.join(path.dirname(p.dir), f.rel_path) : path.join(p.dir, ...f.rel_path.split('/'));
        expect(f.sha256, f.rel_path).toBe(spawnSync('sha256sum', [abs], { encoding: 'utf8' }).stdout.slice(0, 64));
        expect(statSync(abs).mode & 0o777).toBe(0o600);
      }
      expect(files.some((f) => f.copy === 'zip')).toBe(p.zip_path !== null);
      expect(p.key_fingerprint).toBe(siteKeys(ctx).fingerprint);
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    }
  });

  it('two recipients: the Police handover keeps the material while HR waits; HR\'s handover then deletes it and every copy Custodian holds', async () => {
    const police = path.join(ctx.dataDir, 'exports', 'police-package');
    const hrPkg = path.join(t.dir, 'hr-package');
    const archive = archiveDir(ctx);
    const inc = findIncident(ctx, ref);
    expect(existsSync(path.join(archive, ref))).toBe(true);
    const p = await recordHandover(ctx, ref, { to: 'police', reference: 'K-2026-4711', recipient: 'Insp. Anna Berg', packageDir: police, method: 'USB-minne, personligen' });
    expect(p.deletion).toBeNull();
    expect(p.pending.map((x) => x.audience)).toEqual(['hr']);
    expect(p.incident.status).toBe('archived');
    expect(existsSync(path.join(archive, ref))).toBe(true); // HR still waits
    expect(existsSync(path.join(police, 'manifest.json'))).toBe(true);
    const receipt = readFileSync(p.receiptHtml, 'utf8');
    expect(receipt).toContain('K-2026-4711');
    expect(receipt).toContain(siteKeys(ctx).fingerprint);
    expect(receipt).toContain('openssl pkey -pubin -in site-public.pem -outform DER | sha256sum');
    expect(receipt).toMatch(/behålls tills paketen för HR \(internutredning\)/);
    // The incident, per audience: the Police handed over, HR pending. HR cannot see it yet.
    const view = incidentDetail(ctx, findIncident(ctx, ref));
    expect(view.packages.map((x) => `${x.audience}:${x.state}`)).toEqual(['hr:pending', 'police:handed-over']);
    expect(view.packages.find((x) => x.audience === 'police')?.handover).toMatchObject({ reference: 'K-2026-4711', recipient: 'Insp. Anna Berg', recipientCopy: null });
    expect(incidentVisibleTo(ctx, inc, { role: 'hr' })).toBe(false);
    await expect(recordHandover(ctx, ref, { to: 'police', reference: 'K-1', recipient: 'X Y', packageDir: police })).rejects.toThrow(/already handed over/);

    const h = await recordHandover(ctx, ref, { to: 'hr', reference: 'HR-2026-17', recipient: 'Eva Ek', packageDir: hrPkg });
    expect(h.pending).toEqual([]);
    expect(h.deletion?.failed).toEqual([]);
    expect(h.incident.status).toBe('deleted');
    expect(existsSync(path.join(archive, ref))).toBe(false);
    expect(existsSync(police)).toBe(false); // Custodian's own copy in its data folder
    expect(existsSync(path.join(hrPkg, 'manifest.json'))).toBe(true); // written with --out: the recipient's
    expect(h.handover.recipient_copy).toBe(hrPkg);
    expect(readFileSync(h.receiptHtml, 'utf8')).toContain(hrPkg);
    expect(readFileSync(h.receiptHtml, 'utf8')).toMatch(/Inget annat paket för ärendet väntar/);
    expect(spawnSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', h.receiptPdf, path.join(t.dir, 'receipt')]).status).toBe(0);
    const log = listDeletions(ctx.db, 0, 1000).filter((d) => d.incident_ref === ref);
    expect(log.filter((d) => d.kind === 'clip')).toHaveLength(3);
    expect(log.filter((d) => d.kind === 'package').length).toBeGreaterThan(0);
    expect(log.every((d) => d.reason === 'handed over to Polismyndigheten (K-2026-4711) and HR (intern utredning) (HR-2026-17)')).toBe(true);
    expect(log.some((d) => d.path.startsWith(hrPkg))).toBe(false);
    expect(handoverLog(ctx).map((x) => `${x.organisation}:${x.reference}:${x.keyFingerprint === siteKeys(ctx).fingerprint}`)).toEqual(['Polismyndigheten:K-2026-4711:true', 'HR (intern utredning):HR-2026-17:true']);
    expect(() => ctx.db.prepare('DELETE FROM handovers').run()).toThrow(/append-only/);

    // HR now sees the incident, and only what HR's package held.
    const hrView = incidentDetail(ctx, findIncident(ctx, ref), { role: 'hr' });
    expect(hrView.packages.map((x) => x.audience)).toEqual(['hr']);
    expect(hrView.clips.map((c) => c.camera).sort()).toEqual(['reception', 'staff-corridor']);
    expect(hrView.cameras.sort()).toEqual(['reception', 'staff-corridor']);
    expect(JSON.stringify(hrView)).not.toContain('K-2026-4711');
    expect(JSON.stringify(hrView)).not.toContain('entrance');
    const full = incidentDetail(ctx, findIncident(ctx, ref));
    expect(full.packages.find((x) => x.audience === 'police')).toMatchObject({ held: false, state: 'handed-over' });
  }, 120_000);

  it('receipts stay downloadable after the material is gone; a lost one is made again from the record, the same', async () => {
    const [first] = handoverLog(ctx);
    if (!first) throw new Error('no handover');
    const stored = await receiptFile(ctx, first.id, 'html');
    const text = readFileSync(stored.path, 'utf8');
    unlinkSync(stored.path);
    unlinkSync((await receiptFile(ctx, first.id, 'pdf')).path);
    const again = await receiptFile(ctx, first.id, 'html');
    expect(readFileSync(again.path, 'utf8')).toBe(text);
    expect(existsSync((await receiptFile(ctx, first.id, 'pdf')).path)).toBe(true);
    await expect(receiptFile(ctx, 999_999, 'pdf')).rejects.toThrow(/no receipt/);
  }, 60_000);

  it('a package that will not be handed over is discarded with a reason; the last wait ending deletes the material', async () => {
    const inc = createIncident(ctx, { reason: 'crime-against-organisation', justification: 'Inbrott i serverrummet, polisanmält', title: 'Inbrott', fromMs: t0 + 2_000, toMs: t0 + 20_000, cameras: ['staff-corridor', 'reception'] });
    await archiveIncident(ctx, inc.ref);
    const police = await exportPackage(ctx, inc.ref, { audience: 'police', outDir: path.join(t.dir, 'd-police') });
    const hr = await exportPackage(ctx, inc.ref, { audience: 'hr', outDir: path.join(ctx.dataDir, 'exports', 'd-hr'), zip: true });
    await recordHandover(ctx, inc.ref, { to: 'police', reference: 'K-9', recipient: 'Insp. Lind', packageDir: police.dir });
    expect(findIncident(ctx, inc.ref).status).toBe('archived');
    await expect(discardPackage(ctx, hr.packageId, 'kort')).rejects.toThrow(/Say why/);
    await expect(discardPackage(ctx, police.packageId, 'Fel mottagare, gjordes av misstag')).rejects.toThrow(/has been handed over/);
    // Files Custodian did not write, put in its package folder: left alone, named in an alarm.
    writeFileSync(path.join(hr.dir, 'case-notes.txt'), 'the officer\'s own notes');
    mkdirSync(path.join(hr.dir, 'sub'));
    writeFileSync(path.join(hr.dir, 'sub', 'witness.docx'), 'a statement');
    const recorded = packageFiles(ctx.db, findPackageRow(hr.packageId)).map((f) => f.rel_path);
    const d = await discardPackage(ctx, hr.packageId, 'HR avslutade utredningen utan att behöva materialet');
    expect(d.copy.failed).toEqual([]);
    expect(d.copy.foreign.map((f) => path.relative(hr.dir, f)).sort()).toEqual(['case-notes.txt', path.join('sub', 'witness.docx')]);
    expect(readFileSync(path.join(hr.dir, 'case-notes.txt'), 'utf8')).toBe("the officer's own notes");
    expect(existsSync(path.join(hr.dir, 'sub', 'witness.docx'))).toBe(true);
    for (const rel of recorded) expect(existsSync(path.join(rel.endsWith('.zip') ? path.dirname(hr.dir) : hr.dir, rel)), rel).toBe(false);
    expect(existsSync(hr.zipPath as string)).toBe(false);
    expect(packageFiles(ctx.db, findPackageRow(hr.packageId)).every((f) => f.deleted_ms !== null)).toBe(true);
    expect(alarmList(ctx, false).some((a) => a.kind === 'foreign-files' && a.message.includes('case-notes.txt'))).toBe(true);
    // Each recorded file is in the deletion log once, with the reason.
    const logged = listDeletions(ctx.db, 0, 10_000).filter((x) => x.reason.startsWith('package discarded:'));
    expect(logged.map((x) => path.basename(x.path)).sort()).toEqual(recorded.map((r) => path.basename(r)).sort());
    expect(d.deletion).not.toBeNull();
    expect(findIncident(ctx, inc.ref).status).toBe('deleted');
    expect(existsSync(path.join(archiveDir(ctx), inc.ref))).toBe(false);
    expect(existsSync(path.join(police.dir, 'manifest.json'))).toBe(true);
    const view = incidentDetail(ctx, findIncident(ctx, inc.ref));
    expect(view.packages.find((x) => x.audience === 'hr')).toMatchObject({ state: 'discarded', discarded: { reason: 'HR avslutade utredningen utan att behöva materialet' } });
    expect(view.history.map((h) => h.action)).toContain('package.discarded');
    const reasons = new Set(listDeletions(ctx.db, 0, 10_000).filter((x) => x.incident_ref === inc.ref).map((x) => x.reason));
    expect(reasons).toEqual(new Set(['package discarded: HR avslutade utredningen utan att behöva materialet', 'handed over to Polismyndigheten (K-9)']));
    await expect(discardPackage(ctx, hr.packageId, 'HR avslutade utredningen utan att behöva materialet')).rejects.toThrow(/already discarded/);
  }, 120_000);

  it('closing an incident discards what still waits and deletes every copy Custodian holds with the material', async () => {
    const inc = createIncident(ctx, { reason: 'other', justification: 'En besökare begärde att få se vad som spelades in i receptionen', title: 'Begäran', fromMs: t0 + 2_000, toMs: t0 + 20_000, cameras: ['reception'] });
    await archiveIncident(ctx, inc.ref);
    const held = await exportPackage(ctx, inc.ref, { audience: 'police', outDir: path.join(ctx.dataDir, 'exports', 'c-police') });
    const out = await exportPackage(ctx, inc.ref, { audience: 'hr', outDir: path.join(t.dir, 'c-hr') });
    const r = await closeIncident(ctx, inc.ref, 'Begäran drogs tillbaka, inget behov kvar');
    expect(r.deletion.failed).toEqual([]);
    expect(r.incident.status).toBe('deleted');
    expect(existsSync(held.dir)).toBe(false);
    expect(existsSync(out.dir)).toBe(false); // never handed over: not anyone's copy
    const view = incidentDetail(ctx, findIncident(ctx, inc.ref));
    expect(view.packages.map((x) => `${x.audience}:${x.state}:${x.discarded?.reason ?? ''}`)).toEqual(['police:discarded:incident closed: Begäran drogs tillbaka, inget behov kvar', 'hr:discarded:incident closed: Begäran drogs tillbaka, inget behov kvar']);
    const reasons = new Set(listDeletions(ctx.db, 0, 10_000).filter((x) => x.incident_ref === inc.ref).map((x) => x.reason));
    expect(reasons).toEqual(new Set(['incident closed without handover: Begäran drogs tillbaka, inget behov kvar']));
  }, 120_000);

  it('the compliance report says in words what held, as HTML, PDF and JSON', async () => {
    const r = await complianceReport(ctx);
    expect(r.verdicts.map((v) => v.clause)).toEqual(['P2', 'P4', 'P5', 'P7', 'G1']);
    const p5now = r.verdicts.find((v) => v.clause === 'P5');
    expect(p5now?.facts.filter((f) => f.severity === 'deviation')).toEqual([]);
    expect(p5now?.held).toBe(true);
    expect(r.handovers.length).toBeGreaterThanOrEqual(3);
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
