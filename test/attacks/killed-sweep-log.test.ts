/**
 * Attack 8, the kill -9 promise (issue 10): after a sweep is killed with SIGKILL mid-sweep, the
 * next sweep finishes what it started, and every file the killed sweep had unlinked is logged
 * `deleted`, not `already-gone`: nobody else removed those files, and the journal knew they were
 * marked. The kill lands at a random moment after the sweep has marked its first chunk.
 *
 * Oracle: for every recording we wrote that is gone after the recovering sweep, one log row,
 * outcome `deleted`; nothing still on the disk logged; the index points only at files that exist.
 */
import { describe, expect, it } from 'vitest';
import {
  absOf,
  alarms,
  attackFrame,
  budgetMs,
  cli,
  checkMisses,
  cliOk,
  DAY,
  deletionLog,
  indexRows,
  killHard,
  markedWork,
  MINUTE,
  recordViolations,
  rounds,
  sleep,
  startCli,
  summary,
  writeRecordings,
  type Rec,
} from './lib.js';

const ROUNDS = rounds(10);

describe('attack 8: a sweep killed mid-sweep, then recovered', () => {
  const frame = attackFrame('killed', { massDeletionShare: 1 });
  const pids = frame.pids;

  it(`files the killed sweep unlinked are logged deleted, once (${ROUNDS} rounds)`, async () => {
    const ws = frame.ws();
    const violations: string[] = [];
    const allPaths = new Set<string>();
    let killedMid = 0;
    let pending: { round: number; recs: Rec[]; startMs: number }[] = [];
    const check = (): void => {
      const first = pending[0];
      if (!first) return;
      const log = deletionLog(ws.data, first.startMs);
      const index = indexRows(ws.data);
      for (const p of pending) violations.push(...recordViolations(log, index, { root: ws.root, recs: p.recs, alsoOurs: allPaths }).map((x) => `round ${p.round}: ${x}`));
      pending = [];
    };
    for (let round = 0; round < ROUNDS; round++) {
      const startMs = Date.now();
      const base = Math.floor((Date.now() - 90 * DAY - round * 3 * DAY) / MINUTE) * MINUTE;
      const recs = ['a', 'b'].flatMap((c) => writeRecordings(ws.root, `k${round}${c}`, base, 2500, MINUTE));
      for (const r of recs) allPaths.add(absOf(ws.root, r));
      cliOk(ws.data, ['scan']);
      const s = startCli(ws.data, ['sweep']);
      pids.add(s.pid);
      await markedWork(ws.data, s, 2);
      await sleep(Math.random() * 60);
      if (s.child.exitCode === null) killedMid++;
      killHard(s.pid);
      await s.done;
      pids.delete(s.pid);
      const r = cli(ws.data, ['sweep']);
      if (r.code !== 0) violations.push(`round ${round}: the sweep after the kill exited ${String(r.code)}: ${r.err.trim() || r.out.slice(0, 200)}`);
      pending.push({ round, recs, startMs });
      // A person looks at whatever this round raised and acknowledges it, so the next round's
      // sweep is not paused by it (each round is its own attack).
      for (const a of alarms(ws.data).filter((x) => x.acknowledged === null)) cliOk(ws.data, ['alarms', 'ack', String(a.id), '--note', 'attack 8: next round']);
      if (r.code !== 0) cli(ws.data, ['sweep']);
      if (pending.length >= 5 || round === ROUNDS - 1) check();
    }
    violations.push(...checkMisses(ws.data, violations));
    const ag = violations.filter((v) => /logged already-gone/.test(v)).length;
    console.log(`attack 8 kill -9: ${killedMid}/${ROUNDS} killed mid-sweep; ${ag} files logged already-gone that the killed sweep had unlinked; ${summary(violations, 6)}`);
    expect(killedMid, 'too few kills landed inside a sweep').toBeGreaterThanOrEqual(Math.ceil(ROUNDS / 2));
    expect(violations.length, summary(violations)).toBe(0);
  }, budgetMs(12_000, 10));
});
