import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit.js';
import { getUserByName } from '../db/users.js';
import { tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { verifyAuditChain } from './audit.js';
import type { Ctx } from './context.js';
import { changeSetting } from './settings.js';
import { GATE_LIMITS, LoginGate } from './login-gate.js';
import {
  actingAs,
  addUser,
  authenticate,
  changePassword,
  disableUser,
  ensureFirstAdmin,
  hashPassword,
  listUsers,
  login,
  LOGIN_LIMIT,
  logout,
  SESSION_MAX_AGE_MS,
  setUserRole,
  UNKNOWN_USER,
  unlockUser,
  verifyPassword,
} from './users.js';

const PW = 'correct horse battery';

describe('users, logins and sessions', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: Date.parse('2026-11-25T10:00:00Z') };
  const actions = (): string[] => listAudit(ctx.db, { sinceMs: 0, limit: 10_000 }).map((a) => `${a.actor} ${a.action}`);
  // Each test has its own gate; the account lock's own tests let one client fail as often as they need.
  let gate: LoginGate;
  const logIn = (name: string, password: string, client: string | null = null) => login(ctx, name, password, client, gate);

  beforeEach(() => {
    gate = new LoginGate({ ...GATE_LIMITS, freeFailures: 1000 });
    t = tempDir();
    clock.now = Date.parse('2026-11-25T10:00:00Z');
    ctx = testCtx(path.join(t.dir, 'data'), clock);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('stores only a salted scrypt hash that verifies the password and nothing else', async () => {
    const a = await hashPassword(PW);
    const b = await hashPassword(PW);
    expect(a).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b); // a fresh salt each time
    expect(a).not.toContain(PW);
    expect(await verifyPassword(PW, a)).toBe(true);
    expect(await verifyPassword(`${PW} `, a)).toBe(false);
    expect(await verifyPassword(PW, 'scrypt$99$8$1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword(PW, 'md5$whatever')).toBe(false);
    const u = await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    expect(u).toMatchObject({ name: 'anna', role: 'officer', disabled: false, lockedUntil: null, lastLogin: null });
    expect(getUserByName(ctx.db, 'anna')?.password_hash).toMatch(/^scrypt\$/);
  });

  it('adds, lists, changes role and disables users, refusing what would lock everyone out', async () => {
    await addUser(ctx, { name: 'boss', role: 'admin', password: PW });
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    await expect(addUser(ctx, { name: 'ANNA', role: 'hr', password: PW })).rejects.toMatchObject({ code: 'conflict' });
    await expect(addUser(ctx, { name: 'x', role: 'officer', password: PW })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(addUser(ctx, { name: 'os:root', role: 'officer', password: PW })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(addUser(ctx, { name: 'carl', role: 'root', password: PW })).rejects.toThrow(/officer, hr, dpo or admin/);
    await expect(addUser(ctx, { name: 'carl', role: 'hr', password: 'short' })).rejects.toThrow(/at least 10/);
    expect(listUsers(ctx).map((u) => [u.name, u.role])).toEqual([
      ['anna', 'officer'],
      ['boss', 'admin'],
    ]);
    expect(setUserRole(ctx, 'anna', 'dpo').role).toBe('dpo');
    expect(() => setUserRole(ctx, 'boss', 'officer')).toThrow(/last active administrator/);
    expect(() => disableUser(ctx, 'boss')).toThrow(/last active administrator/);
    expect(() => setUserRole(ctx, 'nobody', 'hr')).toThrow(/no user "nobody"/);
    expect(disableUser(ctx, 'anna').disabled).toBe(true);
    expect(() => disableUser(ctx, 'anna')).toThrow(/already disabled/);
    const log = actions();
    expect(log).toContain(`${ctx.actor.name} user.added`);
    expect(log).toContain(`${ctx.actor.name} user.role-changed`);
    expect(log).toContain(`${ctx.actor.name} user.disabled`);
  });

  it('logs in with the right password only, audit-logging every attempt under the name tried', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    await expect(logIn('anna', 'wrong password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    await expect(logIn('nobody', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    const { token, user } = await logIn('Anna', PW, 'test');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(user).toMatchObject({ name: 'anna', role: 'officer' });
    // The token is not stored, only its hash.
    const stored = ctx.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    expect(authenticate(ctx, token).name).toBe('anna');
    expect(actions()).toEqual(expect.arrayContaining(['anna login.failed', `${UNKNOWN_USER} login.failed`, 'anna login.succeeded']));
    expect(actions().join('\n')).not.toContain('nobody');
    logout(ctx, token);
    expect(() => authenticate(ctx, token)).toThrow(/ended/);
    expect(() => authenticate(ctx, undefined)).toThrow(/Log in first/);
    expect(() => authenticate(ctx, 'made-up')).toThrow(/not known/);
    expect(verifyAuditChain(ctx.db).ok).toBe(true);
  });

  it(`locks an account after ${LOGIN_LIMIT.maxFailures} failed logins; the right password does not help until the lock ends or a new password is set`, async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    for (let i = 0; i < LOGIN_LIMIT.maxFailures; i++) {
      clock.now += 1000;
      await expect(logIn('anna', `guess ${i}`)).rejects.toThrow(/Wrong user name or password/);
    }
    await expect(logIn('anna', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/^Too many failed logins for this name: try again after \d\d:\d\d/) });
    expect(listUsers(ctx)[0]?.lockedUntil).not.toBeNull();
    expect(actions().filter((a) => a === 'anna login.locked')).toHaveLength(1);
    expect(actions()).toContain('anna login.refused');
    clock.now += LOGIN_LIMIT.lockMs + 1000;
    expect((await logIn('anna', PW)).user.name).toBe('anna');

    // Failures spread out more than the window apart never lock.
    for (let i = 0; i < LOGIN_LIMIT.maxFailures + 2; i++) {
      clock.now += LOGIN_LIMIT.windowMs + 1000;
      await expect(logIn('anna', 'nope nope nope')).rejects.toThrow(/Wrong/);
    }
    clock.now += 1000;
    expect((await logIn('anna', PW)).user.name).toBe('anna');

    // Locked again; an administrator's new password lifts it.
    for (let i = 0; i < LOGIN_LIMIT.maxFailures; i++) await expect(logIn('anna', 'nope nope nope')).rejects.toThrow();
    await expect(logIn('anna', PW)).rejects.toThrow(/Too many failed logins/);
    await changePassword(ctx, 'anna', 'a brand new password');
    await expect(logIn('anna', PW)).rejects.toThrow(/Wrong/);
    expect((await logIn('anna', 'a brand new password')).user.name).toBe('anna');
  });

  it('a name that is no user is locked after as many failures, with the same answer word for word; the audit log never keeps the typed name', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const typedPassword = 'Sommar2026!anna'; // a password typed into the name field
    const answers = async (name: string): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i <= LOGIN_LIMIT.maxFailures; i++) {
        const e = (await logIn(name, `guess ${i} guess`).catch((x: unknown) => x)) as { code: string; message: string };
        out.push(`${e.code}: ${e.message}`);
      }
      return out;
    };
    const real = await answers('anna');
    const made = await answers(typedPassword);
    expect(made).toEqual(real);
    expect(real[LOGIN_LIMIT.maxFailures]).toMatch(/^unauthenticated: Too many failed logins for this name: try again after/);
    expect(real.slice(0, LOGIN_LIMIT.maxFailures).every((a) => a === 'unauthenticated: Wrong user name or password.')).toBe(true);
    const rows = listAudit(ctx.db, { sinceMs: 0, limit: 10_000 });
    const everything = rows.map((r) => `${r.actor} ${r.action} ${r.details}`).join('\n');
    expect(everything).not.toContain(typedPassword);
    expect(everything.toLowerCase()).not.toContain(typedPassword.toLowerCase());
    const unknown = rows.filter((r) => r.actor === UNKNOWN_USER);
    expect(unknown.map((r) => r.action)).toEqual([...Array(LOGIN_LIMIT.maxFailures).fill('login.failed').flatMap((a, i) => (i === LOGIN_LIMIT.maxFailures - 1 ? [a, 'login.locked'] : [a])), 'login.refused']);
    // The tag says these were one name, without saying which.
    expect(new Set(unknown.map((r) => (JSON.parse(r.details) as { name: string }).name)).size).toBe(1);
    expect(verifyAuditChain(ctx.db).ok).toBe(true);
  });

  it('an administrator unlocks a locked user at once; the command line and the API use the same unlock', async () => {
    await addUser(ctx, { name: 'anna', role: 'admin', password: PW });
    for (let i = 0; i < LOGIN_LIMIT.maxFailures; i++) await expect(logIn('anna', 'nope nope nope')).rejects.toThrow(/Wrong/);
    await expect(logIn('anna', PW)).rejects.toThrow(/Too many failed logins/);
    expect(listUsers(ctx)[0]?.lockedUntil).not.toBeNull();
    expect(unlockUser(ctx, 'anna')).toMatchObject({ wasLocked: true, user: { lockedUntil: null } });
    expect((await logIn('anna', PW)).user.name).toBe('anna');
    expect(unlockUser(ctx, 'anna').wasLocked).toBe(false);
    expect(() => unlockUser(ctx, 'nobody')).toThrow(/no user "nobody"/);
    expect(actions()).toContain(`${ctx.actor.name} user.unlocked`);
  });

  it('a client that keeps failing waits longer and longer before its next attempt is even looked at; other clients do not', async () => {
    gate = new LoginGate(); // the real limits
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    await addUser(ctx, { name: 'bo', role: 'officer', password: PW });
    const start = clock.now;
    // Spraying: one guess at each of several names, from one client.
    for (let i = 0; i < GATE_LIMITS.freeFailures; i++) await expect(logIn(`name${i}`, 'some guess here', 'os:mallory')).rejects.toThrow(/Wrong/);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const e = (await logIn('anna', PW, 'os:mallory').catch((x: unknown) => x)) as { code: string; details: { retryAfterSeconds: number } };
      expect(e.code).toBe('rate_limited');
      waits.push(e.details.retryAfterSeconds);
      clock.now += e.details.retryAfterSeconds * 1000;
      await expect(logIn(`other${i}`, 'some guess here', 'os:mallory')).rejects.toThrow(/Wrong/);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    // Anna, logging in from her own OS account meanwhile, is not slowed; her account is not locked.
    expect((await logIn('anna', PW, 'os:anna')).user.name).toBe('anna');
    // Nothing about the refused attempts was hashed or counted against an account.
    expect(listUsers(ctx).every((u) => u.lockedUntil === null)).toBe(true);
    expect(actions()).toContain('(login attempts) login.throttled');
    // Forgotten after a quiet quarter of an hour.
    clock.now = start + 60 * 60_000;
    await expect(logIn('bo', 'wrong again wrong', 'os:mallory')).rejects.toThrow(/Wrong/);
  });

  it('ends a session after the idle time from the settings, and after the maximum age however busy', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    changeSetting(ctx, 'sessionIdleMinutes', 10);
    const { token } = await logIn('anna', PW);
    clock.now += 9 * 60_000;
    expect(authenticate(ctx, token).name).toBe('anna'); // a request restarts the idle clock
    clock.now += 9 * 60_000;
    expect(authenticate(ctx, token, { touch: false }).name).toBe('anna'); // a heartbeat does not
    clock.now += 2 * 60_000;
    expect(() => authenticate(ctx, token)).toThrow(/after 10 minutes without use/);
    expect(() => authenticate(ctx, token)).toThrow(/has ended/);
    expect(actions()).toContain('anna session.ended');

    const busy = (await logIn('anna', PW)).token;
    const until = clock.now + SESSION_MAX_AGE_MS;
    while (clock.now + 5 * 60_000 <= until) {
      clock.now += 5 * 60_000;
      expect(authenticate(ctx, busy).name).toBe('anna');
    }
    clock.now = until + 60_000;
    expect(() => authenticate(ctx, busy)).toThrow(/at most 12 hours/);
  });

  it('a disabled user is logged out at once and cannot log in; a new role ends the sessions opened with the old one', async () => {
    await addUser(ctx, { name: 'boss', role: 'admin', password: PW });
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const before = (await logIn('anna', PW)).token;
    setUserRole(ctx, 'anna', 'hr');
    expect(() => authenticate(ctx, before)).toThrow(/ended/);
    const token = (await logIn('anna', PW)).token;
    expect(authenticate(ctx, token).role).toBe('hr');
    disableUser(ctx, 'anna');
    expect(() => authenticate(ctx, token)).toThrow(/ended/);
    await expect(logIn('anna', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    expect(actions()).toContain('anna login.refused');
  });

  it('a new password ends the user\'s open sessions', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const { token } = await logIn('anna', PW);
    await changePassword(ctx, 'anna', 'another long password');
    expect(() => authenticate(ctx, token)).toThrow(/ended/);
    await expect(changePassword(ctx, 'anna', 'short')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('the first init makes an administrator with a printed password; later inits do not', async () => {
    const first = ensureFirstAdmin(ctx);
    expect(first?.name).toBe('admin');
    expect(first?.password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect(first?.message).toContain(first?.password);
    expect(listUsers(ctx)).toMatchObject([{ name: 'admin', role: 'admin', disabled: false }]);
    expect((await logIn('admin', first?.password ?? '')).user.role).toBe('admin');
    expect(ensureFirstAdmin(ctx)).toBeNull();
    expect(listUsers(ctx)).toHaveLength(1);
  });

  it('work done for a logged-in user is audit-logged under their name', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const { user } = await logIn('anna', PW);
    const as = actingAs(ctx, user);
    changeSetting(as, 'incidentReviewDays', 14);
    as.close(); // a per-request view: closing it must not close the instance
    expect(ctx.settings().incidentReviewDays).toBe(14);
    expect(actions()).toContain('anna setting.changed');
  });
});
