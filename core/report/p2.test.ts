/**
 * P2 for a period, on real records: recorder trees of real files, a real first index, real
 * sweeps on a movable clock. The oracle is the disk (which files the sweep took) and the times
 * the test chose, never the report's own SQL.
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import { afterEach, describe, expect, it } from 'vitest';
import type { ComplianceReportView, VerdictView } from '../../common/api/report.js';
import { DAY, HOUR, MINUTE, fastTempBase, tempDir, testCtx, writeSegments, type TestClock } from '../../test/helpers.js';
import { listOverdueAtIndex } from '../../db/overdue-at-index.js';
import type { Ctx } from '../context.js';
import { acknowledgeAlarm } from '../alarms.js';
import { addHold, releaseHoldById } from '../holds.js';
import { scanAll } from '../indexer.js';
import { deletionLogEntries, deletionLogPage, deletionLogTotals } from '../logs.js';
import { complianceReport } from '../reports.js';
import { expectWords } from '../../test/report-words.js';
import { sweep } from '../retention.js';
import { addRoot } from '../roots.js';

const TZ = 'Europe/Stockholm';
/** The policy's rule, as the test reads it: due two calendar months after the end, site time. */
const dueOf = (endMs: number): number => addMonths(new TZDate(endMs, TZ), 2).getTime();

function verdict(r: ComplianceReportView, clause: VerdictView['clause']): VerdictView {
  expectWords(r);
  const v = r.verdicts.find((x) => x.clause === clause);
  if (!v) throw new Error(`no ${clause}`);
  return v;
}
const factKeys = (v: VerdictView, severity?: string): string[] => v.facts.filter((f) => !severity || f.severity === severity).map((f) => f.key);

