import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit.js';
import { getUserByName } from '../db/users.js';
import { tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { verifyAuditChain } from './audit.js';
import type { Ctx } from './context.js';
import { changeSetting } from './settings.js';
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
  verifyPassword,
} from './users.js';

const PW = 'correct horse battery';

describe('users, logins and sessions', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: Date.parse('2026-11-25T10:00:00Z') };
  const actions = (): string[] => listAudit(ctx.db, { sinceMs: 0, limit: 10_000 }).map((a) => `${a.actor} ${a.action}`);

  beforeEach(() => {
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
    await expect(login(ctx, 'anna', 'wrong password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    await expect(login(ctx, 'nobody', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    const { token, user } = await login(ctx, 'Anna', PW, 'test');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(user).toMatchObject({ name: 'anna', role: 'officer' });
    // The token is not stored, only its hash.
    const stored = ctx.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    expect(authenticate(ctx, token).name).toBe('anna');
    expect(actions()).toEqual(expect.arrayContaining(['anna login.failed', 'nobody login.failed', 'anna login.succeeded']));
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
      await expect(login(ctx, 'anna', `guess ${i}`)).rejects.toThrow(/Wrong user name or password/);
    }
    await expect(login(ctx, 'anna', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/locked until/) });
    expect(listUsers(ctx)[0]?.lockedUntil).not.toBeNull();
    expect(actions().filter((a) => a === 'anna login.locked')).toHaveLength(1);
    expect(actions()).toContain('anna login.refused');
    clock.now += LOGIN_LIMIT.lockMs + 1000;
    expect((await login(ctx, 'anna', PW)).user.name).toBe('anna');

    // Failures spread out more than the window apart never lock.
    for (let i = 0; i < LOGIN_LIMIT.maxFailures + 2; i++) {
      clock.now += LOGIN_LIMIT.windowMs + 1000;
      await expect(login(ctx, 'anna', 'nope nope nope')).rejects.toThrow(/Wrong/);
    }
    clock.now += 1000;
    expect((await login(ctx, 'anna', PW)).user.name).toBe('anna');

    // Locked again; an administrator's new password lifts it.
    for (let i = 0; i < LOGIN_LIMIT.maxFailures; i++) await expect(login(ctx, 'anna', 'nope nope nope')).rejects.toThrow();
    await expect(login(ctx, 'anna', PW)).rejects.toThrow(/locked/);
    await changePassword(ctx, 'anna', 'a brand new password');
    await expect(login(ctx, 'anna', PW)).rejects.toThrow(/Wrong/);
    expect((await login(ctx, 'anna', 'a brand new password')).user.name).toBe('anna');
  });

  it('ends a session after the idle time from the settings, and after the maximum age however busy', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    changeSetting(ctx, 'sessionIdleMinutes', 10);
    const { token } = await login(ctx, 'anna', PW);
    clock.now += 9 * 60_000;
    expect(authenticate(ctx, token).name).toBe('anna'); // a request restarts the idle clock
    clock.now += 9 * 60_000;
    expect(authenticate(ctx, token, { touch: false }).name).toBe('anna'); // a heartbeat does not
    clock.now += 2 * 60_000;
    expect(() => authenticate(ctx, token)).toThrow(/after 10 minutes without use/);
    expect(() => authenticate(ctx, token)).toThrow(/has ended/);
    expect(actions()).toContain('anna session.ended');

    const busy = (await login(ctx, 'anna', PW)).token;
    const until = clock.now + SESSION_MAX_AGE_MS;
    while (clock.now + 5 * 60_000 <= until) {
      clock.now += 5 * 60_000;
      expect(authenticate(ctx, busy).name).toBe('anna');
    }
    clock.now = until + 60_000;
    expect(() => authenticate(ctx, busy)).toThrow(/at most 12 hours/);
  });

  it('a disabled user is logged out at once and cannot log in; a new role applies to the next request', async () => {
    await addUser(ctx, { name: 'boss', role: 'admin', password: PW });
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const { token } = await login(ctx, 'anna', PW);
    setUserRole(ctx, 'anna', 'hr');
    expect(authenticate(ctx, token).role).toBe('hr');
    disableUser(ctx, 'anna');
    expect(() => authenticate(ctx, token)).toThrow(/ended/);
    await expect(login(ctx, 'anna', PW)).rejects.toMatchObject({ code: 'unauthenticated', message: 'Wrong user name or password.' });
    expect(actions()).toContain('anna login.refused');
  });

  it('a new password ends the user\'s open sessions', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const { token } = await login(ctx, 'anna', PW);
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
    expect((await login(ctx, 'admin', first?.password ?? '')).user.role).toBe('admin');
    expect(ensureFirstAdmin(ctx)).toBeNull();
    expect(listUsers(ctx)).toHaveLength(1);
  });

  it('work done for a logged-in user is audit-logged under their name', async () => {
    await addUser(ctx, { name: 'anna', role: 'officer', password: PW });
    const { user } = await login(ctx, 'anna', PW);
    const as = actingAs(ctx, user);
    changeSetting(as, 'incidentReviewDays', 14);
    as.close(); // a per-request view: closing it must not close the instance
    expect(ctx.settings().incidentReviewDays).toBe(14);
    expect(actions()).toContain('anna setting.changed');
  });
});
