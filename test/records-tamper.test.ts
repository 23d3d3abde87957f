/**
 * The records tried as a hostile tester would, with nothing but the real `sqlite3` shell (and
 * openssl, and a text editor) on a real data folder: every case of issue 11, and more, must be
 * caught by `custodian audit verify`, which must name the first bad record. The data folder is
 * made once through the real core (a sweep that deletes, an incident archived with real
 * ffmpeg, exported and handed over, two signed anchors) and copied for each case.
 * The chain recompute is the attacker's own code, from the format documented in db/ledger.ts.
 * Needs the built CLI (npm test builds first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { anchorChain } from '../core/anchors.js';
import { audit } from '../core/audit.js';
import { setCamera } from '../core/cameras.js';
import { exportPackage } from '../core/exports.js';
import { recordHandover } from '../core/handover.js';
import { addHold } from '../core/holds.js';
import { archiveIncident, createIncident } from '../core/incidents.js';
import { scanAll } from '../core/indexer.js';
import { sweep } from '../core/retention.js';
import { addRoot } from '../core/roots.js';
import { changeSetting } from '../core/settings.js';
import { siteKeys } from '../core/site.js';
import { generateSegments } from '../fixtures/video.js';
import { DAY, fastTempBase, MINUTE, tempDir, testCtx, writeSegments, type TestClock } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');
const TZ = 'Europe/Stockholm';

interface Verdict {
  ok: boolean;
  firstBroken: { code: string; table: string | null; rowId: number | null; seq: number | null; text: string } | null;
  problems: { code: string; table: string | null; rowId: number | null; text: string }[];
  records: Record<string, number>;
  anchors: { valid: number; unanchored: number };
}

function sql(db: string, statements: string): { status: number; out: string; err: string } {
  const r = spawnSync('sqlite3', [db, statements], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function rows<T>(db: string, query: string): T[] {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : (JSON.parse(out) as T[]);
}

function verify(data: string, ...args: string[]): Verdict {
  const r = spawnSync(process.execPath, [CLI, '--data', data, '--json', 'audit', 'verify', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(JSON.parse(r.stdout).ok ? 0 : 1);
  return JSON.parse(r.stdout) as Verdict;
}

/** The attacker's recompute, written from the documented format (not Custodian's code). */
function recomputeLedger(db: string, fromSeq: number): void {
  const entries = rows<{ seq: number; tbl: string; first_id: number; last_id: number; hash: string }>(db, 'SELECT seq, tbl, first_id, last_id, hash FROM ledger ORDER BY seq');
  let prev = entries.find((e) => e.seq === fromSeq - 1)?.hash ?? '0'.repeat(64);
  const updates: string[] = ['DROP TRIGGER IF EXISTS ledger_no_update;'];
  for (const e of entries.filter((x) => x.seq >= fromSeq)) {
    const rs = rows<Record<string, unknown>>(db, `SELECT * FROM "${e.tbl}" WHERE rowid BETWEEN ${e.first_id} AND ${e.last_id} ORDER BY rowid`);
    const canon = rs.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null).sort(([a], [b]) => (a < b ? -1 : 1)))));
    const rowsHash = createHash('sha256').update(`${e.tbl}\n${canon.map((c) => `${c}\n`).join('')}`).digest('hex');
    const digests = Buffer.alloc(4 * canon.length);
    canon.forEach((c, i) => {
      let h = 0x811c9dc5;
      for (let k = 0; k < c.length; k++) h = Math.imul(h ^ c.charCodeAt(k), 0x01000193);
      digests.writeUInt32BE(h >>> 0, 4 * i);
    });
    const hash = createHash('sha256').update(`custodian-ledger/1\n${e.seq}\n${e.tbl}\n${e.first_id}\n${e.last_id}\n${rowsHash}\n${prev}\n`).update(digests).digest('hex');
    updates.push(`UPDATE ledger SET rows_hash = '${rowsHash}', digests = X'${digests.toString('hex')}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${e.seq};`);
    prev = hash;
  }
  const r = sql(db, updates.join('\n'));
  expect(r.status, r.err).toBe(0);
}