describe('P2 over a period, from the record', () => {
  let t: ReturnType<typeof tempDir> | undefined;
  let ctx: Ctx | undefined;
  afterEach(() => {
    ctx?.close();
    t?.cleanup();
    ctx = undefined;
  });
  const setup = (): { root: string; clock: TestClock; ctx: Ctx } => {
    t = tempDir('custodian-p2-', fastTempBase());
    const root = path.join(t.dir, 'rec');
    const clock: TestClock = { now: Date.UTC(2026, 10, 25, 12, 0, 0) };
    writeSegments(root, 'live', clock.now - 20 * MINUTE, 1, 10 * MINUTE);
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    return { root, clock, ctx };
  };
  /** A recording that has just ended (a recorder that is alive), then a scan. */
  const tick = (root: string, clock: TestClock, c: Ctx): void => {
    writeSegments(root, 'live', clock.now - 11 * MINUTE, 1, 10 * MINUTE);
    scanAll(c);
  };

  it('recordings already overdue at first index go late: P2 not held for that period though today is fine, then held for a later one', async () => {
    const { root, clock, ctx: c } = setup();
    const T = clock.now;
    // 70 days of hourly recordings: those older than two months were due before Custodian saw them.
    const files = writeSegments(root, 'entrance', T - 70 * DAY, 70 * 24 - 1, HOUR);
    const ends = files.map((_, i) => T - 70 * DAY + (i + 1) * HOUR);
    const dueBefore = ends.filter((e) => dueOf(e) <= T).length;
    expect(dueBefore).toBeGreaterThan(200);
    scanAll(c);
    // The fact is kept cheaply: one row per run of overdue ids indexed together (per day folder here), not one per recording.
    const ranges = listOverdueAtIndex(c.db, 0);
    expect(ranges.reduce((a, r) => a + r.segments, 0)).toBe(dueBefore);
    expect(ranges.length).toBeLessThanOrEqual(12);
    clock.now = T + MINUTE;
    const s = sweep(c);
    const gone = files.filter((f) => !existsSync(f)).length;
    expect(gone).toBe(dueBefore);
    expect(s.deleted).toBe(gone);

    // Late: deleted more than one sweep interval (5 min) after falling due.
    const lateWant = ends.filter((e) => dueOf(e) < clock.now - 5 * MINUTE).length;
    expect(lateWant).toBeGreaterThan(200);
    const r = await complianceReport(c, { fromMs: T - DAY, toMs: clock.now });
    const p2 = verdict(r, 'P2');
    expect(p2.status).toBe('not-held');
    expect(r.p2.deletions).toBe(gone);
    expect(r.p2.late).toBe(lateWant);
    const late = p2.facts.find((f) => f.key === 'report:p2.late');
    expect(late?.params).toMatchObject({ count: lateWant, of: gone });
    const cause = p2.facts.find((f) => f.key === 'report:p2.cause.overdue-at-index');
    expect(cause?.params.count).toBe(lateWant);
    // The worst: the oldest file, due ten days before it was first indexed.
    expect(r.p2.worst?.path).toBe(files[0]);
    expect(r.p2.worst?.latenessMs).toBeGreaterThanOrEqual(clock.now - dueOf(ends[0] as number) - MINUTE);
    expect(r.p2.worst?.causes[0]?.cause).toBe('overdue-at-index');
    // Today is fine: nothing unheld is past its due time now.
    expect(factKeys(p2, 'deviation')).not.toContain('report:p2.today.late');
    expect(r.p2.today.every((x) => x.ok)).toBe(true);

    // The service keeps sweeping every interval for two hours: what falls due goes on time.
    const from = clock.now + MINUTE;
    for (let k = 0; k < 24; k++) {
      clock.now += 5 * MINUTE;
      tick(root, clock, c);
      sweep(c);
    }
    const later = await complianceReport(c, { fromMs: from, toMs: clock.now });
    expect(later.p2.deletions).toBeGreaterThan(0);
    expect(verdict(later, 'P2').status).toBe('held');
    expect(factKeys(verdict(later, 'P2'), 'ok')).toContain('report:p2.noneLate');

    // The deletion log says the same, page by page (keyset), with lateness and first index.
    const all = [...deletionLogEntries(c, { kind: 'segment' })];
    expect(all.length).toBe(files.filter((f) => !existsSync(f)).length);
    const paged: number[] = [];
    let after: { at: number; id: number } | null = null;
    for (;;) {
      const page = deletionLogPage(c, { kind: 'segment' }, after, 50, false);
      paged.push(...page.deletions.map((d) => d.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(paged).toEqual(all.map((d) => d.id));
    const first = all.find((d) => d.path === files[0]);
    expect(first).toMatchObject({ late: true, reasonClass: 'retention', heldUntil: null });
    expect(first?.overdueAtIndex).not.toBeNull();
    const totals = deletionLogTotals(c, { kind: 'segment' });
    expect(totals).toMatchObject({ count: all.length, late: lateWant, deleted: all.length });
    const lateOnly = [...deletionLogEntries(c, { lateOnly: true })];
    expect(lateOnly.length).toBe(lateWant);
    expect(deletionLogPage(c, { camera: 'entrance', fromMs: from }, null, 1000, true).totals?.late).toBe(0);
  }, 60_000);

  it('an offline spell that paused deletion is named, with its alarm', async () => {
    const { root, clock, ctx: c } = setup();
    // 400 ten-minute recordings; the clock starts an hour before the first falls due.
    const start = clock.now - 62 * DAY;
    const files = writeSegments(root, 'lobby', start, 400, 10 * MINUTE);
    clock.now = dueOf(start + 10 * MINUTE) - HOUR;
    tick(root, clock, c);
    expect(sweep(c).deleted).toBe(0);
    const from = clock.now;
    // The share drops two hours later, for twelve hours.
    renameSync(root, `${root}.away`);
    clock.now += 2 * HOUR;
    scanAll(c);
    expect(sweep(c).deleted).toBe(0);
    clock.now += 12 * HOUR;
    renameSync(`${root}.away`, root);
    tick(root, clock, c);
    const s = sweep(c);
    const gone = files.filter((f) => !existsSync(f)).length;
    expect(gone).toBeGreaterThan(60);
    expect(s.deleted).toBe(gone);

    const r = await complianceReport(c, { fromMs: from, toMs: clock.now });
    const p2 = verdict(r, 'P2');
    expect(p2.status).toBe('not-held');
    // Only the one that fell due in the last interval went on time.
    expect(r.p2.late).toBeGreaterThanOrEqual(gone - 1);
    const pause = p2.facts.find((f) => f.key === 'report:p2.pause.offline');
    expect(pause?.params.late).toBe(r.p2.late);
    expect(pause?.refs[0]).toMatch(/^#\d+$/);
    const alarm = r.alarms.find((a) => `#${a.id}` === pause?.refs[0]);
    expect(alarm?.kind).toBe('root-offline');
    expect(r.p2.worst?.causes.map((x) => x.cause)).toEqual(['offline']);
    expect(r.p2.byRoot[0]?.causes.offline).toBe(r.p2.late);
    expect(r.p2.today.every((x) => x.ok)).toBe(true);
  }, 60_000);

  it('a paused sweep (a blocking alarm until acknowledged) and a stopped service are named as the causes', async () => {
    const { root, clock, ctx: c } = setup();
    // Half of a root due at once: the sweep waits for a person (mass deletion, safety rule 2).
    const start = clock.now - 62 * DAY;
    writeSegments(root, 'yard', start, 40, 10 * MINUTE);
    writeSegments(root, 'yard', clock.now - 2 * DAY, 40, 10 * MINUTE);
    clock.now = dueOf(start) - HOUR;
    tick(root, clock, c);
    const from = clock.now;
    expect(sweep(c).deleted).toBe(0);
    clock.now = dueOf(start + 40 * 10 * MINUTE) + HOUR;
    tick(root, clock, c);
    expect(sweep(c).deleted).toBe(0);
    const alarm = c.db.prepare("SELECT id FROM alarms WHERE kind = 'mass-deletion'").get() as { id: number };
    clock.now += DAY;
    tick(root, clock, c);
    acknowledgeAlarm(c, alarm.id, 'checked the clock and the layout');
    expect(sweep(c).deleted).toBe(40);
    // Then the service stops for six hours while more falls due.
    let start2 = clock.now - 62 * DAY;
    while (dueOf(start2 + 10 * MINUTE) <= clock.now + HOUR) start2 += HOUR;
    const more = writeSegments(root, 'yard', start2, 3, 10 * MINUTE);
    tick(root, clock, c);
    expect(sweep(c).deleted).toBe(0);
    clock.now += 6 * HOUR;
    tick(root, clock, c);
    sweep(c);
    expect(more.every((f) => !existsSync(f))).toBe(true);

    const r = await complianceReport(c, { fromMs: from, toMs: clock.now });
    const p2 = verdict(r, 'P2');
    expect(p2.status).toBe('not-held');
    const pause = p2.facts.find((f) => f.key === 'report:p2.pause.alarm');
    expect(pause).toMatchObject({ refs: [`#${alarm.id}`], params: expect.objectContaining({ kind: 'mass-deletion', late: 40 }) });
    expect(r.p2.byRoot[0]?.causes).toEqual({ alarm: 40, 'no-sweep': 3 });
    expect(p2.facts.find((f) => f.key === 'report:p2.cause.no-sweep')?.params.count).toBe(3);
  }, 60_000);

  it('a recording a hold kept past its due time is not late when it goes right after the release', async () => {
    const { root, clock, ctx: c } = setup();
    const start = clock.now - 62 * DAY;
    const kept = writeSegments(root, 'till', start, 5, 10 * MINUTE);
    writeSegments(root, 'till', start + 30 * DAY, 50, 10 * MINUTE);
    clock.now = dueOf(start) - DAY;
    tick(root, clock, c);
    const hold = addHold(c, { cameras: ['till'], fromMs: start, toMs: start + HOUR, reason: 'the police asked us to keep it' });
    sweep(c);
    clock.now = dueOf(start + HOUR) + 2 * DAY;
    tick(root, clock, c);
    expect(sweep(c).deleted).toBe(0);
    releaseHoldById(c, hold.id, 'the police have their copy');
    clock.now += MINUTE;
    expect(sweep(c).deleted).toBe(5);
    expect(kept.every((f) => !existsSync(f))).toBe(true);

    const r = await complianceReport(c, { fromMs: clock.now - DAY, toMs: clock.now });
    expect(r.p2.deletions).toBe(5);
    expect(r.p2.late).toBe(0);
    expect(verdict(r, 'P2').status).toBe('held');
    const log = [...deletionLogEntries(c, { camera: 'till' })];
    expect(log).toHaveLength(5);
    for (const d of log) {
      expect(d.heldUntil).not.toBeNull();
      expect(d.late).toBe(false);
      expect(d.latenessMs).toBeLessThanOrEqual(MINUTE);
    }
  }, 60_000);
});
