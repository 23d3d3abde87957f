/**
 * Attack 6 (issue 10, promise 6): a sweeper that stalls past its lease.
 *
 * `sweepLeaseSeconds` is set to 2. Sweeper A starts on a big due batch and, at a random moment of
 * its work, stalls (SIGSTOP: a paused VM, a laptop lid, a debugger). It is stopped only outside a
 * database write transaction (we probe the write lock with BEGIN IMMEDIATE, busy timeout 0, and
 * let it run a moment more when it holds it): a process stalled inside one blocks every writer,
 * which is safe, and is not this attack. Once its lease has run out, sweeper B takes over and
 * finishes; an operator then puts a new file of their own at paths A had marked; then A wakes
 * (SIGCONT).
 *
 * Oracle: B took over and finished (exit 0, nothing due left); after A wakes, nothing is logged
 * twice, no log row names a path that was never ours, the operator's files are still there, and A
 * stops at once: it logs nothing after it woke, does not claim success (exit ≠ 0) and exits soon.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  absOf,
  attackFrame,
  budgetMs,
  cli,
  checkMisses,
  cliOk,
  DAY,
  deletionLog,
  indexRows,
  jsonOf,
  killHard,
  markedWork,
  MINUTE,
  readDb,
  recordViolations,
  rounds,
  sleep,
  startCli,
  stopOutsideWrite,
  summary,
  writeRecordings,
  type Rec,
} from './lib.js';

const ROUNDS = rounds(6);
const LEASE_S = 2;

describe('attack 6: a stalled sweeper wakes after another took over', () => {
  const frame = attackFrame('stalled', { massDeletionShare: 1, sweepLeaseSeconds: LEASE_S });
  const pids = frame.pids;

  it(`the stalled sweeper stops at once and touches nothing the other one did (${ROUNDS} rounds)`, async () => {
    const ws = frame.ws();
    const violations: string[] = [];
    const allRecs: Rec[] = [];
    const allPaths = new Set<string>();
    let stoppedInWork = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const label = `round ${round}`;
      const roundStart = Date.now();
      const base = Math.floor((Date.now() - 90 * DAY - round * 5 * DAY) / MINUTE) * MINUTE;
      const recs = ['a', 'b', 'c'].flatMap((c) => writeRecordings(ws.root, `r${round}${c}`, base, 4000, MINUTE));
      allRecs.push(...recs);
      for (const r of recs) allPaths.add(absOf(ws.root, r));
      cliOk(ws.data, ['scan']);

      const prevSweep = (() => {
        const db = readDb(ws.data);
        try {
          return (db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM sweeps').get() as { n: number }).n;
        } finally {
          db.close();
        }
      })();
      const a = startCli(ws.data, ['sweep']);
      pids.add(a.pid);
      await markedWork(ws.data, a);
      await sleep(Math.random() * 200);
      // Stall A outside a write transaction.
      if (!(await stopOutsideWrite(ws.data, a))) {
        await a.done;
        pids.delete(a.pid);
        continue; // A finished first: no stall this round
      }
      stoppedInWork++;
      const ro = readDb(ws.data);
      const markedByA = (ro.prepare("SELECT r.path AS root, d.rel AS rel, s.name AS name FROM segments s JOIN dirs d ON d.id = s.dir_id JOIN roots r ON r.id = s.root_id WHERE s.state = 'deleting'").all() as { root: string; rel: string; name: string }[]).map((x) =>
        path.join(x.root, ...x.rel.split('/'), x.name),
      );
      ro.close();
      await sleep(LEASE_S * 1000 + 1_000);

      // B takes over and finishes. (CUSTODIAN_ATTACK_B_AHEAD_MS moves B's clock ahead instead, to
      // check this oracle on a build that ignores sweepLeaseSeconds: B then sees A's lease run out.)
      const ahead = Number(process.env.CUSTODIAN_ATTACK_B_AHEAD_MS ?? 0);
      const b = cli(ws.data, ['sweep'], ahead > 0 ? { env: { CUSTODIAN_TEST_NOW: String(Date.now() + ahead) } } : {});
      if (b.code !== 0) violations.push(`${label}: sweeper B could not take over from the stalled A after its ${LEASE_S} s lease ran out (exit ${String(b.code)}: ${b.code === 3 ? String(jsonOf<{ refused: string | null }>(b).refused) : b.err.trim()})`);
      const dueLeft = recs.filter((r) => existsSync(absOf(ws.root, r))).length;
      if (b.code === 0 && dueLeft > 0) violations.push(`${label}: B finished but ${dueLeft} due files are still there`);

      // The operator's own files, at paths A had marked and that are free now.
      const operator = markedByA.filter((p) => !existsSync(p)).slice(0, 50);
      for (const p of operator) {
        mkdirSync(path.dirname(p), { recursive: true }); // B removed the emptied day folder
        writeFileSync(p, `operator's file, round ${round}\n`);
      }
      const contMs = Date.now();
      process.kill(a.pid, 'SIGCONT');
      const timer = setTimeout(() => killHard(a.pid), 20_000);
      const ra = await a.done;
      clearTimeout(timer);
      pids.delete(a.pid);
      const aTook = ra.endedMs - contMs;

      const lostOperator = operator.filter((p) => !existsSync(p) || !readFileSync(p, 'utf8').startsWith("operator's file"));
      if (lostOperator.length) violations.push(`${label}: ${lostOperator.length} of the operator's ${operator.length} new files (at paths A had marked) were deleted after A woke, e.g. ${lostOperator[0] ?? ''}`);
      const log = deletionLog(ws.data, roundStart);
      if (b.code === 0) {
        // B took the lease over: A has lost it, and must stop at once.
        const bSweep = jsonOf<{ sweep: number | null }>(b).sweep;
        const db = readDb(ws.data);
        const aSweep = (db.prepare('SELECT MIN(id) AS id FROM sweeps WHERE id > ? AND id IS NOT ?').get(prevSweep, bSweep) as { id: number | null }).id;
        db.close();
        // A's rows: its sweep's, or (B being done before A woke) rows of no sweep written after.
        const afterWake = log.filter((l) => l.deletedMs !== null && l.deletedMs >= contMs && (l.sweep === aSweep || (l.sweep === null && ahead === 0)));
        if (afterWake.length) violations.push(`${label}: the stalled sweeper logged ${afterWake.length} deletions after it woke (e.g. ${afterWake[0]?.path ?? ''} ${afterWake[0]?.outcome ?? ''})`);
        if (ra.code === 0) violations.push(`${label}: the stalled sweeper exited 0 (it said "deleted ${String(jsonOf<{ deleted: number }>(ra).deleted)}") after losing its lease`);
        if (aTook > 10_000) violations.push(`${label}: the stalled sweeper took ${aTook} ms to stop after waking`);
      }
      const operatorSet = new Set(operator);
      violations.push(
        ...recordViolations(log, indexRows(ws.data), { root: ws.root, recs, foreignAtPath: operatorSet, alsoOurs: allPaths }).map((x) => `${label}: ${x}`),
      );
      // The operator's files are not Custodian's: never indexed as recordings.
      const index = indexRows(ws.data);
      const indexedOperator = index.filter((r) => operatorSet.has(r.abs));
      if (indexedOperator.length) violations.push(`${label}: ${indexedOperator.length} operator files are in the index (state ${indexedOperator[0]?.state ?? ''})`);
      // The operator takes their files back (a later round's scan would index them as recordings).
      for (const p of operator) rmSync(p, { force: true });
    }
    violations.push(...checkMisses(ws.data, violations));
    console.log(`attack 6: ${stoppedInWork}/${ROUNDS} rounds stalled A mid-work; ${summary(violations, 8)}`);
    expect(stoppedInWork, 'A never stalled in its work').toBeGreaterThan(0);
    expect(violations.length, summary(violations)).toBe(0);
  }, budgetMs(20_000, 6));
});
