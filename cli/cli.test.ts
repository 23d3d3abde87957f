import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, tempDir, writeSegments } from '../test/helpers.js';
import { buildProgram, runCli } from './main.js';
import type { Io } from './io.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('custodian command line', () => {
  let t: ReturnType<typeof tempDir>;
  let data: string;
  let rec: string;
  beforeEach(() => {
    t = tempDir();
    data = path.join(t.dir, 'data');
    rec = path.join(t.dir, 'rec');
    mkdirSync(rec);
    writeSegments(rec, 'entrance', Date.now() - 70 * DAY, 70 * 4, 6 * HOUR);
    // The recorder is writing now (the clock check compares "now" with the newest recording).
    writeSegments(rec, 'entrance', Date.now() - 2 * HOUR, 1, HOUR);
  });
  afterEach(() => t.cleanup());

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = io(env);
    const code = await runCli(['--data', data, ...args], c.io);
    return { code, out: c.out(), err: c.err() };
  };

  it('init, scan and status --json give the documented shape', async () => {
    expect((await run(['init', '--storage', rec, '--layout', 'camera-date-time'])).code).toBe(0);
    const scan = await run(['scan', '--json']);
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.out).roots[0].added).toBeGreaterThan(270);
    const st = await run(['status', '--json']);
    const s = JSON.parse(st.out);
    expect(s.roots[0]).toMatchObject({ path: rec, online: true });
    expect(typeof s.roots[0].segments).toBe('number');
    expect(s.cameras[0]).toMatchObject({ id: 'entrance' });
    expect(s.cameras[0].oldest).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(typeof s.segments).toBe('number');
    expect(typeof s.unrecognised).toBe('number');
    expect(Array.isArray(s.alarms)).toBe(true);
  });

  it('sweep --json reports deleted/held/due/refused, and exits 3 when a safety rule refuses', async () => {
    await run(['init', '--storage', rec, '--layout', 'camera-date-time']);
    await run(['scan']);
    const dry = JSON.parse((await run(['sweep', '--dry-run', '--json'])).out);
    expect(dry.due).toBeGreaterThan(0);
    expect(dry.deleted).toBe(0);
    expect(dry.nextDue).toMatch(/T/);
    const real = await run(['sweep', '--json']);
    expect(real.code).toBe(0);
    const r = JSON.parse(real.out);
    expect(r).toMatchObject({ deleted: dry.due, held: 0, refused: null });
    renameSync(rec, `${rec}-x`);
    mkdirSync(rec);
    const off = await run(['sweep', '--json']);
    expect(off.code).toBe(3);
    expect(JSON.parse(off.out).refused).toMatch(/offline/);
  });

  it('hold add prints the id; a bad time is one clear sentence and exit 1', async () => {
    await run(['init', '--storage', rec, '--layout', 'camera-date-time']);
    await run(['scan']);
    const h = await run(['hold', 'add', '--camera', 'entrance', '--from', '2026-01-01T00:00', '--to', '2026-01-02T00:00', '--reason', 'test hold']);
    expect(h.out.trim()).toMatch(/^\d+$/);
    const bad = await run(['hold', 'add', '--camera', 'entrance', '--from', 'yesterday', '--to', '2026-01-02', '--reason', 'x y z']);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/ISO 8601/);
    const nocam = await run(['hold', 'add', '--camera', 'nope', '--from', '2026-01-01', '--to', '2026-01-02', '--reason', 'x y z']);
    expect(nocam.code).toBe(1);
    expect(nocam.err).toMatch(/ingen kamera "nope"/);
  });

  it('usage errors exit 2; a missing data folder exits 1 with one sentence', async () => {
    expect((await run(['status', '--bogus'])).code).toBe(2);
    expect((await run(['no-such-command'])).code).toBe(2);
    const missing = await run(['status']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/ingen Custodian-datamapp/);
  });

  it('refuses bad roots and layouts clearly and writes no sentinel', async () => {
    const r1 = await run(['init', '--storage', path.join(t.dir, 'nope')]);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/finns inte/);
    const r2 = await run(['init', '--storage', rec, '--layout', '{yyyy}/{HH}.mp4']);
    expect(r2.err).toMatch(/saknar \{camera\}/);
  });

  it('a data folder that cannot be written is one clear sentence, and nothing is made', async () => {
    // As root, chmod cannot make a folder read-only; /sys and /proc are file systems that refuse.
    for (const bad of ['/sys/custodian-test', '/proc/custodian-test/data']) {
      const c = io();
      const code = await runCli(['--data', bad, 'init', '--storage', rec, '--layout', 'camera-date-time'], c.io);
      expect(code).toBe(1);
      expect(c.err()).toMatch(/Det gick inte att skapa datamappen/);
    }
  });

  it('every command has --help', async () => {
    const c = io();
    const program = buildProgram(c.io, () => undefined);
    const names: string[][] = [];
    for (const cmd of program.commands) {
      names.push([cmd.name()]);
      for (const sub of cmd.commands) names.push([cmd.name(), sub.name()]);
    }
    expect(names.length).toBeGreaterThan(15);
    for (const n of names) {
      const h = io();
      expect(await runCli([...n, '--help'], h.io)).toBe(0);
      expect(h.out()).toMatch(/Usage: custodian/);
    }
  });
});
