/**
 * kill -9 a real `custodian sweep` process at random moments, 50 times, on a real tree. After each
 * kill a normal sweep must finish the job: no index row for a file that is gone, no file forgotten
 * by the index, no held file touched, every deletion recorded once, the audit chain whole.
 * Needs the built CLI (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../core/audit.js';
import { addHold } from '../core/holds.js';
import { scanAll } from '../core/indexer.js';
import { sweep } from '../core/retention.js';
import { addRoot } from '../core/roots.js';
import { changeSetting } from '../core/settings.js';
import { openCtx } from '../core/context.js';
import { DAY, fastTempBase, MINUTE, tempDir, writeSegments } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');
const RUNS = Number(process.env.CUSTODIAN_CRASH_RUNS ?? 50);

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.mp4')) out.push(p);
  }
  return out;
}

describe('crash safety of the sweep', () => {
  let t: ReturnType<typeof tempDir>;
  let data: string;
  let root: string;
  const held: string[] = [];
  beforeAll(() => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-crash-', fastTempBase());
    data = path.join(t.dir, 'data');
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    const ctx = openCtx({ dataDir: data });
    addRoot(ctx, { path: root });
    changeSetting(ctx, 'massDeletionShare', 1);
    held.push(...writeSegments(root, 'held-cam', Date.now() - 100 * DAY, 50, 10 * MINUTE));
    writeSegments(root, 'recent', Date.now() - 2 * DAY, 20, 60 * MINUTE);
    // A recorder writing now: the clock check compares "now" with the newest recording.
    writeSegments(root, 'live', Date.now() - 20 * MINUTE, 1, 10 * MINUTE);
    scanAll(ctx);
    addHold(ctx, { cameras: ['held-cam'], fromMs: Date.now() - 101 * DAY, toMs: Date.now() - 90 * DAY, reason: 'crash test hold' });
    ctx.close();
  });
  afterAll(() => t.cleanup());

  it(`finishes cleanly after ${RUNS} kill -9s at random points`, async () => {
    let killedMidway = 0;
    for (let run = 0; run < RUNS; run++) {
      // Fresh due footage for this run: 600 old segments of a new camera.
      const ctx = openCtx({ dataDir: data });
      writeSegments(root, `cam${run}`, Date.now() - (95 + (run % 5)) * DAY, 600, 2 * MINUTE);
      scanAll(ctx);
      ctx.close();

      const child = spawn(process.execPath, [CLI, '--data', data, 'sweep', '--json'], { stdio: 'ignore' });
      const delay = 150 + Math.floor(Math.random() * 500);
      const exited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(false);
        }, delay);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!exited) {
        killedMidway++;
        await new Promise((r) => child.on('close', r));
      }

      // Restart: a normal sweep finishes what the killed one started.
      const after = openCtx({ dataDir: data });
      try {
        const r = sweep(after);
        expect(r.refused).toBeNull();
        const indexed = after.db
          .prepare('SELECT r.path AS root, d.rel AS rel, s.name AS name, s.state AS state FROM segments s JOIN dirs d ON d.id = s.dir_id JOIN roots r ON r.id = s.root_id')
          .all() as { root: string; rel: string; name: string; state: string }[];
        const indexedPaths = new Set(indexed.map((s) => path.join(s.root, ...s.rel.split('/'), s.name)));
        const onDisk = walk(root);
        for (const f of onDisk) expect(indexedPaths.has(f) || statSync(f).mtimeMs > Date.now() - 5000, `file forgotten by the index: ${f}`).toBe(true);
        for (const p of indexedPaths) expect(existsSync(p), `index row for a file that is gone: ${p}`).toBe(true);
        expect(indexed.every((s) => s.state === 'present')).toBe(true);
        for (const h of held) expect(existsSync(h), `held file touched: ${h}`).toBe(true);
        const pending = after.db.prepare("SELECT COUNT(*) AS n FROM deletions WHERE outcome = 'pending'").get() as { n: number };
        expect(pending.n).toBe(0);
        const dup = after.db.prepare("SELECT path, COUNT(*) AS n FROM deletions WHERE outcome != 'pending' GROUP BY path HAVING n > 1").all();
        expect(dup).toEqual([]);
        expect(verifyAuditChain(after.db).ok).toBe(true);
      } finally {
        after.close();
      }
    }
    // The test is only worth something if most kills landed while the sweep was working.
    expect(killedMidway).toBeGreaterThan(RUNS / 3);
  }, 600_000);
});
