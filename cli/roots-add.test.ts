/**
 * `roots add DIR` and `init --storage DIR` without --layout: each preset's tree is proposed as
 * that preset (with what it reads checked against the generator's own list), a mixed tree is in
 * doubt and --yes will not take it, a person's "no" (or no terminal and no --yes) registers
 * nothing, and stores whose files must never be deleted one by one are refused (exit 3) before
 * anything is written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENTINEL_FILE } from '../common/domain.js';
import { LAYOUT_PRESETS } from '../common/layout.js';
import type { LayoutProposal } from '../common/layout-proposal.js';
import { openCtx } from '../core/context.js';
import { makePresetTree } from '../fixtures/preset-trees.js';
import { makeStore, type StoreKind } from '../fixtures/store-trees.js';
import { tempDir } from '../test/helpers.js';
import { registerFoundation } from './commands/foundation.js';
import type { ConfirmInput } from './commands/layout-prompt.js';
import { runCli } from './main.js';
import type { Io } from './io.js';

const TZ = 'Europe/Stockholm';
const AUTUMN = { fromMs: Date.UTC(2026, 9, 24, 22), toMs: Date.UTC(2026, 9, 25, 4) };

function memoryIo(): { io: Io; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {} }, out: () => out.join(''), err: () => err.join('') };
}

/** The foundation commands with a terminal that answers as given (null: no terminal). */
async function cli(data: string, args: string[], answer: string | null = null): Promise<{ code: number; out: string; err: string; asked: string[] }> {
  const m = memoryIo();
  let code = 0;
  const asked: string[] = [];
  const input: ConfirmInput = { ask: (q) => (answer === null ? null : (asked.push(q), Promise.resolve(answer))) };
  const program = new Command('custodian').option('--data <dir>').option('--json').exitOverride().configureOutput({ writeOut: m.io.out, writeErr: m.io.err });
  registerFoundation(program, { io: m.io, setExit: (c) => (code = c) }, input);
  for (const c of program.commands) {
    c.exitOverride();
    for (const s of c.commands) s.exitOverride();
  }
  try {
    await program.parseAsync(['--data', data, ...args], { from: 'user' });
  } catch (e) {
    const ce = e as { code?: string; message: string };
    m.io.err(`${ce.message}\n`);
    code = ce.code === 'refused_by_safety_rule' ? 3 : 1;
  }
  return { code, out: m.out(), err: m.err(), asked };
}

