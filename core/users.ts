/**
 * Users, passwords and sessions (POLICY G3: every access to footage is attributable to a person).
 *
 * Passwords are hashed with scrypt (memory-hard, in node:crypto) with a random salt; the stored
 * form names its parameters so they can be raised later. Logins are limited: after
 * LOGIN_LIMIT.maxFailures failed attempts within LOGIN_LIMIT.windowMs the account is locked for
 * LOGIN_LIMIT.lockMs (a new password lifts it); every attempt is audit-logged. A session is a
 * random token the client keeps (the database holds only its SHA-256); it ends after
 * `sessionIdleMinutes` without a request, after SESSION_MAX_AGE_MS in any case, at logout, and
 * when its user is disabled or gets a new password. The role is read afresh on every request.
 */
import { createHash, randomBytes, randomInt, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN, USER_NAME_RE } from '../common/api/contract.js';
import type { UserView } from '../common/api/types.js';
import { CustodianError } from '../common/errors.js';
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
  listUserRows,
  recordFailedLogin,
  recordLogin,
  setUserPassword,
  setUserRole as setUserRoleRow,
  type UserRow,
} from '../db/users.js';
import { appendAuditRaw, audit } from './audit.js';
import type { Actor, Ctx } from './context.js';

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

function scryptAsync(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function encodeHash(salt: Buffer, key: Buffer): string {
  return `scrypt$${SCRYPT.log2N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, off the event loop. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLen);
  return encodeHash(salt, await scryptAsync(password, salt, SCRYPT.keyLen, scryptOptions(SCRYPT.log2N, SCRYPT.r, SCRYPT.p)));
}

export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SCRYPT.saltLen);
  return encodeHash(salt, scryptSync(password.normalize('NFC'), salt, SCRYPT.keyLen, scryptOptions(SCRYPT.log2N, SCRYPT.r, SCRYPT.p)));
}

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

/** A hash of a password nobody has, so an unknown name takes as long to refuse as a known one. */
let dummyHash: string | undefined;

// ---------------------------------------------------------------------------------------------
// Users

function checkName(name: string): string {
  const n = name.trim();
  if (!USER_NAME_RE.test(n)) {
    throw new CustodianError('invalid_request', `"${name}" is not a usable user name: 2–32 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
  return n;
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw new CustodianError('invalid_request', `The role must be officer, hr, dpo or admin, not "${role}".`);
  return role;
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw new CustodianError('invalid_request', `A password needs at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX) throw new CustodianError('invalid_request', `A password may have at most ${PASSWORD_MAX} characters.`);
  if (password.trim() !== password) throw new CustodianError('invalid_request', 'A password may not begin or end with a space.');
}

function findUser(ctx: Ctx, name: string): UserRow {
  const row = getUserByName(ctx.db, name.trim());
  if (!row) throw new CustodianError('not_found', `There is no user "${name}" (see custodian user list).`);
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
  if (existing) throw new CustodianError('conflict', `There is already a user "${existing.name}".`);
  const hash = await hashPassword(spec.password);
  const row = ctx.db.transaction(() => {
    if (getUserByName(ctx.db, name)) throw new CustodianError('conflict', `There is already a user "${name}".`);
    const id = insertUser(ctx.db, { name, role, passwordHash: hash, createdMs: ctx.now(), createdBy: ctx.actor.name });
    audit(ctx, 'user.added', { user: name, role });
    return getUserById(ctx.db, id) as UserRow;
  }).immediate();
  return userView(ctx, row);
}

function assertNotLastAdmin(ctx: Ctx, u: UserRow, what: string): void {
  if (u.role === 'admin' && u.disabled_ms === null && countActiveAdmins(ctx.db) <= 1) {
    throw new CustodianError('conflict', `${u.name} is the last active administrator: ${what} would leave nobody to manage users. Add another admin first.`);
  }
}

export function setUserRole(ctx: Ctx, name: string, role: string): UserView {
  const r = checkRole(role);
  const u = findUser(ctx, name);
  if (u.role === r) return userView(ctx, u);
  ctx.db.transaction(() => {
    if (r !== 'admin') assertNotLastAdmin(ctx, u, 'changing their role');
    setUserRoleRow(ctx.db, u.id, r);
    audit(ctx, 'user.role-changed', { user: u.name, from: u.role, to: r });
  }).immediate();
  return userView(ctx, getUserById(ctx.db, u.id) as UserRow);
}

export function disableUser(ctx: Ctx, name: string): UserView {
  const u = findUser(ctx, name);
  if (u.disabled_ms !== null) throw new CustodianError('conflict', `${u.name} is already disabled.`);
  ctx.db.transaction(() => {
    assertNotLastAdmin(ctx, u, 'disabling them');
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
export function ensureFirstAdmin(ctx: Ctx, name = 'admin'): { name: string; password: string; message: string } | null {
  if (countUsers(ctx.db) > 0) return null;
  const n = checkName(name);
  const password = generatePassword();
  const hash = hashPasswordSync(password);
  ctx.db.transaction(() => {
    insertUser(ctx.db, { name: n, role: 'admin', passwordHash: hash, createdMs: ctx.now(), createdBy: ctx.actor.name });
    audit(ctx, 'user.added', { user: n, role: 'admin', first: true });
  }).immediate();
  return {
    name: n,
    password,
    message: `First administrator for the app and browser mode: user "${n}", password ${password} (shown once; change it with "custodian user passwd ${n}").\n`,
  };
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

/** The audit name for a login attempt on a name that does not exist (never echoes odd input). */
function attemptedName(name: string): string {
  return USER_NAME_RE.test(name) ? name : '(not a user name)';
}

const loginFailed = (): CustodianError => new CustodianError('unauthenticated', 'Wrong user name or password.');

/**
 * Checks a name and password; on success opens a session and returns its token (to be kept by
 * the client, e.g. in an HttpOnly cookie). Every attempt is audit-logged.
 */
export async function login(ctx: Ctx, name: string, password: string, client: string | null = null): Promise<{ token: string; user: SessionUser }> {
  const now = ctx.now();
  const u = getUserByName(ctx.db, name.trim());
  if (!u) {
    dummyHash ??= hashPasswordSync(generatePassword());
    await verifyPassword(password, dummyHash);
    appendAuditRaw(ctx.db, now, attemptedName(name.trim()), 'login.failed', { reason: 'no such user', client });
    throw loginFailed();
  }
  if (u.locked_until_ms !== null && u.locked_until_ms > now) {
    appendAuditRaw(ctx.db, now, u.name, 'login.refused', { reason: 'locked after failed logins', until: u.locked_until_ms, client });
    throw new CustodianError(
      'unauthenticated',
      `Too many failed logins: ${u.name} is locked until ${formatInstant(u.locked_until_ms, ctx.settings().siteTimeZone).slice(11, 16)}. An administrator can set a new password to unlock it now.`,
    );
  }
  const ok = await verifyPassword(password, u.password_hash);
  // Read again after the (slow) hash: another request may have changed the row meanwhile.
  const cur = getUserById(ctx.db, u.id) as UserRow;
  if (!ok) {
    const recent = cur.last_failed_ms !== null && now - cur.last_failed_ms < LOGIN_LIMIT.windowMs;
    const failures = (recent ? cur.failed_logins : 0) + 1;
    const lock = failures >= LOGIN_LIMIT.maxFailures ? now + LOGIN_LIMIT.lockMs : null;
    ctx.db.transaction(() => {
      recordFailedLogin(ctx.db, cur.id, failures, now, lock);
      appendAuditRaw(ctx.db, now, cur.name, 'login.failed', { reason: 'wrong password', failures, client });
      if (lock !== null) appendAuditRaw(ctx.db, now, cur.name, 'login.locked', { failures, until: lock });
    }).immediate();
    throw loginFailed();
  }
  if (cur.disabled_ms !== null) {
    appendAuditRaw(ctx.db, now, cur.name, 'login.refused', { reason: 'user disabled', client });
    throw loginFailed();
  }
  const token = randomBytes(32).toString('base64url');
  const sessionId = ctx.db.transaction(() => {
    recordLogin(ctx.db, cur.id, now);
    purgeEndedSessions(ctx.db, now - SESSION_RECORD_DAYS * 86_400_000);
    const id = insertSession(ctx.db, { tokenHash: tokenHash(token), userId: cur.id, atMs: now, client });
    appendAuditRaw(ctx.db, now, cur.name, 'login.succeeded', { session: id, role: cur.role, client });
    return id;
  }).immediate();
  return { token, user: { sessionId, userId: cur.id, name: cur.name, role: cur.role } };
}

const sessionEnded = (message: string): CustodianError => new CustodianError('unauthenticated', message);

/**
 * The user behind a session token, or `unauthenticated`. With `touch` (a request by the person)
 * the idle clock restarts; without it (a heartbeat on an open event stream) it does not.
 */
export function authenticate(ctx: Ctx, token: string | undefined, opts: { touch?: boolean } = {}): SessionUser {
  if (!token) throw sessionEnded('Log in first.');
  const s = getSessionByTokenHash(ctx.db, tokenHash(token));
  if (!s) throw sessionEnded('This session is not known (log in again).');
  if (s.ended_ms !== null) throw sessionEnded('This session has ended; log in again.');
  const now = ctx.now();
  const u = getUserById(ctx.db, s.user_id);
  const idleMinutes = ctx.settings().sessionIdleMinutes;
  const end = (reason: string, message: string): never => {
    ctx.db.transaction(() => {
      endSession(ctx.db, s.id, now, reason);
      appendAuditRaw(ctx.db, now, u?.name ?? '(removed user)', 'session.ended', { session: s.id, reason });
    }).immediate();
    throw sessionEnded(message);
  };
  if (!u || u.disabled_ms !== null) return end('user disabled', 'This user is disabled.');
  if (now - s.last_seen_ms > idleMinutes * 60_000) return end('idle', `The session ended after ${idleMinutes} minutes without use; log in again.`);
  if (now - s.created_ms > SESSION_MAX_AGE_MS) return end('too old', `Sessions last at most ${SESSION_MAX_AGE_MS / 3_600_000} hours; log in again.`);
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
