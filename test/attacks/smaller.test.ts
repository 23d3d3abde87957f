/**
 * Attack 8 (issue 10, the smaller promises), each through the built CLI:
 *  - `init` / `roots add` refuse `/`, a system folder, the home folder, a folder that contains the
 *    data folder and one inside it (also when named through a symlink, `..` or a trailing slash),
 *    with a sentence naming the folder, and write no sentinel there; and the same disk mounted at
 *    a second place is not a second root;
 *  - `hold add` with a time in the autumn's repeated hour and no offset is refused with an error
 *    naming both readings; one in the spring gap is refused naming the gap; no hold is made;
 *  - an archive that fails on a corrupt source keeps its hold and raises an alarm;
 *  - a recorder overwriting files of the same name in an old folder (folder mtime put back) is
 *    noticed by `scan --full`: counted as changed, the index takes the new size; a held one is an
 *    alarm;
 *  - the refusal text of `run` (and of `sweep`) never says "see custodian alarms" when no alarm was
 *    raised (here: another sweeper holds the lease).
 * (The kill -9 promise has its own file: killed-sweep-log.test.ts.)
 */
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorruptMp4 } from '../../fixtures/video.js';
import {
  absOf,
  alarms,
  bindMount,
  builtCliExists,
  cli,
  cliOk,
  deletionLog,
  DAY,
  initData,
  killHard,
  markedWork,
  MINUTE,
  readDb,
  startCli,
  stopOutsideWrite,
  summary,
  umountLazy,
  workspace,
  writeRealRecordings,
  writeRecordings,
  type Workspace,
} from './lib.js';

