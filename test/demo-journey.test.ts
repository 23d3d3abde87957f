/**
 * The whole life of an incident on the demo recorder, through the built `custodian` command as a
 * person would type it: incident over a staff and a visitor camera → clips in separate folders →
 * packages for HR (no visitor clip) and the Police → both verify, naming their signer → the Police
 * handover keeps the material while HR's package waits → HR's handover deletes it and logs it →
 * the DPO's logs and report. Needs `npm run build` (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');

describe('the demo journey through the command line', () => {
  let t: ReturnType<typeof tempDir>;
  let data = '';
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--lang', 'en', '--data', data, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    // One JSON document, or (long work) progress lines followed by the result on the last line.
    const last = (): Record<string, unknown> => {
      try {
        return JSON.parse(r.stdout) as Record<string, unknown>;
      } catch {
        return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
      }
    };
    return { code: r.status, out: r.stdout, err: r.stderr, last };
  };
  let demo: { realFrom: string; recorder: string; dataDir: string };

  beforeAll(() => {
    t = tempDir('custodian-journey-');
    const r = spawnSync(process.execPath, [CLI, 'demo', '--out', t.dir, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    demo = JSON.parse(r.stdout) as typeof demo;
    data = demo.dataDir;
  }, 180_000);
  afterAll(() => t.cleanup());

  it('indexes the demo: four classified cameras, about 70 days, some due', () => {
    const s = run('status', '--json').last() as { cameras: { id: string; zone: string; classified: boolean }[]; segments: number };
    expect(s.cameras.map((c) => `${c.id}:${c.zone}`).sort()).toEqual(['entrance:visitor', 'reception:visitor', 'server-room:staff', 'staff-corridor:staff']);
    expect(s.segments).toBeGreaterThan(40_000);
    const dry = run('sweep', '--dry-run', '--json').last() as { due: number };
    expect(dry.due).toBeGreaterThan(4_000);
  });

  it('incident → archive → HR and Police packages → verify → handover → deletion → DPO logs and report', () => {
    const from = demo.realFrom.slice(0, 19);
    const to = new Date(Date.parse(demo.realFrom) + 25 * 60_000).toISOString();
    const created = run('incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Misshandel av besökare i entrén, polisanmäld', '--title', 'Bråk i entrén', '--from', from, '--to', to, '--camera', 'staff-corridor', '--camera', 'entrance', '--json');
    expect(created.code, created.err).toBe(0);
    const inc = created.last() as { ref: string; status: string; clips: { camera: string; subjects: string; path: string; sha256: string; sources: unknown[] }[] };
    expect(inc.status).toBe('archived');
    expect(created.out).toMatch(/"progress"/);
    expect(inc.clips.map((c) => `${c.camera}:${c.subjects}`).sort()).toEqual(['entrance:visitor', 'staff-corridor:staff']);
    expect(readdirSync(path.join(data, 'archive', inc.ref)).sort()).toEqual(['staff', 'visitor']);
    const show = run('incident', 'show', inc.ref, '--json').last() as { history: { action: string }[]; clips: { sources: { sha256: string }[] }[] };
    expect(show.history.map((h) => h.action)).toEqual(expect.arrayContaining(['incident.created', 'hold.added', 'clip.archived', 'hold.released', 'incident.archived']));
    expect(show.clips[0]?.sources[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const hrDir = path.join(t.dir, 'till-HR');
    const hr = run('export', inc.ref, '--audience', 'hr', '--out', hrDir, '--json');
    expect(hr.code, hr.err).toBe(0);
    const hrManifest = JSON.parse(readFileSync(path.join(hrDir, 'manifest.json'), 'utf8')) as { files: { camera: string }[] };
    expect(hrManifest.files.map((f) => f.camera)).toEqual(['staff-corridor']);
    const policeDir = path.join(t.dir, 'till-polisen');
    const exported = run('export', inc.ref, '--audience', 'police', '--out', policeDir, '--zip');
    expect(exported.code, exported.err).toBe(0);
    const fp = spawnSync('sh', ['-c', 'openssl pkey -pubin -in site-public.pem -outform DER | sha256sum'], { cwd: policeDir, encoding: 'utf8' }).stdout.slice(0, 64);
    expect(exported.out).toContain(`Signing key fingerprint: ${fp}`);
    for (const target of [policeDir, `${policeDir}.zip`, hrDir]) {
      const v = run('verify', target);
      expect(v.code, v.err).toBe(0);
      expect(v.out).toContain(fp);
      expect(v.out).toMatch(/whole and valid/);
    }
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: policeDir }).status).toBe(0);

    // The Police first: HR's package still waits, so the material is kept.
    const h = run('handover', inc.ref, '--to', 'police', '--reference', 'K-2026-4711', '--recipient', 'Insp. Anna Berg', '--package', policeDir, '--method', 'USB, personligen', '--json');
    expect(h.code, h.err).toBe(0);
    const ho = h.last() as { status: string; receiptPdf: string; materialDeleted: boolean; pending: { audience: string }[]; keyFingerprint: string; recipientCopy: string };
    expect(ho).toMatchObject({ status: 'archived', materialDeleted: false, pending: [{ audience: 'hr' }], keyFingerprint: fp, recipientCopy: policeDir });
    expect(existsSync(ho.receiptPdf)).toBe(true);
    expect(readFileSync(ho.receiptPdf.replace(/\.pdf$/, '.html'), 'utf8')).toContain(fp);
    expect(existsSync(path.join(data, 'archive', inc.ref))).toBe(true);
    const mid = run('incident', 'show', inc.ref, '--json').last() as { packages: { audience: string; state: string }[] };
    expect(mid.packages.map((p) => `${p.audience}:${p.state}`)).toEqual(['hr:pending', 'police:handed-over']);

    // Then HR: nothing waits any more, the material goes.
    const h2 = run('handover', inc.ref, '--to', 'hr', '--reference', 'HR-2026-17', '--recipient', 'Eva Ek', '--package', hrDir);
    expect(h2.code, h2.err).toBe(0);
    expect(h2.out).toMatch(/Handover #\d+ of package .* to HR \(internal investigation\) recorded/);
    expect(h2.out).toMatch(/incident status: closed and deleted/);
    expect(existsSync(path.join(data, 'archive', inc.ref))).toBe(false);
    expect(existsSync(path.join(policeDir, 'manifest.json')) && existsSync(path.join(hrDir, 'manifest.json'))).toBe(true); // the recipients' copies

    const csv = run('log', 'handovers', '--format', 'csv');
    expect(csv.out.split('\n')[1]).toContain('K-2026-4711');
    expect(csv.out.split('\n')[2]).toContain('HR-2026-17');
    const dels = run('log', 'deletions', '--json').last() as { deletions: { reason: string; kind: string }[] };
    expect(dels.deletions.filter((d) => d.kind === 'clip' && d.reason === 'handed over to Polismyndigheten (K-2026-4711) and HR (intern utredning) (HR-2026-17)')).toHaveLength(2);
    const rep = run('report', 'compliance', '--format', 'pdf', '--out', path.join(t.dir, 'rapport.pdf'), '--json');
    expect(rep.code, rep.err).toBe(0);
    const verdicts = (rep.last() as { verdicts: { clause: string; held: boolean; words: string }[] }).verdicts;
    expect(verdicts.find((v) => v.clause === 'P5')?.held).toBe(true);
    expect(run('audit', 'verify').code).toBe(0);
  }, 180_000);
});
