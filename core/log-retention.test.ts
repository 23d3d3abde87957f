import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import type { Ctx } from './context.js';
import { pruneLogs } from './log-retention.js';
import { changeSetting } from './settings.js';

describe('the logs\' own retention', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: Date.parse('2026-11-25T12:00:00Z') };
  beforeEach(() => {
    t = tempDir();
    ctx = testCtx(path.join(t.dir, 'data'), clock);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('prunes only rows older than the setting, logs it, and still refuses to remove newer rows', () => {
    const ins = ctx.db.prepare("INSERT INTO deletions (kind, path, marked_ms, deleted_ms, reason, outcome) VALUES ('segment', ?, ?, ?, 'retention', 'deleted')");
    ins.run('/old', clock.now - 800 * DAY, clock.now - 800 * DAY);
    ins.run('/new', clock.now - 10 * DAY, clock.now - 10 * DAY);
    expect(() => ctx.db.prepare("DELETE FROM deletions WHERE path = '/old'").run()).toThrow(/append-only/);
    changeSetting(ctx, 'deletionLogRetentionMonths', 24);
    expect(pruneLogs(ctx).deletions).toBe(1);
    expect((ctx.db.prepare('SELECT path FROM deletions').all() as { path: string }[]).map((r) => r.path)).toEqual(['/new']);
    expect(() => ctx.db.prepare("DELETE FROM deletions WHERE path = '/new'").run()).toThrow(/append-only/);
    const ev = ctx.db.prepare("SELECT details FROM audit WHERE action = 'log.pruned'").get() as { details: string };
    expect(JSON.parse(ev.details)).toMatchObject({ deletions: 1, deletionLogRetentionMonths: 24 });
  });
});
