/**
 * An access request's deadline facts are records the ledger covers (issue 11 "and, when it
 * lands, access-request records"): each change writes a snapshot to request_records in its own
 * transaction, chained like the deletion and handover rows. Tried as a hostile tester would,
 * with the real `sqlite3` shell: a snapshot rewritten is named by the chain's verification; the
 * request's row rewritten (an answer made to look on time) is named by the compliance report.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, tempDir, testCtx, writeSegments, type TestClock } from '../../test/helpers.js';
import { setCamera } from '../cameras.js';
import type { Ctx } from '../context.js';
import { scanAll } from '../indexer.js';
import { verifyRecords } from '../records.js';
import { complianceReport } from '../reports.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';
import { siteKeys } from '../site.js';
import { deliverAnswer, prepareAnswer } from './answer.js';
import { createRequest, extendRequest } from './intake.js';
import { markNotFound } from './review.js';

function sqlite(db: string, statements: string): void {
  const r = spawnSync('sqlite3', [db, statements], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
}

function rows(db: string, query: string): Record<string, unknown>[] {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
}

describe("access requests' records in the chain", () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let dbFile = '';
  const clock: TestClock = { now: 0 };
  let ref = '';

  beforeAll(() => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const root = path.join(t.dir, 'rec');
    writeSegments(root, 'hall', clock.now - 3 * DAY, 3 * 24, HOUR);
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    dbFile = path.join(t.dir, 'data', 'custodian.db');
    siteKeys(ctx);
    addRoot(ctx, { path: root });
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    scanAll(ctx);
    setCamera(ctx, 'hall', { name: 'Hallen', zone: 'visitor' });
  });
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it('every change of a request writes a chained snapshot; the chain checks out', async () => {
    const r = createRequest(ctx, {
      receivedMs: clock.now - DAY,
      name: 'Anna Andersson',
      contact: 'Storgatan 1, 111 22 Stockholm',
      identityCheckedBy: 'Väktare Berg',
      identityMethod: 'körkort, visat i receptionen',
      description: 'Röd jacka, går genom hallen',
      windows: [{ cameras: ['hall'], fromMs: clock.now - 2 * DAY, toMs: clock.now - 2 * DAY + HOUR }],
    });
    ref = r.request.ref;
    extendRequest(ctx, ref, { reason: 'många timmar att granska', toldMs: clock.now });
    markNotFound(ctx, ref, 'hela tidsfönstret genomsökt utan träff');
    await prepareAnswer(ctx, ref);
    clock.now += 2 * DAY;
    await deliverAnswer(ctx, ref, { method: 'med post' });

    // The oracle is the database read by the sqlite3 shell, not Custodian's queries.
    const snaps = rows(dbFile, `SELECT event, status, delivered_ms FROM request_records WHERE request_ref = '${ref}' ORDER BY id`);
    expect(snaps.map((s) => s.event)).toEqual(['received', 'extended', 'not-found', 'answered', 'delivered']);
    expect(snaps.at(-1)).toMatchObject({ status: 'answered', delivered_ms: clock.now });
    // No name, contact or identity in the records that outlive the request's own row.
    expect(JSON.stringify(rows(dbFile, 'SELECT * FROM request_records'))).not.toMatch(/Anna|Storgatan|körkort/);
    const covered = rows(dbFile, "SELECT min(first_id) AS a, max(last_id) AS b, count(*) AS n FROM ledger WHERE tbl = 'request_records'");
    expect(covered[0]).toMatchObject({ a: 1, b: 5, n: 5 });
    const v = verifyRecords(ctx);
    expect(v.ok, JSON.stringify(v.problems)).toBe(true);
    expect(v.records.request_records).toBe(5);
    const g1 = (await complianceReport(ctx)).verdicts.find((x) => x.clause === 'G1');
    expect(g1?.facts.filter((f) => f.severity === 'deviation')).toEqual([]);
  });

  it("the request's row rewritten past Custodian (a late answer made to look earlier): the report says it differs from its record", async () => {
    sqlite(dbFile, `DROP TRIGGER access_requests_delivery_final; UPDATE access_requests SET delivered_ms = delivered_ms - ${DAY} WHERE ref = '${ref}';`);
    const g1 = (await complianceReport(ctx)).verdicts.find((x) => x.clause === 'G1');
    const differs = g1?.facts.find((f) => f.key === 'requests:g1.recordDiffers');
    expect(differs?.severity).toBe('deviation');
    expect(differs?.params).toMatchObject({ ref, fields: 'delivered' });
    expect(g1?.status).not.toBe('held');
  });

  it('a snapshot rewritten past Custodian: the chain names the access-request record', () => {
    sqlite(dbFile, `DROP TRIGGER request_records_no_update; UPDATE request_records SET due_ms = due_ms + ${30 * DAY} WHERE id = 2;`);
    const v = verifyRecords(ctx);
    expect(v.ok).toBe(false);
    const p = v.problems.find((x) => x.table === 'request_records');
    expect(p).toMatchObject({ code: 'rowChanged', rowId: 2 });
    expect(p?.text).toMatch(/^Access-request record #2/);
  });
});
