/**
 * Attack 10 (issue 11): records nobody can quietly change or lose, tried from outside Custodian
 * with the real `sqlite3` shell, `cp` and `rm` on a real data folder, then the built CLI.
 *
 * The data folder: due footage of two cameras, a hold on part of each (H1 on `a`, H2 on `b`),
 * anchors before and after the holds, and an older copy of the whole data folder (taken with
 * `cp -a` before the holds, as a VM snapshot or a file-level backup of the PC would be). Then:
 * - a hold quietly released, shortened or deleted with the sqlite3 shell (holds have no
 *   triggers; they are "in the audit events, and copied beside the sentinels");
 * - the anchors folder deleted;
 * - the whole data folder rolled back to the older copy (database and anchors alike);
 * - the database lost, and the root's hold copy rolled back to an older signed copy, then
 *   `init --adopt`;
 * - an older backup put back the way Custodian offers (`custodian restore`).
 * `custodian audit verify` must not say whole where the records were changed; the sweep that
 * follows must delete nothing the hold covered (our own list of held files, checked on disk).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absOf, builtCliExists, cli, cliOk, DAY, initData, jsonOf, MINUTE, summary, workspace, writeRecordings, type Rec, type Workspace } from './lib.js';

interface Verdict {
  ok: boolean;
  firstBroken: { code: string; text: string } | null;
  problems: { code: string; text: string }[];
}

function sqlite(db: string, statements: string): { code: number | null; out: string; err: string } {
  const r = spawnSync('sqlite3', [db, statements], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function verdict(data: string): { v: Verdict | null; code: number | null; err: string } {
  const r = cli(data, ['audit', 'verify']);
  try {
    return { v: jsonOf<Verdict>(r), code: r.code, err: r.err };
  } catch {
    return { v: null, code: r.code, err: r.err };
  }
}

function saysWhole(data: string, label: string): string[] {
  const r = verdict(data);
  if (r.code === 0 || r.v?.ok === true) return [`${label}: audit verify says whole (exit ${String(r.code)})`];
  return [];
}

const HOLD_COPY = '.custodian-holds.json';

/** The prepared world: due footage of `a` and `b`, a hold on part of each, an older copy of the data folder. */
interface World {
  ws: Workspace;
  /** The whole data folder as it was before both holds (`cp -a`), beside it. */
  older: string;
  held: Map<string, Rec[]>;
  holdIds: Record<string, number>;
  /** The root's signed hold copy as it was before both holds. */
  olderHoldCopy: string;
  /** A backup by `custodian backup` from before both holds. */
  backup: string;
}

function prepare(tag: string): World {
  expect(builtCliExists(), 'run npm run build first').toBe(true);
  const ws = workspace(tag);
  initData(ws, { massDeletionShare: 1 });
  const held = new Map<string, Rec[]>();
  const holdIds: Record<string, number> = {};
  const base = Math.floor((Date.now() - 100 * DAY) / MINUTE) * MINUTE;
  for (const cam of ['a', 'b']) held.set(cam, writeRecordings(ws.root, cam, base, 40, 10 * MINUTE).slice(10, 20));
  cliOk(ws.data, ['scan']);
  cliOk(ws.data, ['audit', 'anchor', '--why', 'attack 10: before the holds']);
  const older = path.join(ws.dir, 'data-older');
  cpSync(ws.data, older, { recursive: true });
  const olderHoldCopy = readFileSync(path.join(ws.root, HOLD_COPY), 'utf8');
  const backup = cliOk<{ file: string }>(ws.data, ['backup', '--to', path.join(ws.dir, 'backups')]).file;
  for (const cam of ['a', 'b']) {
    const recs = held.get(cam) ?? [];
    const from = new Date((recs[0]?.startMs ?? 0) + 1000).toISOString();
    const to = new Date((recs[recs.length - 1]?.endMs ?? 0) - 1000).toISOString();
    holdIds[cam] = cliOk<{ id: number }>(ws.data, ['hold', 'add', '--camera', cam, '--from', from, '--to', to, '--reason', `attack 10: kept for the investigation (${cam})`]).id;
  }
  cliOk(ws.data, ['audit', 'anchor', '--why', 'attack 10: after the holds']);
  return { ws, older, held, holdIds, olderHoldCopy, backup };
}

