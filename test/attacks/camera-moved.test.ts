/**
 * Attack 5 (issue 10, promise 5): a hold must follow its recordings when folders move.
 *
 * Six cameras, 75 days of two-hour recordings each; a hold on one camera's due footage. Then, as an
 * installer reconfiguring a recorder does it: `mv c1 entrance_c1` (one camera of six, under the
 * 20 % mass-missing share), or one held day folder moved to a new camera folder; then `scan` and
 * `sweep`. And the honest case: a held day folder that truly vanished.
 *
 * Harder: the "move" made by a copy and a removal (with and without the times kept), a copy kept as a
 * backup beside the renamed folder (two equal candidates), a move to another recording root.
 *
 * Oracle: every file the hold covered when it was made (our names, our window) is still on the
 * disk (at least one copy), wherever it now is; an alarm `camera-moved` (or `held-missing` where the files truly
 * vanished); `hold list` still shows the hold, and it is not lying: the recordings it stands for
 * are there (or an alarm says they are missing); the index knows each moved file once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alarms,
  alarmText,
  builtCliExists,
  cli,
  cliOk,
  DAY,
  HOUR,
  indexRows,
  initData,
  summary,
  workspace,
  writeRecordings,
  type Rec,
  type Workspace,
} from './lib.js';

const CAMERAS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

interface World {
  ws: Workspace;
  recs: Rec[];
  day0: number;
}

function world(tag: string): World {
  const ws = workspace(`moved-${tag}`);
  initData(ws, { massDeletionShare: 1 });
  const day0 = Math.floor((Date.now() - 75 * DAY) / DAY) * DAY;
  const recs = CAMERAS.flatMap((c) => writeRecordings(ws.root, c, day0, 75 * 12, 2 * HOUR));
  cliOk(ws.data, ['scan']);
  return { ws, recs, day0 };
}

interface HoldListed {
  id: number;
  cameras: string[];
  released: string | null;
}

describe('attack 5: a camera or day folder moved under a hold', () => {
  const worlds: World[] = [];
  beforeAll(() => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
  });
  afterAll(() => {
    for (const w of worlds) w.ws.cleanup();
  });

  /**
   * Holds `camera` over days [fromDay, toDay) of the due footage, lets `move` change the tree
   * (returning where each held file now is: one place, several copies, or none where it truly
   * vanished), scans and sweeps.
   */
  const attack = (tag: string, camera: string, fromDay: number, toDay: number, move: (w: World, held: Rec[]) => Map<Rec, string[]>, alarmKinds: string[], secondRoot = false): string[] => {
    const w = world(tag);
    worlds.push(w);
    if (secondRoot) {
      mkdirSync(path.join(w.ws.dir, 'rec2'));
      cliOk(w.ws.data, ['roots', 'add', path.join(w.ws.dir, 'rec2'), '--layout', 'camera-date-time', '--layout-timezone', 'UTC']);
    }
    // Half an hour into the first day to half an hour before the last: no boundary questions.
    const fromMs = w.day0 + fromDay * DAY + HOUR / 2;
    const toMs = w.day0 + toDay * DAY - HOUR / 2;
    const held = w.recs.filter((r) => r.camera === camera && r.startMs < toMs && r.endMs > fromMs);
    const h = cli(w.ws.data, ['hold', 'add', '--camera', camera, '--from', new Date(fromMs).toISOString(), '--to', new Date(toMs).toISOString(), '--reason', 'Incident i entrén, polisanmält']);
    expect(h.code, h.err).toBe(0);
    const where = move(w, held);
    // Two scans, as the service makes them: a file copied a moment ago is still "being written"
    // (settleSeconds) at the first.
    cli(w.ws.data, ['scan']);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500);
    const scan = cli(w.ws.data, ['scan']);
    const sweep = cli(w.ws.data, ['sweep']);
    const v: string[] = [];
    const there = [...where.entries()].filter(([, p]) => p.length > 0);
    const gone = there.filter(([, ps]) => !ps.some((p) => existsSync(p)));
    if (gone.length) v.push(`${gone.length} of ${there.length} held recordings are gone (every copy) after the move, scan (exit ${String(scan.code)}) and sweep (exit ${String(sweep.code)}), e.g. ${gone[0]?.[1].join(' and ') ?? ''}`);
    const all = alarms(w.ws.data);
    const kinds = all.map((a) => a.kind).join(', ') || 'none';
    if (!all.some((a) => alarmKinds.includes(a.kind))) v.push(`no ${alarmKinds.join('/')} alarm (alarms: ${kinds})`);
    const listed = (JSON.parse(cli(w.ws.data, ['hold', 'list']).out) as { holds: HoldListed[] }).holds;
    const ours = listed.find((x) => x.cameras.includes(camera));
    if (!ours || ours.released !== null) v.push('hold list no longer shows the hold as active');
    else if (gone.length > 0) v.push(`hold list shows hold #${ours.id} as active while ${gone.length} of the recordings it covered are gone: it is not honest`);
    const vanished = [...where.values()].filter((p) => p.length === 0).length;
    if (vanished > 0 && !all.some((a) => a.kind === 'held-missing' && /\d/.test(alarmText(a)))) v.push(`${vanished} held recordings truly vanished and no held-missing alarm says so`);
    // The held files are known to the index once, at their new place.
    const index = indexRows(w.ws.data);
    const count = new Map<string, number>();
    for (const r of index) count.set(r.abs, (count.get(r.abs) ?? 0) + 1);
    const twice = there.flatMap(([, ps]) => ps).filter((p) => (count.get(p) ?? 0) > 1);
    if (twice.length) v.push(`${twice.length} held recordings are indexed more than once, e.g. ${twice[0] ?? ''}`);
    const nowhere = there.filter(([, ps]) => ps.some((p) => existsSync(p)) && !ps.some((p) => count.has(p)));
    if (nowhere.length) v.push(`${nowhere.length} held recordings on the disk are not indexed anywhere, e.g. ${nowhere[0]?.[1][0] ?? ''}`);
    console.log(`attack 5 ${tag}: ${held.length} held; sweep exit ${String(sweep.code)}; alarms ${kinds}; ${summary(v, 6)}`);
    return v;
  };

  const renamed = (w: World, held: Rec[], to: string, root = w.ws.root): Map<Rec, string[]> => new Map(held.map((r) => [r, [path.join(root, to, ...r.rel.slice(1))]]));

  it('mv c1 entrance_c1 (a sixth of the root) with a hold on c1: no held file gone, camera-moved, hold list honest', () => {
    const v = attack('camera', 'c1', 3, 6, (w, held) => {
      renameSync(path.join(w.ws.root, 'c1'), path.join(w.ws.root, 'entrance_c1'));
      return renamed(w, held, 'entrance_c1');
    }, ['camera-moved']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('a held day folder moved to a new camera folder: no held file gone, camera-moved', () => {
    const v = attack('day', 'c2', 4, 5, (w, held) => {
      const day = held[0]?.rel[1] as string;
      mkdirSync(path.join(w.ws.root, 'c2_new'));
      renameSync(path.join(w.ws.root, 'c2', day), path.join(w.ws.root, 'c2_new', day));
      return new Map(held.map((r) => [r, [r.rel[1] === day ? path.join(w.ws.root, 'c2_new', ...r.rel.slice(1)) : path.join(w.ws.root, ...r.rel)]]));
    }, ['camera-moved']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('a held day folder that truly vanished: held-missing, and the hold list does not pretend', () => {
    const v = attack('vanished', 'c3', 4, 5, (w, held) => {
      const day = held[0]?.rel[1] as string;
      rmSync(path.join(w.ws.root, 'c3', day), { recursive: true });
      return new Map(held.map((r) => [r, r.rel[1] === day ? [] : [path.join(w.ws.root, ...r.rel)]]));
    }, ['held-missing']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);
  it('a camera folder "moved" the way a copy across disks does it (cp -a, then rm -r): no held file gone', () => {
    const v = attack('copied', 'c4', 3, 6, (w, held) => {
      spawnSync('cp', ['-a', path.join(w.ws.root, 'c4'), path.join(w.ws.root, 'entrance_c4')]);
      rmSync(path.join(w.ws.root, 'c4'), { recursive: true });
      return renamed(w, held, 'entrance_c4');
    }, ['camera-moved']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('a camera folder moved with a copy that does not keep times (cp -r, then rm -r): no held file gone', () => {
    const v = attack('copied-new-times', 'c5', 3, 6, (w, held) => {
      spawnSync('cp', ['-r', path.join(w.ws.root, 'c5'), path.join(w.ws.root, 'entrance_c5')]);
      rmSync(path.join(w.ws.root, 'c5'), { recursive: true });
      return renamed(w, held, 'entrance_c5');
    }, ['camera-moved', 'held-missing']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('a held camera folder copied to a backup and renamed (two equal candidates): a copy of every held file stays', () => {
    const v = attack('two-copies', 'c6', 3, 6, (w, held) => {
      spawnSync('cp', ['-a', path.join(w.ws.root, 'c6'), path.join(w.ws.root, 'backup_c6')]);
      renameSync(path.join(w.ws.root, 'c6'), path.join(w.ws.root, 'entrance_c6'));
      return new Map(held.map((r) => [r, [path.join(w.ws.root, 'entrance_c6', ...r.rel.slice(1)), path.join(w.ws.root, 'backup_c6', ...r.rel.slice(1))]]));
    }, ['camera-moved', 'held-missing']);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('a held camera folder moved to another recording root under a new name: no held file gone', () => {
    const v = attack('other-root', 'c1', 3, 6, (w, held) => {
      const rec2 = path.join(w.ws.dir, 'rec2');
      renameSync(path.join(w.ws.root, 'c1'), path.join(rec2, 'entrance_c1'));
      return renamed(w, held, 'entrance_c1', rec2);
    }, ['camera-moved'], true);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);
  // Was a finding (attack 5, two camera folders renamed at once): the first scan matched no move
  // (every file had two equal partners, one per vanished camera), and after the acknowledgement
  // the moved files were new, unheld rows: all 36 held recordings deleted. Fixed in core/scan:
  // the folder's identity tells the two renames apart, and a held recording still lost pins the
  // look-alikes indexed in that pass (core/scan/moves.ts pinHeldTwins).
  describe('two camera folders renamed at once', () => {
    it('two of six camera folders renamed at once (over the mass-missing share), a person acknowledges, then scan and sweep: no held file gone', () => {
      const v = attack('two-renamed', 'c1', 3, 6, (w, held) => {
        renameSync(path.join(w.ws.root, 'c1'), path.join(w.ws.root, 'entrance_c1'));
        renameSync(path.join(w.ws.root, 'c2'), path.join(w.ws.root, 'yard_c2'));
        // The first scan sees a third of the root go: an alarm. A person checks that the recorder
        // was reconfigured and acknowledges it; the service scans again.
        cli(w.ws.data, ['scan']);
        for (const a of alarms(w.ws.data).filter((x) => x.acknowledged === null)) cliOk(w.ws.data, ['alarms', 'ack', String(a.id), '--note', 'Kamerorna döptes om']);
        return renamed(w, held, 'entrance_c1');
      }, ['camera-moved', 'mass-missing']);
      expect(v.length, summary(v)).toBe(0);
    }, 90_000);
  });
});
