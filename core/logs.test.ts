/**
 * The DPO's logs through the API, as the UI and downloads use them: who viewed which footage
 * (the audit log's views, written when an officer plays something), downloads in chunks that
 * join into one valid CSV or JSON document, only for the logs a role may read, and CSV cells
 * that a spreadsheet cannot run as formulas.
 */
import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../common/api/types.js';
import { changeSetting } from './settings.js';
import { DAY, MINUTE, fastTempBase, tempDir, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { CustodianApi } from './api/index.js';
import type { Ctx } from './context.js';
import { scanAll } from './indexer.js';
import { csvCell, toCsv } from './logs.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { addUser } from './users.js';
import { csvCells as parseCsv, startsFormula } from '../test/csv.js';

const PASSWORD = 'a long test password';

describe('the DPO’s logs through the API', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let api: CustodianApi;
  const clock: TestClock = { now: Date.UTC(2026, 10, 25, 12, 0, 0) };
  const tokens: Record<string, string> = {};
  let files: string[] = [];
  let due = 0;
  const call = async <T>(who: string, op: string, body: unknown): Promise<ApiResult<T>> => (await api.call(tokens[who], op, body)).result as ApiResult<T>;
  const ok = async <T>(who: string, op: string, body: unknown): Promise<T> => {
    const r = await call<T>(who, op, body);
    if (!r.ok) throw new Error(`${op}: ${r.error.message}`);
    return r.data;
  };

  beforeAll(async () => {
    t = tempDir('custodian-logs-', fastTempBase());
    const root = path.join(t.dir, 'rec');
    // About 200 recordings (of 1000) are due at the first sweep: a log of a few pages.
    const start = clock.now - 61 * DAY - 200 * 10 * MINUTE;
    files = writeSegments(root, 'gate', start, 1000, 10 * MINUTE);
    due = files.filter((_, i) => addMonths(new TZDate(start + (i + 1) * 10 * MINUTE, 'Europe/Stockholm'), 2).getTime() <= clock.now).length;
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    // No recorder writes now in this test (the clock check has its own tests).
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    scanAll(ctx);
    expect(sweep(ctx).deleted).toBe(due);
    api = new CustodianApi(ctx);
    for (const role of ['officer', 'dpo', 'admin']) {
      await addUser(ctx, { name: role, role, password: PASSWORD });
      const r = await api.call(undefined, 'auth.login', { name: role, password: PASSWORD });
      if (!r.session || !('set' in r.session)) throw new Error('no session');
      tokens[role] = r.session.set;
    }
  }, 60_000);
  afterAll(() => {
    api?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('says who viewed which footage when, to the DPO only', async () => {
    const seg = await ok<{ segments: { id: number }[] }>('officer', 'segments.list', { camera: 'gate', from: clock.now - 60 * DAY, to: clock.now - 55 * DAY });
    const id = seg.segments[0]?.id ?? 0;
    clock.now += MINUTE;
    await ok('officer', 'playback.url', { kind: 'segment', id });
    const views = await ok<{ views: { user: string; kind: string; footage: number; camera: string | null; at: string }[]; total: number | null }>('dpo', 'logs.views', { totals: true });
    expect(views.total).toBe(1);
    expect(views.views).toEqual([expect.objectContaining({ user: 'officer', kind: 'segment', footage: id, camera: 'gate' })]);
    expect(Date.parse(views.views[0]?.at ?? '')).toBe(clock.now);
    expect((await ok<{ views: unknown[] }>('dpo', 'logs.views', { user: 'admin' })).views).toEqual([]);
    expect((await ok<{ views: unknown[] }>('dpo', 'logs.views', { camera: 'gate' })).views).toHaveLength(1);
    for (const who of ['officer', 'admin']) expect(await call(who, 'logs.views', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A download of a log the role may not read is refused too.
    expect(await call('officer', 'logs.download', { log: 'views', format: 'csv' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const csv = await ok<{ text: string; next: string | null }>('dpo', 'logs.download', { log: 'views', format: 'csv' });
    expect(csv.next).toBeNull();
    expect(csv.text.split('\n')[1]).toContain(',officer,segment,');
  });

  it('downloads the deletion log in chunks that join into one CSV and one JSON document', async () => {
    const join = async (format: 'csv' | 'json'): Promise<{ text: string; chunks: number; filename: string }> => {
      let text = '';
      let after: string | undefined;
      let chunks = 0;
      let filename = '';
      for (;;) {
        const c = await ok<{ text: string; next: string | null; filename: string }>('dpo', 'logs.download', { log: 'deletions', format, limit: 30, ...(after ? { after } : {}) });
        text += c.text;
        chunks++;
        filename = c.filename;
        if (c.next === null) return { text, chunks, filename };
        after = c.next;
      }
    };
    const csv = await join('csv');
    expect(csv.chunks).toBe(Math.ceil(due / 30) + (due % 30 === 0 ? 1 : 0));
    expect(csv.filename).toMatch(/^custodian-deletions-\d{8}T\d{4}\.csv$/);
    const lines = csv.text.trimEnd().split('\n');
    expect(lines).toHaveLength(due + 1);
    expect(lines[0]?.startsWith('id,kind,root,camera,path,')).toBe(true);
    // The test's oracle: the files the sweep took from the disk, oldest first.
    const paths = lines.slice(1).map((l) => l.split(',')[4]);
    expect(paths).toEqual(files.slice(0, due));
    const json = await join('json');
    const rows = JSON.parse(json.text) as { path: string; late: boolean }[];
    expect(rows.map((r) => r.path)).toEqual(files.slice(0, due));
    expect(await call('dpo', 'logs.download', { log: 'deletions', format: 'csv', after: '1; DROP TABLE deletions' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('the deletion log filters and totals through the API', async () => {
    const page = await ok<{ deletions: { camera: string }[]; totals: { count: number; byReason: { retention: number } } | null }>('dpo', 'logs.deletions', { camera: 'gate', reason: 'retention', limit: 10, totals: true });
    expect(page.deletions).toHaveLength(10);
    expect(page.totals).toMatchObject({ count: due, byReason: { retention: due } });
    expect((await ok<{ deletions: unknown[] }>('dpo', 'logs.deletions', { reason: 'handover' })).deletions).toEqual([]);
    expect((await ok<{ deletions: unknown[] }>('dpo', 'logs.deletions', { camera: 'nowhere' })).deletions).toEqual([]);
    expect(await call('dpo', 'logs.deletions', { reason: 'because' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('no CSV cell starts like a formula', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+46 70')).toBe("'+46 70");
    expect(csvCell(-5)).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe('"\'\tx"');
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('=HYPERLINK("a")')).toBe('"\'=HYPERLINK(""a"")"');
    expect(csvCell('plain, with comma')).toBe('"plain, with comma"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
  });
});

describe('the CSV the DPO opens in a spreadsheet', () => {
  const nasty = ['=HYPERLINK("http://evil.example","click")', '+SUM(A1:A9)', '-2+3', '@SUM(1)', '\t=1+1', '\r=1+1', 'plain, with "quotes"\nand a newline', '', '2026-11-25T10:00:00+01:00',
    'K-2026-88;=1+1', 'Insp. Berg;@SUM(1)', 'Överlämnat;+1', 'a,=1+1', 'a;;-1', 'a;"=1+1";b', 'rad ett\n=1+1', 'x;\t=1', '1,5;2,5'];
  const rows = nasty.map((v, i) => ({ id: i, path: v, reason: v }));
  const csv = [...toCsv(rows, ['id', 'path', 'reason'])].join('');
  /** What the spreadsheet shows: the original with an apostrophe wherever a field could start with a formula. */
  const shown = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/([;,\t\r\n])(?=[=+\-@\t\r"])/g, "$1'");

  it('never starts a cell with = + - @ tab or CR, and keeps the text otherwise as it was (split on ",")', () => {
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual(['id', 'path', 'reason']);
    for (const [i, v] of nasty.entries()) {
      const cells = parsed[i + 1] as string[];
      expect(cells).toHaveLength(3);
      for (const c of cells) expect(startsFormula(c), JSON.stringify(c)).toBe(false);
      // What the spreadsheet shows as text is the original, after the apostrophes it drops.
      expect(cells[1]).toBe(shown(v));
      expect(cells[1]?.replace(/'/g, '')).toBe(v.replace(/'/g, ''));
    }
  });

  it('split on ";" as Swedish Excel does, with quotes honoured anywhere or only at a field start, no part starts a formula', () => {
    for (const quoteAnywhere of [true, false]) {
      const parsed = parseCsv(csv, ';', { quoteAnywhere });
      for (const row of parsed) for (const c of row) expect(startsFormula(c), `${String(quoteAnywhere)}: ${JSON.stringify(c)}`).toBe(false);
    }
    // Read as ";"-separated with quotes honoured, a value holding ";" stays one cell.
    const cells = parseCsv(`${csvCell('K-2026-88;=1+1')}\n`, ';');
    expect(cells).toEqual([["K-2026-88;'=1+1"]]);
  });

  it('also with a naive split on every separator and line break, ignoring quotes', () => {
    for (const part of csv.split(/[;,\t\r\n]/)) expect(startsFormula(part.replace(/^"+/, '')), JSON.stringify(part)).toBe(false);
  });
});