/** A copy of a data folder beside it (same root, same installation): a case to tamper with. */
function copyData(w: World, name: string, from = w.ws.data): string {
  const d = path.join(w.ws.dir, name);
  cpSync(from, d, { recursive: true });
  return d;
}

/** Held files of `camera` that are gone from the disk (we removed none). */
function heldGone(w: World, camera: string): string[] {
  return (w.held.get(camera) ?? []).map((r) => absOf(w.ws.root, r)).filter((p) => !existsSync(p));
}

/** A sweep on `data` (the world's root): no file a hold of `cams` covered may go. */
function sweepKeepsHeld(w: World, data: string, cams: readonly string[], tag: string, why: string, before = ''): void {
  const s = cli(data, ['sweep']);
  const v = cams.flatMap((c) => heldGone(w, c).map((p) => `held by #${String(w.holdIds[c])} (${why}) and deleted by the sweep: ${p}`));
  console.log(`attack 10 ${tag}: ${before}sweep exit ${String(s.code)}; ${summary(v, 4)}`);
  expect(v.length, summary(v)).toBe(0);
}

/** beforeAll/afterAll of a describe on its own prepared world. */
function worldFrame(tag: string): () => World {
  let w: World | undefined;
  beforeAll(() => {
    w = prepare(tag);
  }, 180_000);
  afterAll(() => w?.ws.cleanup());
  return () => {
    if (!w) throw new Error('the world is prepared in beforeAll');
    return w;
  };
}

/** Migration 014's triggers stop a plain edit; whoever has the shell can drop them first, and does here. */
const DROP_GUARDS = ['holds_no_delete', 'holds_only_release', 'hold_cameras_no_delete', 'hold_cameras_no_update'].map((t) => `DROP TRIGGER IF EXISTS ${t};`).join(' ');

const HOLD_EDITS = (id: number): [string, string][] => [
  ['released by hand', `UPDATE holds SET released_ms = ${Date.now()}, released_by = 'admin', release_reason = 'klar' WHERE id = ${id};`],
  ['shortened to one minute', `UPDATE holds SET to_ms = from_ms + 60000 WHERE id = ${id};`],
  ['deleted with its cameras', `DELETE FROM hold_cameras WHERE hold_id = ${id}; DELETE FROM holds WHERE id = ${id};`],
];

