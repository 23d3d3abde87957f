/**
 * Roots refused by what they are, not by what they are called: a link (to `/`, to a folder that
 * holds the data folder, to a good folder), the same disk bind-mounted at a second place, a
 * second path into a registered root's parent, and a copy of a registered root's sentinel.
 * Real CLI, real links, real bind mounts (root only: skipped elsewhere). Checked on the disk
 * (no sentinel written where it was refused), the index (roots list) and the audit log.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodianCli, fastTempBase, tempDir } from './helpers.js';

const run = custodianCli;
const isRoot = process.getuid?.() === 0;
const SENTINEL = '.custodian-root';

function rootsOf(data: string): string[] {
  const r = run(data, '--json', 'roots', 'list');
  return (JSON.parse(r.out) as { roots: { path: string }[] }).roots.map((x) => x.path);
}

describe('roots refused by what they are', () => {
  let t: ReturnType<typeof tempDir>;
  let data = '';
  let rec = '';
  const mounts: string[] = [];

  beforeAll(() => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-refusals-', fastTempBase());
    data = path.join(t.dir, 'data');
    rec = path.join(t.dir, 'nvr', 'rec');
    mkdirSync(rec, { recursive: true });
    const init = run(data, 'init', '--storage', rec, '--layout', 'camera-date-time');
    expect(init.status, init.err).toBe(0);
  }, 60_000);
  afterAll(() => {
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
    t?.cleanup();
  });

  it('a link is refused, whatever it points at, and nothing is written where it leads', () => {
    const cases = [
      { link: path.join(t.dir, 'to-slash'), target: '/' },
      { link: path.join(t.dir, 'to-parent'), target: t.dir }, // holds the data folder
      { link: path.join(t.dir, 'to-good'), target: path.join(t.dir, 'good') },
    ];
    mkdirSync(path.join(t.dir, 'good'));
    for (const c of cases) {
      symlinkSync(c.target, c.link);
      const r = run(data, 'roots', 'add', c.link);
      expect(r.status, `${c.link}: ${r.out}`).not.toBe(0);
      expect(r.err).toContain('symbolic link');
      expect(existsSync(path.join(c.target, SENTINEL)), `sentinel written in ${c.target}`).toBe(false);
    }
    expect(existsSync(path.join('/', SENTINEL))).toBe(false);
    expect(rootsOf(data)).toEqual([rec]);
  });

  it('a folder reached through a linked parent is judged where it really is', () => {
    // /…/via -> the folder holding the data folder; via/data/.. is that folder again.
    const via = path.join(t.dir, 'via');
    symlinkSync(path.dirname(t.dir), via);
    const r = run(data, 'roots', 'add', path.join(via, path.basename(t.dir)));
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('data folder');
    expect(existsSync(path.join(t.dir, SENTINEL))).toBe(false);
  });

  it.skipIf(!isRoot)('the same disk bind-mounted at a second place is one root only', () => {
    const second = path.join(t.dir, 'second');
    mkdirSync(second);
    expect(spawnSync('mount', ['--bind', rec, second]).status).toBe(0);
    mounts.push(second);
    const r = run(data, 'roots', 'add', second);
    expect(r.status).not.toBe(0);
    // The bind mount shows the sentinel itself: either sentence names the registered root.
    expect(r.err).toMatch(/same storage|sentinel of the recording root/);
    expect(r.err).toContain(rec);
    expect(rootsOf(data)).toEqual([rec]);
  });

  it.skipIf(!isRoot)('a second path to the registered root\'s parent, and a folder inside it, are refused', () => {
    const parent = path.join(t.dir, 'parent-again');
    mkdirSync(parent);
    expect(spawnSync('mount', ['--bind', path.dirname(rec), parent]).status).toBe(0);
    mounts.push(parent);
    const holds = run(data, 'roots', 'add', parent);
    expect(holds.status).not.toBe(0);
    expect(holds.err).toContain('same storage');
    mkdirSync(path.join(rec, 'cam9'), { recursive: true });
    const inside = run(data, 'roots', 'add', path.join(parent, 'rec', 'cam9'));
    expect(inside.status).not.toBe(0);
    expect(inside.err).toContain('same storage');
    expect(existsSync(path.join(rec, 'cam9', SENTINEL))).toBe(false);
    expect(rootsOf(data)).toEqual([rec]);
  });

  it('a folder carrying a copy of a registered root\'s sentinel is refused', () => {
    const clone = path.join(t.dir, 'clone');
    mkdirSync(clone);
    copyFileSync(path.join(rec, SENTINEL), path.join(clone, SENTINEL));
    const r = run(data, 'roots', 'add', clone);
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('sentinel of the recording root');
    expect(rootsOf(data)).toEqual([rec]);
    // The audit log, read with the sqlite3 shell: one root was ever added.
    const added = spawnSync('sqlite3', [path.join(data, 'custodian.db'), "SELECT COUNT(*) FROM audit WHERE action = 'root.added'"], { encoding: 'utf8' });
    expect(added.stdout.trim()).toBe('1');
  });
});
