/**
 * kill -9 a real `custodian incident archive` at random moments; the next run must finish with
 * exactly one whole, hashed clip per camera and run, no half clip under a final name, and the
 * hold kept until then. Needs the built CLI (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { setCamera } from '../core/cameras.js';
import { openCtx } from '../core/context.js';
import { getHold } from '../db/holds.js';
import { archiveIncident, createIncident, findIncident } from '../core/incidents.js';
import { scanAll } from '../core/indexer.js';
import { archiveDir } from '../core/paths.js';
import { addRoot } from '../core/roots.js';
import { generateSegments } from '../fixtures/video.js';
import { sha256File } from '../native/hash.js';
import { DAY, tempDir } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');
const RUNS = Number(process.env.CUSTODIAN_ARCHIVE_CRASH_RUNS ?? 8);

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

describe('crash safety of archiving', () => {
  let t: ReturnType<typeof tempDir>;
  let data = '';
  let t0 = 0;
  beforeAll(async () => {
    t = tempDir('custodian-archive-crash-');
    data = path.join(t.dir, 'data');
    const root = path.join(t.dir, 'rec');
    t0 = Math.floor(Date.now() / 1000) * 1000 - DAY;
    const layout = compileLayout('camera-date-time', 'Europe/Stockholm');
    for (const cam of ['staff-corridor', 'entrance']) {
      const segs = await generateSegments({ dir: path.join(t.dir, 'gen', cam), camera: cam, startMs: t0, count: 12, segmentSeconds: 10, timeZone: 'Europe/Stockholm', width: 640, height: 360, fps: 15 });
      for (const s of segs) {
        const dest = path.join(root, ...formatLayoutPath(layout, cam, s.startMs));
        mkdirSync(path.dirname(dest), { recursive: true });
        renameSync(s.path, dest);
        utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
      }
    }
    const ctx = openCtx({ dataDir: data });
    addRoot(ctx, { path: root });
    scanAll(ctx);
    setCamera(ctx, 'staff-corridor', { zone: 'staff' });
    setCamera(ctx, 'entrance', { zone: 'visitor' });
    ctx.close();
  }, 120_000);
  afterAll(() => t.cleanup());

  it(`resumes cleanly after ${RUNS} kill -9s`, async () => {
    // How long an uninterrupted archive takes here, so the kills land inside it on any machine.
    const timing = openCtx({ dataDir: data });
    const probe = createIncident(timing, { reason: 'crime-on-premises', justification: 'Timing run before the crash runs', title: 'timing', fromMs: t0 + 3_000, toMs: t0 + 110_000, cameras: ['staff-corridor', 'entrance'] });
    timing.close();
    const started = performance.now();
    await new Promise<void>((resolve) => spawn(process.execPath, [CLI, '--data', data, 'incident', 'archive', probe.ref], { stdio: 'ignore' }).on('exit', () => resolve()));
    const fullMs = performance.now() - started;
    let interrupted = 0;
    for (let run = 0; run < RUNS; run++) {
      let ctx = openCtx({ dataDir: data });
      const inc = createIncident(ctx, { reason: 'crime-on-premises', justification: `Crash test run ${run}, archived twice over`, title: `run ${run}`, fromMs: t0 + 3_000, toMs: t0 + 110_000, cameras: ['staff-corridor', 'entrance'] });
      ctx.close();
      const child = spawn(process.execPath, [CLI, '--data', data, 'incident', 'archive', inc.ref], { stdio: 'ignore' });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, Math.floor(fullMs * (0.25 + 0.65 * Math.random())));
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 300)); // let an orphaned ffmpeg finish its partial
      ctx = openCtx({ dataDir: data });
      try {
        const before = findIncident(ctx, inc.ref);
        if (before.status === 'open') {
          interrupted++;
          expect(getHold(ctx.db, before.hold_id ?? 0)?.released_ms).toBeNull();
        }
        const r = await archiveIncident(ctx, inc.ref);
        expect(r.incident.status).toBe('archived');
        const clips = r.clips.filter((c) => c.status === 'complete');
        expect(clips).toHaveLength(2);
        const dir = path.join(archiveDir(ctx), inc.ref);
        const onDisk = filesUnder(dir).filter((f) => !f.endsWith('.partial'));
        expect(onDisk.sort()).toEqual(clips.map((c) => path.join(archiveDir(ctx), ...c.rel_path.split('/'))).sort());
        for (const c of clips) expect(await sha256File(path.join(archiveDir(ctx), ...c.rel_path.split('/')))).toBe(c.sha256);
      } finally {
        ctx.close();
      }
    }
    // Worth something only if most kills landed while archiving was under way.
    expect(interrupted).toBeGreaterThan(RUNS / 3);
  }, 600_000);
});