function head(db: string): { seq: number; hash: string } {
  return rows<{ seq: number; hash: string }>(db, 'SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1')[0] as { seq: number; hash: string };
}

describe('tampering with the records through the sqlite3 shell', () => {
  let t: ReturnType<typeof tempDir>;
  let base = '';
  let n = 0;
  const facts = { firstDeletion: 0, handover: 0, earlyAnchorSeq: 0, lastAnchorSeq: 0, eventBetweenAnchors: 0, lastAnchorHash: '', fingerprint: '' };

  /** A fresh copy of the prepared data folder; returns its data dir and database file. */
  function copy(): { data: string; db: string; dir: string } {
    const dir = path.join(t.dir, `case-${++n}`);
    cpSync(base, dir, { recursive: true });
    return { dir, data: path.join(dir, 'data'), db: path.join(dir, 'data', 'custodian.db') };
  }

  beforeAll(async () => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-tamper-', fastTempBase());
    base = path.join(t.dir, 'base');
    const root = path.join(base, 'rec');
    const clock: TestClock = { now: Math.floor(Date.now() / 1000) * 1000 };
    const t0 = clock.now - DAY;
    const layout = compileLayout('camera-date-time', TZ);
    for (const cam of ['staff-corridor', 'entrance']) {
      const segs = await generateSegments({ dir: path.join(t.dir, 'gen', cam), camera: cam, startMs: t0, count: 2, segmentSeconds: 10, timeZone: TZ });
      for (const s of segs) {
        const dest = path.join(root, ...formatLayoutPath(layout, cam, s.startMs));
        mkdirSync(path.dirname(dest), { recursive: true });
        renameSync(s.path, dest);
        utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
      }
    }
    writeSegments(root, 'old-cam', clock.now - 100 * DAY, 30, 10 * MINUTE);
    const ctx = testCtx(path.join(base, 'data'), clock);
    try {
      facts.fingerprint = siteKeys(ctx).fingerprint;
      addRoot(ctx, { path: root });
      scanAll(ctx);
      facts.earlyAnchorSeq = anchorChain(ctx, 'test: early').seq;
      setCamera(ctx, 'staff-corridor', { zone: 'staff' });
      setCamera(ctx, 'entrance', { zone: 'visitor' });
      facts.eventBetweenAnchors = audit(ctx, 'test.note', { text: 'an event the attacker will rewrite' });
      changeSetting(ctx, 'massDeletionShare', 1);
      changeSetting(ctx, 'clockCheckHours', 366 * 24); // no recorder writes here: the newest recording is a day old
      addHold(ctx, { cameras: ['old-cam'], fromMs: clock.now - 101 * DAY, toMs: clock.now - 100 * DAY + 30 * MINUTE, reason: 'kept for the test' });
      const sw = sweep(ctx);
      expect(sw.deleted).toBeGreaterThan(20);
      facts.firstDeletion = (ctx.db.prepare('SELECT MIN(id) AS id FROM deletions').get() as { id: number }).id;
      const inc = createIncident(ctx, { reason: 'crime-against-organisation', justification: 'Stöld ur kassan, polisanmäld', title: 'Stöld', fromMs: t0 + 2_000, toMs: t0 + 15_000, cameras: ['staff-corridor', 'entrance'] });
      await archiveIncident(ctx, inc.ref);
      const pkg = path.join(t.dir, 'police-package');
      await exportPackage(ctx, inc.ref, { audience: 'police', outDir: pkg, zip: false });
      const h = await recordHandover(ctx, inc.ref, { to: 'police', reference: 'K-2026-1234', recipient: 'Insp. Berg', packageDir: pkg });
      facts.handover = h.handover.id;
      expect(h.deletion?.deleted).toBeGreaterThan(0);
      for (let i = 0; i < 6; i++) audit(ctx, 'test.tail', { i });
      const last = anchorChain(ctx, 'test: last');
      facts.lastAnchorSeq = last.seq;
      facts.lastAnchorHash = last.hash;
    } finally {
      ctx.close();
    }
    const v = verify(path.join(base, 'data'));
    expect(v.ok, JSON.stringify(v.problems)).toBe(true);
    expect(v.records.deletions).toBeGreaterThan(20);
    expect(v.records.handovers).toBe(1);
    expect(v.anchors.valid).toBe(3); // early, the handover's, last
  }, 240_000);
  afterAll(() => t?.cleanup());

  it('a deletion record set to pending (refused), then with the triggers dropped set to pending and deleted: named as missing', () => {
    const c = copy();
    const id = facts.firstDeletion;
    const refused = sql(c.db, `UPDATE deletions SET outcome = 'pending' WHERE id = ${id};`);
    expect(refused.status).not.toBe(0);
    expect(refused.err).toMatch(/append-only/);
    const r = sql(c.db, `DROP TRIGGER deletions_no_update; DROP TRIGGER deletions_no_delete; UPDATE deletions SET outcome = 'pending' WHERE id = ${id}; DELETE FROM deletions WHERE id = ${id};`);
    expect(r.status, r.err).toBe(0);
    const v = verify(c.data);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ code: 'rowMissing', table: 'deletions', rowId: id });
    expect(v.firstBroken?.text).toMatch(new RegExp(`Deletion record #${id} .*missing`));
  });

  it('a deletion record\'s camera_id, from_ms, to_ms, deleted_ms, incident_ref, path, reason or note changed behind the dropped triggers: each row named, the first one first', () => {
    const c = copy();
    const cols = ['camera_id', 'from_ms', 'to_ms', 'deleted_ms', 'incident_ref', 'path', 'reason', 'note'];
    const id = (i: number) => facts.firstDeletion + 3 + i;
    const value = (col: string) => (['from_ms', 'to_ms', 'deleted_ms'].includes(col) ? '12345' : "'forged'");
    for (const [i, col] of cols.entries()) expect(sql(c.db, `UPDATE deletions SET ${col} = ${value(col)} WHERE id = ${id(i)};`).status, col).not.toBe(0);
    const r = sql(c.db, `DROP TRIGGER deletions_no_update; DROP TRIGGER deletions_no_rewrite; ${cols.map((col, i) => `UPDATE deletions SET ${col} = ${value(col)} WHERE id = ${id(i)};`).join(' ')}`);
    expect(r.status, r.err).toBe(0);
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'rowChanged', table: 'deletions', rowId: id(0) });
    expect(v.problems.filter((p) => p.code === 'rowChanged').map((p) => p.rowId)).toEqual(cols.map((_, i) => id(i)));
  });

  it('a far-future horizon written into log_horizon, then both logs emptied (the triggers allow it): named', () => {
    const c = copy();
    const r = sql(c.db, "INSERT INTO log_horizon (log, before_ms, through_id) VALUES ('deletions', 99999999999999, 999999999), ('handovers', 99999999999999, 999999999) ON CONFLICT(log) DO UPDATE SET before_ms = excluded.before_ms, through_id = excluded.through_id; DELETE FROM deletions; DELETE FROM handover_receipts; DELETE FROM handovers;");
    expect(r.status, r.err).toBe(0);
    const log = spawnSync(process.execPath, [CLI, '--data', c.data, 'log', 'deletions', '--format', 'csv'], { encoding: 'utf8' });
    expect(log.stdout.trim().split('\n')).toHaveLength(1); // the header only: the log looks empty
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'rowMissing', table: 'deletions', rowId: facts.firstDeletion });
    expect(v.problems.filter((p) => p.code === 'horizonTable').map((p) => p.text).join(' ')).toMatch(/deletions log's horizon .*#999999999.*signed horizon says #0/);
    expect(v.problems.some((p) => p.code === 'rowMissing' && p.table === 'handovers' && p.rowId === facts.handover)).toBe(true);
  });

  it('the audit triggers dropped and the last five events deleted: the first of them named', () => {
    const c = copy();
    const last = rows<{ id: number }>(c.db, 'SELECT id FROM audit ORDER BY id DESC LIMIT 5').map((x) => x.id);
    expect(sql(c.db, `DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id >= ${Math.min(...last)};`).status).toBe(0);
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'rowMissing', table: 'audit', rowId: Math.min(...last) });
  });

  it('… and their chain entries cut off too: the anchor signed over them names the cut tail', () => {
    const c = copy();
    const cut = facts.lastAnchorSeq - 4;
    const events = rows<{ first_id: number }>(c.db, `SELECT first_id FROM ledger WHERE seq >= ${cut} AND tbl = 'audit'`).map((x) => x.first_id);
    const r = sql(c.db, `DROP TRIGGER audit_no_delete; DROP TRIGGER ledger_no_delete; DELETE FROM audit WHERE id >= ${Math.min(...events)}; DELETE FROM ledger WHERE seq >= ${cut};`);
    expect(r.status, r.err).toBe(0);
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'tailCut' });
    expect(v.firstBroken?.text).toMatch(new RegExp(`up to entry #${facts.lastAnchorSeq}, but the chain ends at #${cut - 1}`));
  });

  it('an old event rewritten and the chain recomputed after it (no key): the anchor says where', () => {
    const c = copy();
    const seq = rows<{ seq: number }>(c.db, `SELECT seq FROM ledger WHERE tbl = 'audit' AND first_id = ${facts.eventBetweenAnchors}`)[0]?.seq as number;
    expect(sql(c.db, `DROP TRIGGER audit_no_update; UPDATE audit SET details = '{"text":"nothing happened"}' WHERE id = ${facts.eventBetweenAnchors};`).status).toBe(0);
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'rowChanged', table: 'audit', rowId: facts.eventBetweenAnchors });
    recomputeLedger(c.db, seq);
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'rewritten' });
    // The early anchor still matches: the rewritten record is after it. The first anchor after
    // the record (the handover's, or the last) is the one that no longer matches.
    const named = /entry #(\d+): .*after entry #(\d+)/.exec(v.firstBroken?.text ?? '');
    expect(named?.[2]).toBe(String(facts.earlyAnchorSeq));
    expect(Number(named?.[1])).toBeGreaterThan(seq);
    expect(Number(named?.[1])).toBeLessThanOrEqual(facts.lastAnchorSeq);
  });

  it('… and the anchors re-signed with another key: not this site\'s signature', () => {
    const c = copy();
    const seq = rows<{ seq: number }>(c.db, `SELECT seq FROM ledger WHERE tbl = 'audit' AND first_id = ${facts.eventBetweenAnchors}`)[0]?.seq as number;
    sql(c.db, `DROP TRIGGER audit_no_update; UPDATE audit SET details = '{"text":"nothing happened"}' WHERE id = ${facts.eventBetweenAnchors};`);
    recomputeLedger(c.db, seq);
    const key = path.join(c.dir, 'mallory.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]);
    const anchors = path.join(c.data, 'anchors');
    for (const f of readdirSync(anchors).filter((x) => x.endsWith('.json'))) {
      const st = JSON.parse(readFileSync(path.join(anchors, f), 'utf8')) as { seq: number; hash: string };
      st.hash = rows<{ hash: string }>(c.db, `SELECT hash FROM ledger WHERE seq = ${st.seq}`)[0]?.hash as string;
      writeFileSync(path.join(anchors, f), `${JSON.stringify(st, null, 2)}\n`);
      execFileSync('openssl', ['pkeyutl', '-sign', '-rawin', '-inkey', key, '-in', path.join(anchors, f), '-out', path.join(anchors, f.replace(/\.json$/, '.sig'))]);
    }
    const v = verify(c.data);
    expect(v.ok).toBe(false);
    // Every anchor file was re-signed (early, the handover's, last): none is this site's.
    expect(v.problems.filter((p) => p.code === 'anchorSignature')).toHaveLength(3);
  });

  it('… and the site key pair replaced as well: only what left the machine shows it (the fingerprint, an anchor copy, a receipt\'s head)', () => {
    const c = copy();
    const kept = path.join(c.dir, 'dpo-copy');
    mkdirSync(kept);
    const anchors = path.join(c.data, 'anchors');
    const lastFile = readdirSync(anchors).filter((x) => x.endsWith('.json')).sort().at(-1) as string;
    for (const f of [lastFile, lastFile.replace(/\.json$/, '.sig')]) cpSync(path.join(anchors, f), path.join(kept, f));
    const seq = rows<{ seq: number }>(c.db, `SELECT seq FROM ledger WHERE tbl = 'audit' AND first_id = ${facts.eventBetweenAnchors}`)[0]?.seq as number;
    sql(c.db, `DROP TRIGGER audit_no_update; UPDATE audit SET details = '{"text":"nothing happened"}' WHERE id = ${facts.eventBetweenAnchors};`);
    recomputeLedger(c.db, seq);
    const priv = path.join(c.data, 'keys', 'site-private.pem');
    const pub = path.join(c.data, 'keys', 'site-public.pem');
    unlinkSync(priv);
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', priv]);
    execFileSync('openssl', ['pkey', '-in', priv, '-pubout', '-out', pub]);
    for (const f of readdirSync(anchors).filter((x) => x.endsWith('.json'))) {
      const st = JSON.parse(readFileSync(path.join(anchors, f), 'utf8')) as { seq: number; hash: string; keyFingerprint: string };
      st.hash = rows<{ hash: string }>(c.db, `SELECT hash FROM ledger WHERE seq = ${st.seq}`)[0]?.hash as string;
      writeFileSync(path.join(anchors, f), `${JSON.stringify(st, null, 2)}\n`);
      execFileSync('openssl', ['pkeyutl', '-sign', '-rawin', '-inkey', priv, '-in', path.join(anchors, f), '-out', path.join(anchors, f.replace(/\.json$/, '.sig'))]);
    }
    // On this machine alone the forgery holds up: that is the limit the docs state.
    expect(verify(c.data).ok).toBe(true);
    expect(verify(c.data, '--key-fingerprint', facts.fingerprint).firstBroken).toMatchObject({ code: 'keyMismatch' });
    expect(verify(c.data, '--anchor', path.join(kept, lastFile)).problems.map((p) => p.code)).toContain('anchorSignature');
    expect(verify(c.data, '--expect', `${facts.lastAnchorSeq}:${facts.lastAnchorHash}`).firstBroken).toMatchObject({ code: 'expectMismatch' });
  });

  it('a restore event forged and chained (no key) to set the anchors aside before a rewrite: named, and the anchors still count', () => {
    const c = copy();
    const files = readdirSync(path.join(c.data, 'anchors')).filter((x) => x.endsWith('.json'));
    const seq = rows<{ seq: number }>(c.db, `SELECT seq FROM ledger WHERE tbl = 'audit' AND first_id = ${facts.eventBetweenAnchors}`)[0]?.seq as number;
    sql(c.db, `DROP TRIGGER audit_no_update; UPDATE audit SET details = '{"text":"nothing happened"}' WHERE id = ${facts.eventBetweenAnchors};`);
    const details = JSON.stringify({ backupHead: { seq: 1, hash: 'x' }, atMs: Date.now(), signature: Buffer.alloc(64).toString('base64'), keyFingerprint: facts.fingerprint, supersededAnchors: files, unverifiableAnchors: [] });
    const next = head(c.db).seq + 1;
    const r = sql(c.db, `INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (${Date.now()}, 'os:root', 'records.restored', '${details}', '', '');
      INSERT INTO ledger (seq, tbl, first_id, last_id, rows_hash, digests, prev_hash, hash) SELECT ${next}, 'audit', MAX(id), MAX(id), '', X'', '', '' FROM audit;`);
    expect(r.status, r.err).toBe(0);
    recomputeLedger(c.db, seq);
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'rewritten' });
    expect(v.problems.map((p) => p.code)).toContain('restoreUnsigned');
  });

  it('a deletion record inserted by hand (the triggers allow inserts): not in the chain', () => {
    const c = copy();
    const r = sql(c.db, "INSERT INTO deletions (kind, path, marked_ms, deleted_ms, reason, outcome) VALUES ('segment', '/rec/x.mp4', 1, 2, 'retention', 'deleted');");
    expect(r.status, r.err).toBe(0);
    const id = rows<{ id: number }>(c.db, 'SELECT MAX(id) AS id FROM deletions')[0]?.id;
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'unchained', table: 'deletions', rowId: id });
  });

  it('a chain entry removed: the gap in the sequence numbers is named', () => {
    const c = copy();
    const r = sql(c.db, 'DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq = 7;');
    expect(r.status, r.err).toBe(0);
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'gap', seq: 7 });
  });

  it('a handover\'s recipient and a receipt\'s path changed: each named', () => {
    const c = copy();
    expect(sql(c.db, `UPDATE handovers SET recipient = 'someone else' WHERE id = ${facts.handover};`).status).not.toBe(0);
    sql(c.db, `DROP TRIGGER handovers_no_update; UPDATE handovers SET recipient = 'someone else' WHERE id = ${facts.handover};`);
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'rowChanged', table: 'handovers', rowId: facts.handover });
    const d = copy();
    sql(d.db, `DROP TRIGGER handover_receipts_no_update; UPDATE handover_receipts SET pdf = '/tmp/other.pdf' WHERE handover_id = ${facts.handover};`);
    expect(verify(d.data).firstBroken).toMatchObject({ code: 'rowChanged', table: 'handover_receipts', rowId: facts.handover });
  });

  it('a horizon row written by hand, nothing deleted yet: named', () => {
    const c = copy();
    sql(c.db, "INSERT INTO log_horizon (log, before_ms, through_id) VALUES ('deletions', 1, 5);");
    expect(verify(c.data).firstBroken).toMatchObject({ code: 'horizonTable', table: 'log_horizon' });
  });

  it('a horizon event forged and properly chained (no key), then the rows behind it pruned: the horizon is not signed and the rows are missing', () => {
    const c = copy();
    const through = facts.firstDeletion + 5;
    const details = JSON.stringify({ log: 'deletions', throughId: through, beforeMs: Date.now(), atMs: Date.now(), retentionMonths: 24, signature: Buffer.alloc(64).toString('base64'), keyFingerprint: facts.fingerprint });
    const next = head(c.db).seq + 1;
    const r = sql(c.db, `INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (${Date.now()}, 'os:root', 'log.horizon', '${details}', '', '');
      INSERT INTO ledger (seq, tbl, first_id, last_id, rows_hash, digests, prev_hash, hash) SELECT ${next}, 'audit', MAX(id), MAX(id), '', X'', '', '' FROM audit;
      INSERT INTO log_horizon (log, before_ms, through_id) VALUES ('deletions', 1, ${through}) ON CONFLICT(log) DO UPDATE SET through_id = excluded.through_id;
      DELETE FROM deletions WHERE id <= ${through};`);
    expect(r.status, r.err).toBe(0);
    recomputeLedger(c.db, next);
    const v = verify(c.data);
    expect(v.firstBroken).toMatchObject({ code: 'rowMissing', table: 'deletions', rowId: facts.firstDeletion });
    expect(v.problems.map((p) => p.code)).toContain('horizonUnsigned');
  });

  it('an anchor file deleted, another edited in a text editor: each named', () => {
    const c = copy();
    const anchors = path.join(c.data, 'anchors');
    const files = readdirSync(anchors).filter((x) => x.endsWith('.json')).sort();
    rmSync(path.join(anchors, files[0] as string));
    const edited = path.join(anchors, files[1] as string);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/"why": "[^"]*"/, '"why": "edited"'));
    const v = verify(c.data);
    expect(v.ok).toBe(false);
    const codes = v.problems.map((p) => `${p.code} ${p.text}`);
    expect(codes.some((x) => x.startsWith('anchorMissing') && x.includes(files[0] as string))).toBe(true);
    expect(codes.some((x) => x.startsWith('anchorSignature') && x.includes(files[1] as string))).toBe(true);
  });

  it('what is whole says so, with what no signature covers yet', () => {
    const c = copy();
    const r = spawnSync(process.execPath, [CLI, '--data', c.data, 'audit', 'verify'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/The records are whole: \d+ audit events, \d+ deletion records and 1 handover records/);
    expect(r.stdout).toMatch(new RegExp(`latest at chain entry #${facts.lastAnchorSeq}.*1 chain entries after it are not signed yet`));
  });
});