describe('roots add without --layout: a layout found by looking', () => {
  let t: ReturnType<typeof tempDir>;
  let data: string;
  beforeAll(async () => {
    t = tempDir();
    data = path.join(t.dir, 'data');
    const first = path.join(t.dir, 'first');
    mkdirSync(first);
    expect(await runCli(['--data', data, 'init', '--storage', first, '--layout', 'camera-date-time'], memoryIo().io)).toBe(0);
  });
  afterAll(() => t.cleanup());
  let n = 0;
  const fresh = (name: string): string => {
    const dir = path.join(t.dir, `${name}-${++n}`);
    mkdirSync(dir);
    return dir;
  };
  const registeredLayouts = (): Map<string, { layout: string; tz: string | null }> => {
    const ctx = openCtx({ dataDir: data, mustExist: true });
    try {
      return new Map((ctx.db.prepare('SELECT path, layout, layout_tz FROM roots').all() as { path: string; layout: string; layout_tz: string | null }[]).map((r) => [r.path, { layout: r.layout, tz: r.layout_tz }]));
    } finally {
      ctx.close();
    }
  };

  for (const preset of LAYOUT_PRESETS) {
    it(`proposes ${preset.name} for a tree in its naming, and reads a few files as the recorder wrote them`, async () => {
      const dir = fresh(preset.name);
      const tree = makePresetTree({ root: dir, layout: preset.name, siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
      const r = await cli(data, ['--json', 'roots', 'add', dir, '--yes']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const added = JSON.parse(r.out) as { layout: string; path: string };
      expect(added.layout).toBe(preset.name);
      expect(registeredLayouts().get(dir)?.layout).toBe(preset.name);
      expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(true);

      // The proposal itself, as text: what it reads from real files is what the generator wrote.
      const again = fresh(`${preset.name}-text`);
      const tree2 = makePresetTree({ root: again, layout: preset.name, siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
      const text = await cli(data, ['roots', 'add', again]);
      expect(text.code).toBe(1);
      expect(text.err).toMatch(/Nothing was registered: confirm the proposal with --yes, or name the layout with --layout/);
      expect(text.out).toContain(`(layout ${preset.name})`);
      expect(text.out).toMatch(/0 it cannot place/);
      const first = tree2.segments.find((s) => text.out.includes(s.path));
      expect(first, 'an example row names a real file').toBeDefined();
      expect(existsSync(path.join(again, SENTINEL_FILE))).toBe(false);
      expect(tree.segments.length).toBeGreaterThan(0);
    });
  }

  it('shows the start, the end and its source, and the kind a name states', async () => {
    const dir = fresh('dahua-rows');
    const tree = makePresetTree({ root: dir, layout: 'dahua', siteTimeZone: TZ, fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 9), segmentSeconds: 600 });
    const text = await cli(data, ['roots', 'add', dir]);
    const line = text.out.split('\n').find((l) => l.includes((tree.segments[0] as { path: string }).path)) ?? '';
    expect(line).toMatch(/4D027BCPAA05B90-ch001\s+2026-11-20 09:00:00\+01:00\s+09:10:00 \(from the name\)\s+scheduled/);
    expect(text.out).toMatch(/Names are read in the time zone Europe\/Stockholm; the files' modification times agree/);
  });

  it('--lang sv: the proposal, its rows and the question in Swedish from the catalogue; "ja" registers', async () => {
    const dir = fresh('dahua-sv');
    const tree = makePresetTree({ root: dir, layout: 'dahua', siteTimeZone: TZ, fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 9), segmentSeconds: 600 });
    const r = await cli(data, ['roots', 'add', dir, '--lang', 'sv'], 'ja');
    expect(r.out).toContain(`${dir}: ser ut som Dahua / Amcrest (FTP/NAS) (layouten dahua).`);
    expect(r.out).toMatch(/Det här läser Custodian ur några av filerna:/);
    expect(r.out).toMatch(/fil\s+kamera\s+början\s+slut\s+typ/);
    const line = r.out.split('\n').find((l) => l.includes((tree.segments[0] as { path: string }).path)) ?? '';
    expect(line).toMatch(/09:10:00 \(ur namnet\)\s+schemalagd/);
    expect(r.asked).toEqual([`Registrera ${dir} med layouten dahua? Ingenting indexeras förrän du svarar ja. [j/N] `]);
    expect(r.code).toBe(0);
    expect(registeredLayouts().get(dir)?.layout).toBe('dahua');
    expect((await cli(data, ['roots', 'add', fresh('x'), '--lang', 'de'])).err).toMatch(/--lang must be sv or en, not "de"/);
  });

  it('asks on a terminal: yes registers, anything else registers nothing', async () => {
    const no = fresh('ask-no');
    makePresetTree({ root: no, layout: 'motioneye', siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
    const declined = await cli(data, ['roots', 'add', no], 'n');
    expect(declined.asked).toEqual([`Register ${no} with layout motioneye? Nothing is indexed until you say yes. [y/N] `]);
    expect(declined.code).toBe(1);
    expect(declined.out).toMatch(/Nothing was registered\./);
    expect(existsSync(path.join(no, SENTINEL_FILE))).toBe(false);
    expect(registeredLayouts().has(no)).toBe(false);
    const yes = await cli(data, ['roots', 'add', no], 'j');
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/Recording root #\d+: .* \(layout motioneye\)/);
    expect(registeredLayouts().get(no)?.layout).toBe('motioneye');
  });

  it('a mixed tree (two recorders\' names) is in doubt: --yes refuses, the prompt is not even offered', async () => {
    const dir = fresh('mixed');
    makePresetTree({ root: dir, layout: 'camera-date-time', siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
    makePresetTree({ root: dir, layout: 'frigate', siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
    const r = await cli(data, ['--json', 'roots', 'add', dir, '--yes']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { ok: false; proposal: LayoutProposal };
    expect(doc.proposal.verdict).toBe('ambiguous');
    expect([doc.proposal.best?.layout, ...doc.proposal.others.map((o) => o.layout)]).toEqual(expect.arrayContaining(['camera-date-time', 'frigate']));
    expect(r.err).toMatch(/Custodian does not guess: name the layout with --layout/);
    const asked = await cli(data, ['roots', 'add', dir], 'y');
    expect(asked.asked).toEqual([]);
    expect(asked.code).toBe(1);
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
    // Named, it is taken: the other half is then unrecognised, never touched.
    expect((await cli(data, ['roots', 'add', dir, '--layout', 'camera-date-time'])).code).toBe(0);
  });

  it('counts and names the files it cannot place', async () => {
    const dir = fresh('strays');
    makePresetTree({ root: dir, layout: 'camera-date-time', siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
    writeFileSync(path.join(dir, 'README.txt'), 'not a recording');
    mkdirSync(path.join(dir, 'entrance', 'exports'));
    writeFileSync(path.join(dir, 'entrance', 'exports', 'clip.mp4'), '');
    const text = await cli(data, ['roots', 'add', dir]);
    expect(text.out).toMatch(/, 2 it cannot place/);
    expect(text.out).toMatch(/README\.txt\s+not at the depth the layout expects/);
  });

  it("reads Frigate's old names in the zone the files' times show (the container's TZ was set), and registers that zone", async () => {
    const dir = fresh('frigate-local');
    makePresetTree({ root: dir, layout: 'frigate-before-0.12', siteTimeZone: TZ, layoutTimeZone: TZ, fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 12), segmentSeconds: 600 });
    const r = await cli(data, ['--json', 'roots', 'add', dir, '--yes']);
    expect(r.code).toBe(0);
    expect(registeredLayouts().get(dir)).toEqual({ layout: 'frigate-before-0.12', tz: TZ });
    const text = await cli(data, ['roots', 'add', fresh('x')]);
    expect(text.err).toMatch(/holds no files yet, so the layout cannot be found by looking/);
  });

  it('a pattern made up from names when no preset fits, confirmed like a preset', async () => {
    const dir = fresh('custom');
    for (const cam of ['north', 'south']) {
      for (let h = 8; h < 12; h++) {
        const f = path.join(dir, 'Site', cam, '2026-11-20', `rec_${String(h).padStart(2, '0')}-00-00.mkv`);
        mkdirSync(path.dirname(f), { recursive: true });
        writeFileSync(f, '');
      }
    }
    const r = await cli(data, ['--json', 'roots', 'add', dir, '--yes']);
    expect(r.code).toBe(0);
    expect(registeredLayouts().get(dir)?.layout).toBe('Site/{camera}/{yyyy-MM-dd}/rec_{HH-mm-ss}.mkv');
  });

  const STORES: readonly [StoreKind, RegExp][] = [
    ['hikvision-sd', /is a Hikvision recorder's store \(SD card or NAS; hiv00000\.mp4\).*Custodian must not delete its files/],
    ['hikvision-nas', /is a Hikvision recorder's store \(SD card or NAS; (info\.bin|datadir0\/hiv00000\.mp4)\)/],
    ['milestone', /is Milestone XProtect's recording database \((MediaDatabase|Archives\/.*|MediaDatabase\/00408c51e181_1)\).*Custodian must not delete its files/],
    ['moonfire', /is a Moonfire NVR sample-file directory \(meta\).*Custodian must not delete its files/],
    ['scrypted', /is Scrypted NVR's storage volume \(\.nvr\).*Custodian must not delete its files/],
  ];
  for (const [kind, sentence] of STORES) {
    it(`refuses ${kind} with a sentence naming the recorder, with or without --layout, writing nothing`, async () => {
      const dir = fresh(kind);
      makeStore(dir, kind);
      for (const args of [['roots', 'add', dir], ['roots', 'add', dir, '--yes'], ['roots', 'add', dir, '--layout', 'camera-date-time']]) {
        const r = await cli(data, args);
        expect(r.code).toBe(3);
        expect(r.err).toMatch(sentence);
        expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
      }
      expect(registeredLayouts().has(dir)).toBe(false);
      // init refuses before the data folder is made.
      const fresh2 = path.join(t.dir, `data-${kind}`);
      const init = await cli(fresh2, ['init', '--storage', dir]);
      expect(init.code).toBe(3);
      expect(existsSync(fresh2)).toBe(false);
      // A store one level down (the root given is the share above it) is found too.
      const share = fresh(`${kind}-share`);
      makeStore(path.join(share, 'recorder'), kind);
      expect((await cli(data, ['roots', 'add', share, '--layout', 'camera-date-time'])).code).toBe(3);
    });
  }

  it('init without --layout proposes, asks and only then makes the data folder', async () => {
    const rec = fresh('init');
    makePresetTree({ root: rec, layout: 'dahua', siteTimeZone: TZ, ...AUTUMN, segmentSeconds: 600 });
    const d = path.join(t.dir, 'data-init');
    const declined = await cli(d, ['init', '--storage', rec], 'nej');
    expect(declined.code).toBe(1);
    expect(existsSync(d)).toBe(false);
    const ok = await cli(d, ['--json', 'init', '--storage', rec, '--yes']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.out) as { roots: { layout: string }[] }).roots.map((r) => r.layout)).toEqual(['dahua']);
    expect(readFileSync(path.join(rec, SENTINEL_FILE), 'utf8').length).toBeGreaterThan(0);
  });
});