describe('attack 8: the smaller promises', () => {
  const spaces: Workspace[] = [];
  const pids = new Set<number>();
  const strays: string[] = [];
  beforeAll(() => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
  });
  afterAll(() => {
    for (const p of pids) killHard(p);
    // A sentinel an accepted system folder got is removed again (it was not there before).
    for (const s of strays) rmSync(s, { force: true });
    for (const w of spaces) w.cleanup();
  });
  const space = (tag: string): Workspace => {
    const w = workspace(tag);
    spaces.push(w);
    return w;
  };

  it('init and roots add refuse /, /etc, the home folder, the data folder\'s ancestors and descendants', () => {
    const w = space('roots');
    const home = path.join(w.dir, 'home', 'vakt');
    mkdirSync(home, { recursive: true });
    const env = { HOME: home, USERPROFILE: home };
    const v: string[] = [];
    /** `folder` is where a sentinel would land; the sentence must name it or the path typed. */
    const refused = (label: string, data: string, args: string[], folder: string, typed = folder): void => {
      const sentinel = path.join(folder, '.custodian-root');
      const before = existsSync(sentinel);
      const r = cli(data, args, { env });
      if (!before && existsSync(sentinel)) {
        strays.push(sentinel);
        v.push(`${label}: wrote ${sentinel}`);
      }
      if (r.code === 0) v.push(`${label}: accepted (exit 0)`);
      else if (!r.err.includes(folder) && !r.err.includes(typed)) v.push(`${label}: refused (exit ${String(r.code)}) but the sentence does not name ${typed}: "${r.err.trim()}"`);
    };
    const dataA = path.join(w.dir, 'a', 'data');
    refused('init --storage /', dataA, ['init', '--storage', '/'], '/');
    refused('init --storage (the home folder)', path.join(w.dir, 'b', 'data'), ['init', '--storage', home], home);
    const site = path.join(w.dir, 'site');
    mkdirSync(site);
    refused('init --storage (a folder containing the data folder)', path.join(site, 'data'), ['init', '--storage', site], site);
    // A proper data folder and root, then roots add of the rest, and the same folders by other names.
    initData(w);
    refused('roots add /etc', w.data, ['roots', 'add', '/etc'], '/etc');
    refused('roots add /usr/', w.data, ['roots', 'add', '/usr/'], '/usr', '/usr/');
    refused('roots add /', w.data, ['roots', 'add', '/'], '/');
    refused('roots add /tmp/.. (that is /)', w.data, ['roots', 'add', '/tmp/..'], '/', '/tmp/..');
    const toSlash = path.join(w.dir, 'storage-link');
    symlinkSync('/', toSlash);
    refused('roots add (a symlink to /)', w.data, ['roots', 'add', toSlash], '/', toSlash);
    refused('roots add (the home folder)', w.data, ['roots', 'add', home], home);
    refused('roots add (the home folder, with a trailing slash)', w.data, ['roots', 'add', `${home}/`], home, `${home}/`);
    const inside = path.join(w.data, 'inside');
    mkdirSync(inside, { recursive: true });
    refused('roots add (a folder inside the data folder)', w.data, ['roots', 'add', inside], inside);
    refused('roots add (a folder containing the data folder)', w.data, ['roots', 'add', w.dir], w.dir);
    const toWs = path.join(site, 'ws-link');
    symlinkSync(w.dir, toWs);
    refused('roots add (a symlink to a folder containing the data folder)', w.data, ['roots', 'add', toWs], w.dir, toWs);
    const listed = (JSON.parse(cli(w.data, ['roots', 'list']).out) as { roots: { path: string }[] }).roots.map((r) => r.path);
    for (const bad of ['/', '/etc', '/usr', home, inside, w.dir, toSlash, toWs]) if (listed.includes(bad)) v.push(`roots list now includes ${bad}`);
    console.log(`attack 8 roots: ${summary(v, 10)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);

  it('the same disk registered twice (mounted at a second place) is refused', () => {
    const w = space('twice');
    initData(w, { massDeletionShare: 1 });
    const recs = writeRecordings(w.root, 'c1', Date.now() - 90 * DAY, 200, 10 * MINUTE);
    cliOk(w.data, ['scan']);
    const second = path.join(w.dir, 'also-rec');
    mkdirSync(second);
    const m = bindMount(w.root, second);
    if (!m.ok) {
      console.log(`attack 8 same disk twice: skipped, bind mounts are not allowed here (${m.why})`);
      return;
    }
    const v: string[] = [];
    try {
      const r = cli(w.data, ['roots', 'add', second, '--layout', 'camera-date-time', '--layout-timezone', 'UTC']);
      if (r.code === 0) {
        v.push(`roots add of a second mount of root #1's disk was accepted (its sentinel is root #1's)`);
        // What follows from it: the same recordings indexed twice, and deleted and logged under two names.
        cliOk(w.data, ['scan']);
        cli(w.data, ['sweep']);
        const byRel = new Map<string, string[]>();
        for (const l of deletionLog(w.data).filter((x) => x.kind === 'segment')) {
          const rel = l.path.startsWith(second) ? path.relative(second, l.path) : path.relative(w.root, l.path);
          byRel.set(rel, [...(byRel.get(rel) ?? []), `${l.outcome} as ${l.path}`]);
        }
        const twice = [...byRel.entries()].filter(([, rows]) => rows.length > 1);
        if (twice.length) v.push(`${twice.length} of ${recs.length} recordings are logged twice under the two names, e.g. ${twice[0]?.[1].join(' and ') ?? ''}`);
      }
    } finally {
      umountLazy(second);
    }
    console.log(`attack 8 same disk twice: ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 60_000);

  it('hold add in the autumn\'s repeated hour without an offset, and in the spring gap, is refused naming both readings / the gap', () => {
    const w = space('dst');
    initData(w);
    writeRecordings(w.root, 'c1', Date.now() - 3 * DAY, 10, 10 * MINUTE);
    cliOk(w.data, ['scan']);
    const v: string[] = [];
    // Europe/Stockholm: 2026-10-25 03:00 CEST → 02:00 CET (02:30 happens twice);
    // 2026-03-29 02:00 CET → 03:00 CEST (02:30 never happens).
    const autumn = cli(w.data, ['hold', 'add', '--camera', 'c1', '--from', '2026-10-25T02:30', '--to', '2026-10-25T05:00', '--reason', 'Inbrott natten till söndag']);
    if (autumn.code === 0) v.push(`the autumn's repeated hour was accepted without an offset: ${autumn.out.trim().replace(/\s+/g, ' ')}`);
    else {
      const both = (/\+02:?00/.test(autumn.err) && /\+01:?00/.test(autumn.err)) || (/00:30(:00)?(\.000)?Z/.test(autumn.err) && /01:30(:00)?(\.000)?Z/.test(autumn.err)) || (/CEST/.test(autumn.err) && /\bCET\b/.test(autumn.err));
      if (!both) v.push(`the autumn refusal does not name both readings (02:30+02:00 and 02:30+01:00): "${autumn.err.trim()}"`);
    }
    const spring = cli(w.data, ['hold', 'add', '--camera', 'c1', '--from', '2026-03-29T02:30', '--to', '2026-03-29T05:00', '--reason', 'Inbrott natten till söndag']);
    if (spring.code === 0) v.push(`a time in the spring gap was accepted: ${spring.out.trim().replace(/\s+/g, ' ')}`);
    else if (!((/02:00/.test(spring.err) && /03:00/.test(spring.err)) || /does not exist|skips|gap|finns inte|hoppar/i.test(spring.err))) v.push(`the spring refusal does not name the gap (02:00–03:00): "${spring.err.trim()}"`);
    // The same readings elsewhere: the end of a window, and an incident's window.
    const autumnTo = cli(w.data, ['hold', 'add', '--camera', 'c1', '--from', '2026-10-25T01:00', '--to', '2026-10-25T02:15', '--reason', 'Inbrott natten till söndag']);
    if (autumnTo.code === 0) v.push(`--to in the autumn's repeated hour was accepted without an offset: ${autumnTo.out.trim().replace(/\s+/g, ' ')}`);
    const springIncident = cli(w.data, ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Inbrott, polisanmält', '--title', 'Inbrott', '--from', '2026-03-29T02:10', '--to', '2026-03-29T04:00', '--camera', 'c1', '--no-wait']);
    if (springIncident.code === 0) v.push(`incident create --from in the spring gap was accepted: ${springIncident.out.trim().replace(/\s+/g, ' ').slice(0, 200)}`);
    const holds = (JSON.parse(cli(w.data, ['hold', 'list']).out) as { holds: unknown[] }).holds;
    if (v.length === 0 && holds.length > 0) v.push(`${holds.length} hold(s) made although every one was refused`);
    console.log(`attack 8 DST: ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 60_000);

  it('an archive that fails on a corrupt source keeps the hold and raises an alarm', async () => {
    const w = space('corrupt');
    const t0 = Math.floor((Date.now() - DAY) / 1000) * 1000;
    const recs = await writeRealRecordings(w.root, w.dir, 'c1', t0, 3, 10);
    const middle = recs[1];
    expect(middle).toBeDefined();
    const p = absOf(w.root, middle as (typeof recs)[number]);
    unlinkSync(p);
    writeCorruptMp4(p, { bytes: 20_000 });
    utimesSync(p, new Date((middle as (typeof recs)[number]).endMs), new Date((middle as (typeof recs)[number]).endMs));
    initData(w);
    cliOk(w.data, ['scan']);
    const r = cli(w.data, ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Skadegörelse, polisanmäld', '--title', 'Skadegörelse', '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 28_000).toISOString(), '--camera', 'c1']);
    const v: string[] = [];
    const holds = (JSON.parse(cli(w.data, ['hold', 'list']).out) as { holds: { released: string | null }[] }).holds;
    if (r.code === 0) v.push('the archive over a corrupt source reported success (exit 0)');
    if (!holds.some((h) => h.released === null)) v.push('the incident\'s hold was not kept');
    const raised = alarms(w.data).filter((a) => a.kind === 'archive-failed');
    if (raised.length === 0) v.push(`no archive-failed alarm (exit ${String(r.code)}: "${r.err.trim().slice(0, 200)}"; alarms: ${alarms(w.data).map((a) => a.kind).join(', ') || 'none'})`);
    console.log(`attack 8 corrupt source: ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('a recorder overwriting files of the same name in an old folder is noticed by scan --full; a held one is an alarm', () => {
    const w = space('rewrite');
    initData(w);
    const recs = writeRecordings(w.root, 'c1', Date.now() - 20 * DAY, 30, 10 * MINUTE);
    cliOk(w.data, ['scan']);
    cliOk(w.data, ['scan', '--full']); // sizes and mtimes of the old folder are known now
    const plain = recs[7] as (typeof recs)[number];
    const held = recs[20] as (typeof recs)[number];
    cliOk(w.data, ['hold', 'add', '--camera', 'c1', '--from', new Date(held.startMs + 1_000).toISOString(), '--to', new Date(held.endMs - 1_000).toISOString(), '--reason', 'Skadegörelse, polisanmäld']);
    const folder = path.dirname(absOf(w.root, plain));
    const folderTimes = statSync(folder);
    // The size the index has for a file (by its own folder: the recordings cross midnight).
    const sizeOf = (file: string): number | null => {
      const db = readDb(w.data);
      try {
        return (db.prepare('SELECT size FROM segments WHERE name = ? AND dir_id = (SELECT id FROM dirs WHERE rel = ?)').get(path.basename(file), path.relative(w.root, path.dirname(file)).split(path.sep).join('/')) as { size: number | null } | undefined)?.size ?? null;
      } finally {
        db.close();
      }
    };
    const v: string[] = [];
    if (sizeOf(absOf(w.root, plain)) === null) v.push('(precondition) the index did not know the old size after scan --full');
    // The recorder writes new recordings under the old names; the folder's mtime is put back.
    for (const r of [plain, held]) {
      const p = absOf(w.root, r);
      writeFileSync(p, 'a new recording, much longer than the old one\n'.repeat(20));
      const written = new Date(Date.now() - 30_000);
      utimesSync(p, written, written);
    }
    utimesSync(folder, folderTimes.atime, folderTimes.mtime);
    const scan = cli(w.data, ['scan', '--full']);
    const rep = scan.code === 0 ? (JSON.parse(scan.out) as { roots: { changed: number; rewritten?: number }[] }).roots : [];
    const changed = rep.reduce((n, r) => n + Math.max(r.changed, r.rewritten ?? 0), 0);
    if (changed < 2) v.push(`scan --full (exit ${String(scan.code)}) reported ${changed} changed recordings after two were overwritten`);
    for (const r of [plain, held]) {
      const p = absOf(w.root, r);
      if (sizeOf(p) !== statSync(p).size) v.push(`the index has size ${String(sizeOf(p))} for the rewritten ${r === held ? 'held' : 'unheld'} ${p}, the disk ${statSync(p).size}`);
    }
    const alarm = alarms(w.data).filter((a) => a.kind === 'recording-rewritten');
    if (alarm.length === 0) v.push(`a held recording was overwritten and no recording-rewritten alarm says so (alarms: ${alarms(w.data).map((a) => a.kind).join(', ') || 'none'})`);
    console.log(`attack 8 rewritten recording: ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 60_000);

  it('a refusal that raised no alarm never says "see custodian alarms" (run and sweep, another sweeper holding the lease)', async () => {
    const w = space('refusal');
    initData(w, { massDeletionShare: 1 });
    writeRecordings(w.root, 'c1', Date.now() - 90 * DAY, 12_000, MINUTE);
    cliOk(w.data, ['scan']);
    const before = new Set(alarms(w.data).map((a) => a.id));
    // Sweeper A takes the lease and stalls.
    const a = startCli(w.data, ['sweep']);
    pids.add(a.pid);
    await markedWork(w.data, a);
    // Stalled outside a write transaction: inside one it would block every writer, run's too.
    expect(await stopOutsideWrite(w.data, a), 'sweeper A finished before it could be stalled').toBe(true);
    const v: string[] = [];
    try {
      const run = startCli(w.data, ['run', '--no-probe', '--exit-after', '5'], { json: false });
      pids.add(run.pid);
      const rr = await run.done;
      pids.delete(run.pid);
      const sw = cli(w.data, ['sweep'], { json: false });
      const raised = alarms(w.data).filter((x) => !before.has(x.id));
      const refusedLine = rr.out.split('\n').find((l) => /REFUSED|refused/.test(l)) ?? '';
      if (!refusedLine) v.push(`(precondition) run's sweep was not refused while another sweeper held the lease: exit ${String(rr.code)}, "${rr.out.slice(0, 300)}" "${rr.err.slice(0, 300)}"`);
      if (raised.length === 0 && /see .?custodian alarms/i.test(rr.out)) v.push(`run says "${refusedLine.trim()}" but no alarm was raised`);
      if (raised.length === 0 && /see .?custodian alarms/i.test(sw.err + sw.out)) v.push(`sweep says "${(sw.err || sw.out).trim()}" but no alarm was raised`);
    } finally {
      killHard(a.pid);
      await a.done;
      pids.delete(a.pid);
    }
    console.log(`attack 8 refusal text: ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 90_000);
});
