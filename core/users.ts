/**
 * Users, passwords and sessions (POLICY G3: every access to footage is attributable to a person).
 *
 * Passwords are hashed with scrypt (memory-hard, in node:crypto) with a random salt; the stored
 * form names its parameters so they can be raised later; every hash takes one of the process's
 * few hashing slots (core/login-gate.ts). Logins are limited: after LOGIN_LIMIT.maxFailures
 * failed attempts within LOGIN_LIMIT.windowMs a name is locked for LOGIN_LIMIT.lockMs (an
 * administrator's unlock or a new password lifts it), a user's name or not, with the same answer;
 * every attempt that reaches the password check is audit-logged, never with a typed name that
 * is not a user's. A session is a random token the client keeps (the database holds only its
 * SHA-256); it ends after `sessionIdleMinutes` without a request, after SESSION_MAX_AGE_MS in
 * any case, at logout, and when its user is disabled, gets another role or a new password.
 */
import { createHash, randomBytes, randomInt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN, USER_NAME_RE } from '../common/api/contract.js';
import type { UserView } from '../common/api/types.js';
import { CustodianError, failure, isCustodianError } from '../common/errors.js';
import { english, type Msg } from '../common/i18n/catalog.js';
import { isRole, type Role } from '../common/permissions.js';
import { formatInstant } from '../common/time.js';
import { endSession, endSessionsOfUser, getSessionByTokenHash, insertSession, purgeEndedSessions, touchSession } from '../db/sessions.js';
import {
  countActiveAdmins,
  countUsers,
  disableUserRow,
  getUserById,
  getUserByName,
  insertUser,
  clearLoginFailures,
  countLoginAttempt,
  listUserRows,
  lockUser,
  recordLogin,
  setUserPassword,
  setUserRole as setUserRoleRow,
  type UserRow,
} from '../db/users.js';
import { appendAuditRaw, audit } from './audit.js';
import type { Actor, Ctx } from './context.js';
import { scryptInWorker } from './hasher.js';
import { rateLimited, sharedLoginGate, withHashingSlot, type AttemptState, type LoginGate, type Ticket } from './login-gate.js';

export const LOGIN_LIMIT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;
/** However active, a session ends after this long; the person logs in again. */
export const SESSION_MAX_AGE_MS = 12 * 3_600_000;
/** last_seen is written at most this often (idle expiry is counted in minutes). */
const TOUCH_EVERY_MS = 10_000;
/** Ended sessions are forgotten after this long (POLICY G2). */
const SESSION_RECORD_DAYS = 90;

// ---------------------------------------------------------------------------------------------
// Password hashing

// N=2^15, r=8, p=3: one of OWASP's recommended scrypt settings (32 MiB, ~0.3 s here).
const SCRYPT = { log2N: 15, r: 8, p: 3, keyLen: 32, saltLen: 16 } as const;
const scryptOptions = (log2N: number, r: number, p: number): ScryptOptions => ({ N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r + 1024 * 1024 });

/** Off the event loop and off libuv's pool, at the lowest CPU priority (core/hasher.ts). */
function scryptAsync(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return scryptInWorker(password, salt, keyLen, options);
}

