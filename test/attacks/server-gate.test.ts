/**
 * Attack 11 (issue 13): the loopback server as another program on the desk's PC meets it: a real
 * `custodian serve` (the built CLI, its own process), plain HTTP over 127.0.0.1.
 *
 * - The lockout under other spellings of the same name: the same account reached as "ASA",
 *   " asa", "asa " or in full-width letters… each spelling that logs in is the same account, so the
 *   wrong guesses of all of them together are at most 5 per 15 minutes, sent at once, and the
 *   right password after them gets no session. Oracle: which spellings log in is learnt first
 *   on a second account; the lock is then seen by the right password failing.
 * - HR walking incident references: an incident HR was never given and one that does not exist
 *   get the same answer from every operation that takes a reference.
 * - The DPO's dry run writes nothing: every table (read with the sqlite3 shell) is the same
 *   after `sweep.dryRun` as before, but for the "previewed" audit event and its chain entry, on a
 *   root where a real sweep would be a mass deletion (which raises an alarm that pauses it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCliExists, CLI, cli, cliOk, DAY, initData, jsonOf, killHard, MINUTE, summary, workspace, writeRealRecordings, writeRecordings, type Workspace } from './lib.js';

const PW = 'ett riktigt lösenord 4711';

function addUser(data: string, name: string, role: string): void {
  const r = cli(data, ['user', 'add', name, '--role', role, '--password-stdin'], { json: false, input: `${PW}\n` });
  if (r.code !== 0) throw new Error(`user add ${name}: ${r.err}`);
}

async function login(url: string, name: string, password: string): Promise<{ status: number; cookie: string }> {
  const r = await fetch(`${url}api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  await r.text();
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: r.status, cookie: /=\S+/.test(cookie) && r.status === 200 ? cookie : '' };
}

async function api(url: string, cookie: string, op: string, body: unknown = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(`${url}api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

/** Every table's rows, as the sqlite3 shell prints them, hashed per table (sorted lines). */
function tables(db: string, skip: (table: string, line: string) => boolean): Map<string, { rows: number; hash: string; lines: string[] }> {
  const names = spawnSync('sqlite3', [db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"], { encoding: 'utf8' }).stdout.trim().split('\n');
  const out = new Map<string, { rows: number; hash: string; lines: string[] }>();
  for (const t of names.filter((n) => n !== '')) {
    const lines = spawnSync('sqlite3', ['-json', db, `SELECT * FROM "${t}"`], { encoding: 'utf8', maxBuffer: 1 << 28 })
      .stdout.replace(/^\[|\]\s*$/g, '')
      .split(/\n/)
      .map((l) => l.replace(/,$/, ''))
      .filter((l) => l.trim() !== '' && !skip(t, l))
      .sort();
    out.set(t, { rows: lines.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex'), lines });
  }
  return out;
}

describe('attack 11: a real custodian serve, from another program on the same PC', () => {
  let ws: Workspace;
  let server: ChildProcess | null = null;
  let url = '';
  let t0 = 0;

  beforeAll(async () => {
    expect(builtCliExists(), 'run npm run build first').toBe(true);
    ws = workspace('server');
    initData(ws);
    // Due footage that is most of the root: a real sweep would stop with a mass-deletion alarm.
    writeRecordings(ws.root, 'gammal', Math.floor((Date.now() - 100 * DAY) / MINUTE) * MINUTE, 200, 10 * MINUTE);
    // Real footage for an incident HR is never given.
    t0 = Math.floor((Date.now() - DAY) / 1000) * 1000;
    await writeRealRecordings(ws.root, ws.dir, 'korridor', t0, 2, 10);
    cliOk(ws.data, ['scan']);
    for (const [n, r] of [['asa', 'officer'], ['orjan', 'officer'], ['dora', 'dpo'], ['hanna', 'hr']] as const) addUser(ws.data, n, r);
    server = spawn(process.execPath, [CLI, '--data', ws.data, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      server?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
  }, 120_000);
  afterAll(() => {
    if (server?.pid) killHard(server.pid);
    ws?.cleanup();
  });

  it('the same account under other spellings: at most 5 wrong guesses in all, sent at once, then no session', async () => {
    // Spellings a program might try: case, spaces, a zero-width space, full-width letters (NFKC).
    const spellings: ((n: string) => string)[] = [
      (n) => n,
      (n) => n.toUpperCase(),
      (n) => `${n[0]?.toUpperCase() ?? ''}${n.slice(1)}`,
      (n) => ` ${n}`,
      (n) => `${n} `,
      (n) => `${n}\u200b`,
      (n) => [...n].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join(''),
    ];
    // Which spellings are the same account: learnt on orjan (the right password, one try each).
    const same: ((n: string) => string)[] = [];
    for (const f of spellings) if ((await login(url, f('orjan'), PW)).status === 200) same.push(f);
    const aliases = same.map((f) => f('orjan'));
    const forms = same.map((f) => f('asa'));
    // Five wrong guesses per spelling, all at once, and the right password in the middle of them.
    const burst = forms.flatMap((f) => Array.from({ length: 5 }, (_, i) => ({ name: f, password: `fel gissning ${i}` })));
    burst.splice(Math.floor(burst.length / 2), 0, { name: 'asa', password: PW });
    const answers = await Promise.all(burst.map((b) => login(url, b.name, b.password)));
    const v: string[] = [];
    const rightInBurst = answers[Math.floor((burst.length - 1) / 2)];
    const wrongAnswered = answers.filter((a, i) => burst[i]?.password !== PW && a.status === 401).length;
    if (wrongAnswered > 5) v.push(`${wrongAnswered} wrong guesses were checked against the password (answered 401) in one burst over ${forms.length} spellings of one account`);
    if (forms.length > 1 && rightInBurst?.cookie) v.push(`the right password in a burst of ${burst.length - 1} wrong guesses in ${forms.length} spellings got a session`);
    const after = await login(url, 'asa', PW);
    if (forms.length > 1 && after.cookie) v.push(`after ${burst.length - 1} wrong guesses in ${forms.length} spellings (${forms.map((f) => JSON.stringify(f)).join(', ')}) the account is not locked: the right password got a session`);
    console.log(`attack 11 spellings: ${aliases.length} spelling(s) log in as orjan (${aliases.map((a) => JSON.stringify(a)).join(', ')}); burst of ${burst.length}: ${wrongAnswered} answered "wrong password"; ${summary(v, 4)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it("the DPO's dry run writes nothing: every table the same but for the preview's own audit event and its chain entry", async () => {
    const dora = await login(url, 'dora', PW);
    expect(dora.cookie, 'the DPO could not log in').not.toBe('');
    const db = path.join(ws.data, 'custodian.db');
    // Sessions change with every request (last seen); the preview's own event is allowed.
    const skip = (t: string, line: string): boolean => t === 'sessions' || /previewed|dryRun|dry-run|preview/i.test(line);
    const before = tables(db, skip);
    expect(before.size, 'the sqlite3 shell listed too few tables for this to mean anything').toBeGreaterThan(10);
    const r = await api(url, dora.cookie, 'sweep.dryRun');
    const after = tables(db, skip);
    const v: string[] = [];
    if (r.status !== 200) v.push(`sweep.dryRun answered ${r.status}: ${r.text.slice(0, 200)}`);
    for (const [t, a] of after) {
      const b = before.get(t);
      if (!b) v.push(`table ${t} appeared`);
      else if (b.hash !== a.hash) {
        const added = a.lines.filter((l) => !b.lines.includes(l));
        const gone = b.lines.filter((l) => !a.lines.includes(l));
        // The chain entry of the preview event is allowed: one ledger row over one audit row.
        if (t === 'ledger' && gone.length === 0 && added.length === 1 && /"tbl":"audit"/.test(added[0] ?? '')) continue;
        if (t === 'ledger_digests' && gone.length === 0 && added.length === 1) continue;
        v.push(`table ${t}: ${added.length} row(s) added, ${gone.length} changed or gone, e.g. ${(added[0] ?? gone[0] ?? '').slice(0, 200)}`);
      }
    }
    const alarms = cliOk<{ alarms: { kind: string }[] }>(ws.data, ['alarms']).alarms;
    console.log(`attack 11 dry run: answered ${r.status}; open alarms ${alarms.map((a) => a.kind).join(', ') || 'none'}; ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);

  it('HR cannot tell an incident that exists from one that does not, through any operation that takes a reference', async () => {
    // An incident HR was never given.
    const made = cli(ws.data, ['incident', 'create', '--reason', 'crime-on-premises', '--justification', 'Stöld, polisanmäld', '--title', 'Inte för HR', '--from', new Date(t0 + 2_000).toISOString(), '--to', new Date(t0 + 15_000).toISOString(), '--camera', 'korridor']);
    expect(made.code, `incident create: ${made.err}`).toBe(0);
    const ref = jsonOf<{ ref: string }>(made).ref;
    const hanna = await login(url, 'hanna', PW);
    expect(hanna.cookie, 'HR could not log in').not.toBe('');
    const missing = ref.replace(/\d{4}$/, '0999');
    const ops: [string, (r: string) => unknown][] = [
      ['incidents.show', (r) => ({ ref: r })],
      ['incidents.archive', (r) => ({ ref: r })],
      ['incidents.extend', (r) => ({ ref: r, reviewBy: new Date(Date.now() + 30 * DAY).toISOString(), reason: 'Behövs för utredningen' })],
      ['incidents.close', (r) => ({ ref: r, reason: 'Klar' })],
      ['exports.create', (r) => ({ ref: r, audience: 'hr' })],
      ['handover.record', (r) => ({ ref: r, to: 'hr', packageId: 'x', recipient: 'HR Andersson', reference: 'HR-1', method: 'personligen' })],
    ];
    // What differs only by the reference itself, or by a request id or time, is not information.
    const norm = (t: string, r: string): string => t.split(r).join('<ref>').replace(/"(requestId|id|at|time)":"[^"]*"/g, '"$1":"…"');
    const v: string[] = [];
    for (const [op, body] of ops) {
      const a = await api(url, hanna.cookie, op, body(ref));
      const b = await api(url, hanna.cookie, op, body(missing));
      if (a.status !== b.status || norm(a.text, ref) !== norm(b.text, missing)) v.push(`${op}: ${ref} (exists) answers ${a.status} ${a.text.slice(0, 120)}; ${missing} (does not) answers ${b.status} ${b.text.slice(0, 120)}`);
    }
    console.log(`attack 11 HR walking references: incident ${ref} (create exit ${String(made.code)}); ${ops.length} operations; ${summary(v, 6)}`);
    expect(v.length, summary(v)).toBe(0);
  }, 120_000);
});
