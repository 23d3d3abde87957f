/**
 * `custodian request …` end to end in one process with real parts: a recorder with real H.264
 * footage (the vtest excerpt), real ffmpeg cutting and burning, the letter read back with
 * `pdftotext`, the package checked with `sha256sum -c`. The oracle is what the officer sees: the
 * printed words, the exit codes, the files on disk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, tempDir } from '../test/helpers.js';
import { writeRequestRecorder } from '../test/request-fixture.js';
import type { Io } from './io.js';
import { runCli } from './main.js';

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('custodian request: an access request from the command line', () => {
  let t: ReturnType<typeof tempDir>;
  let data: string;
  let hallMs = 0;
  let ref = '';
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = io(env);
    const code = await runCli(['--lang', 'en', '--data', data, ...args], c.io);
    return { code, out: c.out(), err: c.err() };
  };

  beforeAll(async () => {
    t = tempDir();
    data = path.join(t.dir, 'data');
    const rec = path.join(t.dir, 'rec');
    hallMs = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
    await writeRequestRecorder(rec, path.join(t.dir, 'work'), { hallMs, corridorMs: hallMs + 10 * MINUTE });
    expect((await run(['init', '--storage', rec, '--layout', 'camera-date-time'])).code).toBe(0);
    expect((await run(['scan'])).code).toBe(0);
  }, 120_000);
  afterAll(() => t?.cleanup());

  const intake = (extra: string[] = []) => [
    'request',
    'create',
    '--received',
    iso(Date.now() - DAY).slice(0, 10),
    '--name',
    'Anna Andersson',
    '--contact',
    'Storgatan 1, 111 22 Stockholm',
    '--checked-by',
    'Väktare Berg',
    '--id-method',
    'körkort, visat i receptionen',
    '--description',
    'Röd jacka, går genom hallen från vänster',
    '--from',
    iso(hallMs - MINUTE),
    '--to',
    iso(hallMs + 5 * MINUTE),
    ...extra,
  ];

  it('refuses a camera that does not exist, and an ID number, in one sentence each; nothing is registered', async () => {
    const bad = await run(intake(['--camera', 'no-such-camera']));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('There is no camera "no-such-camera"');
    const id = await run([...intake(['--camera', 'hall']).map((a) => (a === 'körkort, visat i receptionen' ? 'körkort 19800101-1234' : a))]);
    expect(id.code).toBe(1);
    expect(id.err).toMatch(/ID number/);
    expect(JSON.parse((await run(['request', 'list', '--json'])).out).requests).toEqual([]);
  });

  it('registers, holds, marks, masks, answers, writes the letter, delivers: the material goes, the register keeps the row', async () => {
    const created = await run(intake(['--camera', 'hall']));
    expect(created.code, created.err).toBe(0);
    ref = created.out.split('\n')[0] ?? '';
    expect(ref).toMatch(/^DSR-\d{4}-0001$/);
    expect(created.out).toContain('spärrat');
    const holds = JSON.parse((await run(['hold', 'list', '--json'])).out) as { holds: { reason: string }[] };
    expect(holds.holds.map((h) => h.reason)).toContain(`access request ${ref}`);

    // The first deadline has not passed: an extension with a reason works once; a second is refused.
    const twice = await run(['request', 'extend', ref, '--reason', 'många kameror att granska', '--told', iso(Date.now()).slice(0, 10)]);
    expect(twice.code, twice.err).toBe(0);
    const again = await run(['request', 'extend', ref, '--reason', 'ännu mer tid behövs', '--told', iso(Date.now()).slice(0, 10)]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/only once/);

    // Outside the window: refused, with what to do.
    const outside = await run(['request', 'mark', ref, '--camera', 'hall', '--from', iso(hallMs - HOUR), '--to', iso(hallMs - HOUR + MINUTE)]);
    expect(outside.code).toBe(1);
    expect(outside.err).toMatch(/outside the times and places/);

    const marked = await run(['request', 'mark', ref, '--camera', 'hall', '--from', iso(hallMs), '--to', iso(hallMs + 3000), '--json']);
    expect(marked.code, marked.err).toBe(0);
    const detail = JSON.parse(marked.out.trim().split('\n').pop() ?? '{}') as { clips: { id: number; status: string }[] };
    const clip = detail.clips[0];
    expect(clip?.status).toBe('complete');

    // Answering before the clip is masked is refused.
    const early = await run(['request', 'answer', ref]);
    expect(early.code).toBe(1);

    // A hand-drawn track over the left half of the picture for the whole clip; nobody kept visible.
    const tracks = path.join(t.dir, 'tracks.json');
    writeFileSync(tracks, JSON.stringify([{ id: 'm1', origin: 'manual', keys: [{ t: 0, box: { x: 0, y: 0, w: 0.5, h: 1 } }, { t: 4000, box: { x: 0, y: 0, w: 0.5, h: 1 } }] }]));
    const saved = await run(['request', 'masks', ref, String(clip?.id), '--tracks', tracks]);
    expect(saved.code, saved.err).toBe(0);
    expect(saved.out).toContain('1 maskspår sparade');
    const rendered = await run(['request', 'render', ref, String(clip?.id)]);
    expect(rendered.code, rendered.err).toBe(0);
    expect(rendered.out).toMatch(/maskerade kopian är gjord/);

    const out = path.join(t.dir, 'out');
    const answered = await run(['request', 'answer', ref, '--out', out]);
    expect(answered.code, answered.err).toBe(0);
    expect(answered.out).toContain('svaret är klart i');
    // The package is written into the folder given (a USB stick, say), checked as its recipient would.
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['SHA256SUMS', 'manifest.json', 'manifest.sig', 'index.html', 'clips']));
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).not.toMatch(/FAILED/);

    const letter = path.join(t.dir, 'brev.pdf');
    expect((await run(['request', 'letter', ref, '--out', letter])).code).toBe(0);
    const words = execFileSync('pdftotext', ['-layout', letter, '-'], { encoding: 'utf8' });
    expect(words).toContain('Anna Andersson');
    expect(words).toContain('Integritetsskyddsmyndigheten');
    // A file the person already has is never overwritten.
    expect((await run(['request', 'letter', ref, '--out', letter])).code).toBe(1);

    const delivered = await run(['request', 'deliver', ref, '--method', 'personligen i receptionen']);
    expect(delivered.code, delivered.err).toBe(0);
    expect(delivered.out).toMatch(/besvarad: 1 spärr\(ar\) släppta, \d+ fil\(er\) raderade/);
    const after = JSON.parse((await run(['request', 'show', ref, '--json'])).out) as { clips: { status: string }[]; materialDeleted: string | null };
    expect(after.materialDeleted).not.toBeNull();
    expect(after.clips.every((c) => c.status === 'deleted')).toBe(true);
    // The package written outside the data folder is the requester's copy: Custodian keeps its hands off it.
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);

    const csv = await run(['request', 'register', '--format', 'csv']);
    expect(csv.out.split('\n')[0]).toContain('ref');
    expect(csv.out).toContain(ref);
    const again2 = await run(['request', 'deliver', ref, '--method', 'med post']);
    expect(again2.code).toBe(1);
  }, 120_000);

  it('extension after the first deadline: refused with the reason', async () => {
    const r = await run(intake(['--camera', 'lawn']));
    const ref2 = r.out.split('\n')[0] ?? '';
    const later = { CUSTODIAN_TEST_NOW: iso(Date.now() + 40 * DAY) };
    const late = await run(['request', 'extend', ref2, '--reason', 'många kameror att granska', '--told', iso(Date.now() + 40 * DAY).slice(0, 10)], later);
    expect(late.code).toBe(1);
    expect(late.err).toMatch(/first deadline passed/);
    const w = await run(['request', 'withdraw', ref2, '--reason', 'den sökande ringde och drog tillbaka']);
    expect(w.code, w.err).toBe(0);
    expect(w.out).toMatch(/återkallad: 1 spärr\(ar\) släppta/);
  }, 60_000);
});