describe('attack 10: records changed or rolled back from outside, and the holds they carry', () => {
  const world = worldFrame('records');

  it('the untouched data folder is whole (control), and its hold copy names both holds', () => {
    const w = world();
    const r = verdict(w.ws.data);
    const copy = readFileSync(path.join(w.ws.root, HOLD_COPY), 'utf8').replace(/\s/g, '');
    const named = Object.values(w.holdIds).every((id) => copy.includes(`"id":${id}`));
    console.log(`attack 10 control: verify exit ${String(r.code)}; the root's hold copy names holds ${Object.values(w.holdIds).join(', ')}: ${String(named)}`);
    expect(r.code, r.err).toBe(0);
    expect(named).toBe(true);
  }, 60_000);

  it('the anchors folder deleted: verify does not say whole', () => {
    const w = world();
    const d = copyData(w, 'data-no-anchors');
    rmSync(path.join(d, 'anchors'), { recursive: true, force: true });
    const v = saysWhole(d, 'anchors/ deleted');
    console.log(`attack 10 anchors deleted: ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 60_000);

  it('an older backup restored with custodian restore, then a sweep: nothing held goes', () => {
    const w = world();
    const r = cli(w.ws.data, ['restore', '--from', w.backup]);
    sweepKeepsHeld(w, w.ws.data, ['a', 'b'], 'restore of an older backup', 'made after the backup', `restore exit ${String(r.code)}, `);
  }, 120_000);

});

// FIXED FINDING (attack 10, holds changed with the sqlite3 shell): holds had no triggers and were
// not in the chain; a hold released, shortened or deleted by hand leaves `audit verify` saying whole,
// and the next sweep deletes what it covered although the root's signed hold copy still lists
// it. Fixed: verify checks every hold row against its chained events, and the sweep stops in a
// root whose signed copy knows holds the database lacks (hold-copy-conflict).
describe('attack 10 (fixed finding): a hold changed with the sqlite3 shell', () => {
  const world = worldFrame('records-holds');

  it('released, shortened or deleted by hand (the triggers refuse; dropped first): verify does not say whole', () => {
    const w = world();
    const v: string[] = [];
    HOLD_EDITS(w.holdIds.a ?? 0).forEach(([label, stmt], i) => {
      const d = copyData(w, `data-hold-${i}`);
      const plain = sqlite(path.join(d, 'custodian.db'), stmt);
      // A release sets what the workflow's release sets: only the chain check tells them apart.
      if (plain.code === 0 && i > 0) v.push(`${label}: the plain edit was not refused by the holds' triggers`);
      const r = sqlite(path.join(d, 'custodian.db'), `${DROP_GUARDS} ${stmt}`);
      if (r.code !== 0) v.push(`${label}: sqlite3 refused (${r.err.trim()})`);
      else v.push(...saysWhole(d, `hold #${String(w.holdIds.a)} ${label}`));
    });
    console.log(`attack 10 holds changed by hand: ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('deleted by hand, then a sweep: its files stay (the root\'s signed copy still has it)', () => {
    const w = world();
    const d = copyData(w, 'data-hold-deleted');
    sqlite(path.join(d, 'custodian.db'), `${DROP_GUARDS} ${HOLD_EDITS(w.holdIds.a ?? 0)[2]?.[1] ?? ''}`);
    sweepKeepsHeld(w, d, ['a'], 'a hold deleted by hand', 'deleted by hand');
  }, 120_000);
});

// FIXED FINDING (attack 10, rollback): the whole data folder put back to an older copy (database and
// anchors together, as a restored VM snapshot or file backup does) is "whole" to `audit verify`,
// although the root's signed hold copy carries a newer chain head and holds the database lacks.
// The sweep of the rolled-back folder then deletes everything the holds made after the copy
// covered, exit 0. Fixed: verify and the sweep compare the copy's chain head with the database's.
describe('attack 10 (fixed finding): the data folder rolled back', () => {
  const world = worldFrame('records-rollback');

  it('rolled back to the copy from before both holds: verify does not say whole', () => {
    const w = world();
    const d = copyData(w, 'data-rolled-back', w.older);
    const v = saysWhole(d, "data folder rolled back to the copy from before both holds (the root's signed hold copy is newer)");
    console.log(`attack 10 rolled back: ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 60_000);

  it('the data folder rolled back to the copy from before the holds, then a sweep: nothing held goes (the root\'s hold copy is newer)', () => {
    const w = world();
    rmSync(w.ws.data, { recursive: true });
    cpSync(w.older, w.ws.data, { recursive: true });
    sweepKeepsHeld(w, w.ws.data, ['a', 'b'], 'the data folder rolled back', 'made after the copy');
  }, 120_000);
});

// FIXED FINDING (attack 10, database lost with an older hold copy): the database lost and the root's
// signed hold copy put back to an older one (signed by the same key, from before the holds), then
// `init --adopt`: the adopt restores the older copy's holds (none), although the data folder's own
// anchors are newer than the copy's chain head, and the sweep deletes every recording the lost
// holds covered. Fixed: adopt refuses a copy whose chain head is behind the data folder's anchors.
describe('attack 10 (fixed finding): the database lost, an older hold copy on the root', () => {
  const world = worldFrame('records-adopt');

  it('the database lost and the root\'s hold copy put back to an older signed copy, then init --adopt and a sweep: nothing held goes (the anchors are newer)', () => {
    const w = world();
    const d = copyData(w, 'data-db-lost');
    for (const f of readdirSync(d)) if (f.startsWith('custodian.db')) rmSync(path.join(d, f));
    writeFileSync(path.join(w.ws.root, HOLD_COPY), w.olderHoldCopy);
    const init = cli(d, ['init', '--storage', w.ws.root, '--layout', 'camera-date-time', '--layout-timezone', 'UTC', '--adopt']);
    // Refusing the older copy is a right answer too; adopting it must not cost a held recording.
    if (init.code !== 0) {
      console.log(`attack 10 database lost, older hold copy: init --adopt refused (exit ${String(init.code)}): ${init.err.trim().slice(0, 200)}`);
      return;
    }
    cli(d, ['settings', 'set', 'massDeletionShare', '1']);
    cli(d, ['scan']);
    sweepKeepsHeld(w, d, ['a', 'b'], 'database lost, an older hold copy adopted', 'lost with the database', 'init --adopt exit 0, ');
  }, 180_000);
});