function encodeHash(salt: Buffer, key: Buffer): string {
  return `scrypt$${SCRYPT.log2N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, off the event loop, in one of the process's hashing slots. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLen);
  return encodeHash(salt, await withHashingSlot(() => scryptAsync(password, salt, SCRYPT.keyLen, scryptOptions(SCRYPT.log2N, SCRYPT.r, SCRYPT.p))));
}

export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SCRYPT.saltLen);
  return encodeHash(salt, scryptSync(password.normalize('NFC'), salt, SCRYPT.keyLen, scryptOptions(SCRYPT.log2N, SCRYPT.r, SCRYPT.p)));
}

/** Checks a password against a stored hash. The caller holds a hashing slot (login does, through its ticket). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 22 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const key = await scryptAsync(password, salt, expected.length, scryptOptions(log2N, r, p));
  return timingSafeEqual(key, expected);
}

/**
 * A hash of no password at all (random salt and key, the current parameters), so an unknown
 * name takes as long to refuse as a known one; made without hashing anything.
 */
const DUMMY_HASH = encodeHash(randomBytes(SCRYPT.saltLen), randomBytes(SCRYPT.keyLen));

// ---------------------------------------------------------------------------------------------
// Users

function checkName(name: string): string {
  const n = name.trim();
  if (!USER_NAME_RE.test(n)) {
    throw failure('invalid_request', 'server:userName', { name });
  }
  return n;
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw failure('invalid_request', 'server:userRole', { role });
  return role;
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw failure('invalid_request', 'server:passwordShort', { min: PASSWORD_MIN });
  if (password.length > PASSWORD_MAX) throw failure('invalid_request', 'server:passwordLong', { max: PASSWORD_MAX });
  if (password.trim() !== password) throw failure('invalid_request', 'server:passwordSpace');
}

function findUser(ctx: Ctx, name: string): UserRow {
  const row = getUserByName(ctx.db, name.trim());
  if (!row) throw failure('not_found', 'server:noUser', { name });
  return row;
}

export function userView(ctx: Ctx, u: UserRow): UserView {
  const tz = ctx.settings().siteTimeZone;
  const locked = u.locked_until_ms !== null && u.locked_until_ms > ctx.now() ? u.locked_until_ms : null;
  return {
    name: u.name,
    role: u.role,
    disabled: u.disabled_ms !== null,
    lockedUntil: locked === null ? null : formatInstant(locked, tz),
    created: formatInstant(u.created_ms, tz),
    createdBy: u.created_by,
    passwordChanged: formatInstant(u.password_changed_ms, tz),
    lastLogin: u.last_login_ms === null ? null : formatInstant(u.last_login_ms, tz),
  };
}

export function listUsers(ctx: Ctx): UserView[] {
  return listUserRows(ctx.db).map((u) => userView(ctx, u));
}

export function getUser(ctx: Ctx, name: string): UserView {
  return userView(ctx, findUser(ctx, name));
}

export async function addUser(ctx: Ctx, spec: { name: string; role: string; password: string }): Promise<UserView> {
  const name = checkName(spec.name);
  const role = checkRole(spec.role);
  checkPassword(spec.password);
  const existing = getUserByName(ctx.db, name);
  if (existing) throw failure('conflict', 'server:userExists', { name: existing.name });
  const hash = await hashPassword(spec.password);
  const row = ctx.db.transaction(() => {
    if (getUserByName(ctx.db, name)) throw failure('conflict', 'server:userExists', { name });
    const id = insertUser(ctx.db, { name, role, passwordHash: hash, createdMs: ctx.now(), createdBy: ctx.actor.name });
    audit(ctx, 'user.added', { user: name, role });
    return getUserById(ctx.db, id) as UserRow;
  }).immediate();
  return userView(ctx, row);
}

function assertNotLastAdmin(ctx: Ctx, u: UserRow, what: 'role' | 'disable'): void {
  if (u.role === 'admin' && u.disabled_ms === null && countActiveAdmins(ctx.db) <= 1) {
    throw failure('conflict', what === 'role' ? 'server:lastAdminRole' : 'server:lastAdminDisable', { name: u.name });
  }
}

export function setUserRole(ctx: Ctx, name: string, role: string): UserView {
  const r = checkRole(role);
  const u = findUser(ctx, name);
  if (u.role === r) return userView(ctx, u);
  ctx.db.transaction(() => {
    if (r !== 'admin') assertNotLastAdmin(ctx, u, 'role');
    setUserRoleRow(ctx.db, u.id, r);
    // A session (and an event stream) opened with the old role must not go on with it.
    const ended = endSessionsOfUser(ctx.db, u.id, ctx.now(), 'role changed');
    audit(ctx, 'user.role-changed', { user: u.name, from: u.role, to: r, sessionsEnded: ended });
  }).immediate();
  return userView(ctx, getUserById(ctx.db, u.id) as UserRow);
}

export function disableUser(ctx: Ctx, name: string): UserView {
  const u = findUser(ctx, name);
  if (u.disabled_ms !== null) throw failure('conflict', 'server:userDisabledAlready', { name: u.name });
  ctx.db.transaction(() => {
    assertNotLastAdmin(ctx, u, 'disable');
    disableUserRow(ctx.db, u.id, ctx.actor.name, ctx.now());
    const ended = endSessionsOfUser(ctx.db, u.id, ctx.now(), 'user disabled');
    audit(ctx, 'user.disabled', { user: u.name, sessionsEnded: ended });
  }).immediate();
  return userView(ctx, getUserById(ctx.db, u.id) as UserRow);
}

/** Sets a new password; the user's open sessions end and a lockout is lifted. */
export async function changePassword(ctx: Ctx, name: string, password: string): Promise<UserView> {
  const u = findUser(ctx, name);
  checkPassword(password);
  const hash = await hashPassword(password);
  ctx.db.transaction(() => {
    setUserPassword(ctx.db, u.id, hash, ctx.now());
    const ended = endSessionsOfUser(ctx.db, u.id, ctx.now(), 'password changed');
    audit(ctx, 'user.password-changed', { user: u.name, sessionsEnded: ended });
  }).immediate();
  return userView(ctx, getUserById(ctx.db, u.id) as UserRow);
}

/**
 * Lifts a lock that failed logins put on a user (and forgets their count), before its time is
 * up: for an administrator whose account someone keeps locking.
 */
export function unlockUser(ctx: Ctx, name: string): { user: UserView; wasLocked: boolean } {
  const u = findUser(ctx, name);
  const wasLocked = u.locked_until_ms !== null && u.locked_until_ms > ctx.now();
  ctx.db.transaction(() => {
    clearLoginFailures(ctx.db, u.id);
    audit(ctx, 'user.unlocked', { user: u.name, wasLocked, until: u.locked_until_ms, failures: u.failed_logins });
  }).immediate();
  return { user: userView(ctx, getUserById(ctx.db, u.id) as UserRow), wasLocked };
}

const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ2345679';

/** A password a person can read aloud and type: four groups of five, ~110 bits. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/**
 * The first `init` makes an administrator: when there are no users yet, creates "admin" with a
 * generated password and returns it (to be shown once); otherwise returns null.
 */
export function ensureFirstAdmin(ctx: Ctx, name = 'admin'): { name: string; password: string; message: string; msg: Msg } | null {
  if (countUsers(ctx.db) > 0) return null;
  const n = checkName(name);
  const password = generatePassword();
  const hash = hashPasswordSync(password);
  ctx.db.transaction(() => {
    insertUser(ctx.db, { name: n, role: 'admin', passwordHash: hash, createdMs: ctx.now(), createdBy: ctx.actor.name });
    audit(ctx, 'user.added', { user: n, role: 'admin', first: true });
  }).immediate();
  const msg: Msg = { key: 'server:firstAdmin', params: { name: n, password } };
  return { name: n, password, message: `${english(msg)}\n`, msg };
}

// ---------------------------------------------------------------------------------------------
// Logins and sessions

export interface SessionUser {
  readonly sessionId: number;
  readonly userId: number;
  readonly name: string;
  readonly role: Role;
}

const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The audit actor for an attempt on a name that is not a user. Never the typed text: people type
 * their password into the name field. The details carry a short tag keyed with a secret that
 * lives only in this process's memory, so the DPO sees which refused attempts were at the same
 * name while the server ran, and nobody can later test guesses against it (a secret kept in the
 * database beside the log could be used for that at HMAC speed).
 */
export const UNKNOWN_USER = '(unknown user)';

const loginFailed = (): CustodianError => failure('unauthenticated', 'server:loginFailed');

function recentFailures(s: AttemptState, now: number): number {
  return s.lastFailedMs !== null && now - s.lastFailedMs < LOGIN_LIMIT.windowMs ? s.failures : 0;
}

const lockedNow = (s: AttemptState, now: number): boolean => s.lockedUntilMs !== null && s.lockedUntilMs > now;
const accountState = (u: UserRow): AttemptState => ({ failures: u.failed_logins, lastFailedMs: u.last_failed_ms, lockedUntilMs: u.locked_until_ms });

/** The same answer for every locked name, a user's or not (no enumeration by lock). */
function lockedAnswer(ctx: Ctx, untilMs: number): CustodianError {
  return failure('unauthenticated', 'server:loginLocked', { until: formatInstant(untilMs, ctx.settings().siteTimeZone).slice(11, 16) });
}

export interface LoginOptions {
  /**
   * Who is asking, as the transport knows it (browser mode: the OS user on the other end of the
   * socket, "os:dave"); the key of the per-client back-off and a detail of the audit events.
   */
  readonly client?: string | null;
  readonly gate?: LoginGate;
}

/** Failed logins are audit-logged; refusals by rate limit are counted and logged once a minute. */
function noteThrottled(ctx: Ctx, gate: LoginGate, client: string, e: unknown): never {
  const n = gate.noteThrottled(client, ctx.now());
  if (n > 0) appendAuditRaw(ctx.db, ctx.now(), '(login attempts)', 'login.throttled', { client, refused: n });
  throw e;
}

/**
 * Checks a name and password; on success opens a session and returns its token (to be kept by
 * the client, e.g. in an HttpOnly cookie). Every attempt that reaches the password check is
 * audit-logged; refusals by rate limit are counted (core/login-gate.ts).
 *
 * The order is what makes the lock hold under concurrency: the attempt is admitted by the gate
 * (one hash per name at a time, no more attempts than guesses left), counted as a failure in the
 * database *before* the password is hashed, and after the hash the lock is read again in the
 * transaction that would create the session.
 */
export async function login(ctx: Ctx, name: string, password: string, client: string | null = null, gate: LoginGate = sharedLoginGate): Promise<{ token: string; user: SessionUser }> {
  const typed = name.trim();
  const from = client ?? 'local';
  const key = gate.nameKey(typed);
  const auditName = (u: UserRow | undefined): string => u?.name ?? UNKNOWN_USER;
  const tag = key.slice(0, 8);
  let ticket: Ticket;
  try {
    gate.checkClient(from, ctx.now());
    const now = ctx.now();
    const u = getUserByName(ctx.db, typed);
    const state = u ? accountState(u) : gate.unknownName(key);
    if (lockedNow(state, now)) {
      appendAuditRaw(ctx.db, now, auditName(u), 'login.refused', { reason: 'locked after failed logins', until: state.lockedUntilMs, client: from, ...(u ? {} : { name: tag }) });
      gate.noteFailure(from, now);
      throw lockedAnswer(ctx, state.lockedUntilMs ?? now);
    }
    if (LOGIN_LIMIT.maxFailures - recentFailures(state, now) - gate.pending(key) <= 0) throw rateLimited('server:loginBusyName', 1);
    ticket = gate.enter(key, from, now);
  } catch (e) {
    if (isCustodianError(e) && e.code === 'rate_limited') noteThrottled(ctx, gate, from, e);
    throw e;
  }
  try {
    await ticket.turn();
    const counted = countAttempt(ctx, gate, typed, key);
    if (counted.locked !== null) {
      appendAuditRaw(ctx.db, ctx.now(), auditName(counted.user), 'login.refused', { reason: 'locked after failed logins', until: counted.locked, client: from, ...(counted.user ? {} : { name: tag }) });
      gate.noteFailure(from, ctx.now());
      throw lockedAnswer(ctx, counted.locked);
    }
    if (counted.busy) throw rateLimited('server:loginBusyName', 1);
    let ok: boolean;
    try {
      ok = await verifyPassword(password, counted.user?.password_hash ?? DUMMY_HASH);
    } finally {
      ticket.hashed();
    }
    const result = afterHash(ctx, gate, counted.user, key, ok && counted.user !== undefined, from, tag);
    if ('token' in result) return result;
    gate.noteFailure(from, ctx.now());
    throw result.error;
  } finally {
    ticket.finish();
  }
}

/**
 * Counts this attempt as a failure before its hash (in the users row for an account, in the gate
 * for another name), unless the name is locked or has as many attempts counted as it may.
 */
function countAttempt(ctx: Ctx, gate: LoginGate, typed: string, key: string): { user: UserRow | undefined; locked: number | null; busy: boolean } {
  return ctx.db
    .transaction(() => {
      const now = ctx.now();
      const u = getUserByName(ctx.db, typed);
      const state = u ? accountState(u) : gate.unknownName(key);
      if (lockedNow(state, now)) return { user: u, locked: state.lockedUntilMs, busy: false };
      const failures = recentFailures(state, now);
      // Attempts counted by another process and not finished yet: they decide.
      if (failures >= LOGIN_LIMIT.maxFailures) return { user: u, locked: null, busy: true };
      if (u) countLoginAttempt(ctx.db, u.id, failures + 1, now);
      else gate.setUnknownName(key, { failures: failures + 1, lastFailedMs: now, lockedUntilMs: null }, now, LOGIN_LIMIT.windowMs);
      return { user: u, locked: null, busy: false };
    })
    .immediate();
}

/** After the hash: lock on the last allowed failure; a right password opens a session only if the name is still not locked. */
function afterHash(ctx: Ctx, gate: LoginGate, user: UserRow | undefined, key: string, ok: boolean, client: string, tag: string): { token: string; user: SessionUser } | { error: CustodianError } {
  const now = ctx.now();
  if (!user) {
    const st = gate.unknownName(key);
    const lock = st.failures >= LOGIN_LIMIT.maxFailures && !lockedNow(st, now) ? now + LOGIN_LIMIT.lockMs : null;
    if (lock !== null) gate.setUnknownName(key, { ...st, lockedUntilMs: lock }, now, LOGIN_LIMIT.windowMs);
    ctx.db.transaction(() => {
      appendAuditRaw(ctx.db, now, UNKNOWN_USER, 'login.failed', { reason: 'no such user', failures: st.failures, client, name: tag });
      if (lock !== null) appendAuditRaw(ctx.db, now, UNKNOWN_USER, 'login.locked', { failures: st.failures, until: lock, name: tag });
    }).immediate();
    return { error: loginFailed() };
  }
  return ctx.db
    .transaction((): { token: string; user: SessionUser } | { error: CustodianError } => {
      const cur = getUserById(ctx.db, user.id);
      if (!cur) return { error: loginFailed() };
      if (!ok) {
        const st = accountState(cur);
        const failures = recentFailures(st, now);
        const lock = failures >= LOGIN_LIMIT.maxFailures && !lockedNow(st, now) ? now + LOGIN_LIMIT.lockMs : null;
        if (lock !== null) lockUser(ctx.db, cur.id, lock);
        appendAuditRaw(ctx.db, now, cur.name, 'login.failed', { reason: 'wrong password', failures, client });
        if (lock !== null) appendAuditRaw(ctx.db, now, cur.name, 'login.locked', { failures, until: lock });
        return { error: loginFailed() };
      }
      if (cur.disabled_ms !== null) {
        appendAuditRaw(ctx.db, now, cur.name, 'login.refused', { reason: 'user disabled', client });
        return { error: loginFailed() };
      }
      // Read again in the transaction that would open the session: a lock set by attempts that
      // finished while this one was hashing wins over the right password.
      if (cur.locked_until_ms !== null && cur.locked_until_ms > now) {
        appendAuditRaw(ctx.db, now, cur.name, 'login.refused', { reason: 'locked after failed logins', until: cur.locked_until_ms, client });
        return { error: lockedAnswer(ctx, cur.locked_until_ms) };
      }
      const token = randomBytes(32).toString('base64url');
      recordLogin(ctx.db, cur.id, now);
      purgeEndedSessions(ctx.db, now - SESSION_RECORD_DAYS * 86_400_000);
      const sessionId = insertSession(ctx.db, { tokenHash: tokenHash(token), userId: cur.id, atMs: now, client });
      appendAuditRaw(ctx.db, now, cur.name, 'login.succeeded', { session: sessionId, role: cur.role, client });
      return { token, user: { sessionId, userId: cur.id, name: cur.name, role: cur.role } };
    })
    .immediate();
}

const sessionEnded = (key: string, params: Msg['params'] = {}): CustodianError => failure('unauthenticated', key, params);

/**
 * The user behind a session token, or `unauthenticated`. With `touch` (a request by the person)
 * the idle clock restarts; without it (a heartbeat on an open event stream) it does not.
 */
export function authenticate(ctx: Ctx, token: string | undefined, opts: { touch?: boolean } = {}): SessionUser {
  if (!token) throw sessionEnded('server:logInFirst');
  const s = getSessionByTokenHash(ctx.db, tokenHash(token));
  if (!s) throw sessionEnded('server:sessionUnknown');
  if (s.ended_ms !== null) throw sessionEnded('server:sessionOver');
  const now = ctx.now();
  const u = getUserById(ctx.db, s.user_id);
  const idleMinutes = ctx.settings().sessionIdleMinutes;
  const end = (reason: string, key: string, params: Msg['params'] = {}): never => {
    ctx.db.transaction(() => {
      endSession(ctx.db, s.id, now, reason);
      appendAuditRaw(ctx.db, now, u?.name ?? '(removed user)', 'session.ended', { session: s.id, reason });
    }).immediate();
    throw sessionEnded(key, params);
  };
  if (!u || u.disabled_ms !== null) return end('user disabled', 'server:userDisabled');
  if (now - s.last_seen_ms > idleMinutes * 60_000) return end('idle', 'server:sessionIdle', { minutes: idleMinutes });
  if (now - s.created_ms > SESSION_MAX_AGE_MS) return end('too old', 'server:sessionOld', { hours: SESSION_MAX_AGE_MS / 3_600_000 });
  if (opts.touch !== false && now - s.last_seen_ms >= TOUCH_EVERY_MS) touchSession(ctx.db, s.id, now);
  return { sessionId: s.id, userId: u.id, name: u.name, role: u.role };
}

export function logout(ctx: Ctx, token: string | undefined): void {
  if (!token) return;
  const s = getSessionByTokenHash(ctx.db, tokenHash(token));
  if (!s || s.ended_ms !== null) return;
  const u = getUserById(ctx.db, s.user_id);
  ctx.db.transaction(() => {
    endSession(ctx.db, s.id, ctx.now(), 'logout');
    appendAuditRaw(ctx.db, ctx.now(), u?.name ?? '(removed user)', 'session.ended', { session: s.id, reason: 'logout' });
  }).immediate();
}

/** The same instance, acting as a logged-in user: what it does is audit-logged under their name. */
export function actingAs(ctx: Ctx, user: Pick<SessionUser, 'name' | 'role'>): Ctx {
  const actor: Actor = { name: user.name, role: user.role };
  return { ...ctx, actor, close() {} };
}
