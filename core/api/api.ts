/**
 * The API as every face uses it (the loopback server, the desktop app's IPC handlers, tests):
 * one call path that authenticates the session, checks the permission matrix for the user's role
 * (here, in core: a face cannot forget it), parses the request with the contract's schema, runs
 * the handler as that user, and answers `{ok:true, data}` or `{ok:false, error:{code, message}}`.
 * Footage streaming goes through openFootage, under the same rules. Events (progress, status)
 * go to subscribers, each only what its user may see, and each push checks again that the
 * subscriber's session is open and its role unchanged; `recheckSubscribers` ends the streams of
 * sessions that ended (a role change, a disable, a new password — made here or by the command
 * line in another process) and the server calls it every second.
 */
import { closeSync } from 'node:fs';
import type { z } from 'zod';
import { CONTRACT, isOperationName, type GuardedOperation, type OperationName, type ResponseOf } from '../../common/api/contract.js';
import { mediaPath } from '../../common/api/http.js';
import type { ApiEvent, ApiFailure, ApiResult } from '../../common/api/types.js';
import { failure as fail, isCustodianError } from '../../common/errors.js';
import { english, isLanguage, translator, type Language, type Msg } from '../../common/i18n/catalog.js';
import { requestIssues } from '../../common/i18n/zod.js';
import { may, type Action } from '../../common/permissions.js';
import { formatInstant } from '../../common/time.js';
import { incidentProgress, listIncidents } from '../../db/incidents.js';
import { listRoots } from '../../db/roots.js';
import { blockingAlarms, openAlarms } from '../alarms.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { isOverdue } from '../incidents.js';
import { nextDueMs } from '../retention.js';
import { sharedLoginGate, type LoginGate } from '../login-gate.js';
import { actingAs, authenticate, login, type SessionUser } from '../users.js';
import { openFootageFile, type FootageKind, type OpenFootage } from './footage.js';
import type { Readable } from 'node:stream';
import { receiptFile } from '../handover.js';
import { PackageUploads } from '../package-check.js';
import { openHeldPackage, type PackageDownload } from '../package-copies.js';
import { handlers, sessionView, type CallContext } from './handlers.js';

export interface ApiOptions {
  /** The URL a client streams footage from (default: browser mode's /media/<kind>/<id>). */
  mediaUrl?: (kind: FootageKind, id: number) => string;
  /** Called with errors that are not Custodian's own (they are answered as `internal`). */
  onInternalError?: (operation: string, error: unknown) => void;
  /** The login gate (hashing bound, per-name order, per-client back-off); default: the process's. */
  loginGate?: LoginGate;
}

/** What the transport knows of the caller. */
export interface CallMeta {
  /** Who is on the other end (browser mode: "os:<user>" from the socket's owner); logins are limited per client. */
  readonly client?: string;
  /** The language the caller reads (the app sends the one it shows); default English, the log form. */
  readonly lang?: string;
}

/** What a call did to the session, for the transport to mirror (set or clear the cookie). */
export type SessionChange = { set: string } | { clear: true } | undefined;

export interface CallOutcome<T = unknown> {
  result: ApiResult<T>;
  session: SessionChange;
  /** For `rate_limited`: when to try again (HTTP Retry-After). */
  retryAfterSeconds?: number;
}

type Listener = (event: ApiEvent) => void;

interface Subscriber {
  readonly token: string | undefined;
  readonly sessionId: number;
  readonly userId: number;
  readonly role: SessionUser['role'];
  readonly listener: Listener;
}

/** Operations after which another user's sessions may have ended: their streams are checked at once. */
const ENDS_SESSIONS: ReadonlySet<string> = new Set(['users.setRole', 'users.disable', 'users.setPassword']);

const MAX_VIEWS_REMEMBERED = 10_000;

export function failure(code: ApiFailure['error']['code'], message: string, msg?: Msg): ApiFailure {
  return { ok: false, error: { code, message, ...(msg ? { msg } : {}) } };
}

export class CustodianApi {
  private readonly subscribers = new Set<Subscriber>();
  private readonly viewed = new Map<number, Set<string>>();
  private lastStatus = '';
  /** Each incident's last pushed state, to push only what changed (null: not read yet). */
  private lastIncidents: Map<string, string> | null = null;
  private readonly mediaUrl: (kind: FootageKind, id: number) => string;
  /** Packages being uploaded to "Verify a package", per session. */
  readonly uploads: PackageUploads;

  constructor(
    readonly ctx: Ctx,
    private readonly options: ApiOptions = {},
  ) {
    this.mediaUrl = options.mediaUrl ?? mediaPath;
    this.uploads = new PackageUploads(ctx);
  }

  /**
   * The language an answer's `message` is worded in: the caller's (the app sends the one it
   * shows), else English, the log form a program reads (its `msg` lets any face word it).
   */
  language(lang: string | undefined): Language {
    return isLanguage(lang) ? lang : 'en';
  }

  /**
   * Answers any error the way the contract says, worded in `lang` (its sentence as `msg` too, for
   * the app to word it itself); never leaks a stack or an unexpected message.
   */
  toFailure(operation: string, e: unknown, lang: Language): ApiFailure {
    if (isCustodianError(e)) return failure(e.code, e.msg ? translator(lang)(e.msg) : e.message, e.msg);
    this.options.onInternalError?.(operation, e);
    const msg: Msg = { key: 'core:internalError' };
    return failure('internal', translator(lang)(msg), msg);
  }

  /** The one path for every operation. `token` is the session's (undefined when there is none). */
  async call(token: string | undefined, operation: string, body: unknown, meta: CallMeta = {}): Promise<CallOutcome> {
    try {
      if (!isOperationName(operation)) throw fail('not_found', 'server:noOperation', { operation });
      if (operation === 'auth.login') return await this.login(body, meta);
      const user = authenticate(this.ctx, token);
      const action: Action = operation;
      if (!may(user.role, action)) throw fail('forbidden', 'server:roleMayNot', { role: user.role, operation });
      const schema: z.ZodType = CONTRACT[operation].request;
      const input = body === undefined || body === null ? {} : body;
      const parsed = schema.safeParse(input);
      if (!parsed.success) throw invalidRequest(schema, input, parsed.error);
      const call: CallContext = {
        ctx: actingAs(this.ctx, user),
        user,
        token,
        emit: (event) => this.emitToUser(user.userId, event),
        noteViewing: (kind, id, details) => this.noteViewing(user, kind, id, details),
        mediaUrl: this.mediaUrl,
        uploads: this.uploads,
      };
      const handler = handlers[operation as GuardedOperation] as (c: CallContext, req: unknown) => unknown;
      const data = await handler(call, parsed.data);
      if (operation === 'auth.logout') {
        this.forgetSession(user.sessionId);
        return { result: { ok: true, data }, session: { clear: true } };
      }
      if (ENDS_SESSIONS.has(operation)) this.recheckSubscribers();
      return { result: { ok: true, data }, session: undefined };
    } catch (e) {
      const result = this.toFailure(operation, e, this.language(meta.lang));
      const retry = isCustodianError(e) && e.code === 'rate_limited' ? e.details?.retryAfterSeconds : undefined;
      return {
        result,
        session: result.error.code === 'unauthenticated' && token !== undefined ? { clear: true } : undefined,
        ...(typeof retry === 'number' ? { retryAfterSeconds: retry } : {}),
      };
    }
  }

  /** Typed convenience for callers that know the operation at compile time (tests, IPC). */
  async invoke<Op extends OperationName>(token: string | undefined, operation: Op, body: unknown): Promise<ApiResult<ResponseOf<Op>>> {
    return (await this.call(token, operation, body)).result as ApiResult<ResponseOf<Op>>;
  }

  private async login(body: unknown, meta: CallMeta): Promise<CallOutcome> {
    const parsed = CONTRACT['auth.login'].request.safeParse(body ?? {});
    if (!parsed.success) throw invalidRequest(CONTRACT['auth.login'].request, body ?? {}, parsed.error);
    const { token, user } = await login(this.ctx, parsed.data.name, parsed.data.password, meta.client ?? 'api', this.options.loginGate ?? sharedLoginGate);
    return { result: { ok: true, data: sessionView(this.ctx, user) }, session: { set: token } };
  }

  /** The session's user, or an `unauthenticated` error. */
  authenticate(token: string | undefined, touch = true): SessionUser {
    return authenticate(this.ctx, token, { touch });
  }

  /** Is this session still good? (A heartbeat: does not restart the idle clock.) */
  sessionAlive(token: string | undefined): boolean {
    try {
      authenticate(this.ctx, token, { touch: false });
      return true;
    } catch {
      return false;
    }
  }

  private noteViewing(user: SessionUser, kind: FootageKind, id: number, details: Record<string, unknown>): void {
    let seen = this.viewed.get(user.sessionId);
    if (!seen) {
      seen = new Set();
      this.viewed.set(user.sessionId, seen);
    }
    // A still of a recording and its playback are two viewings (each logged once per session).
    const key = `${kind}:${id}:${typeof details.still === 'string' ? details.still : ''}`;
    if (seen.has(key)) return;
    if (seen.size >= MAX_VIEWS_REMEMBERED) seen.clear();
    seen.add(key);
    audit(actingAs(this.ctx, user), 'footage.viewed', { [kind]: id, session: user.sessionId, ...details });
  }

  /**
   * Opens footage for a session that may see it (role matrix: footage.view), audit-logging the
   * first viewing of each piece per session. The caller streams from `fd` and closes it.
   */
  openFootage(token: string | undefined, kind: FootageKind, id: number): OpenFootage {
    const user = authenticate(this.ctx, token);
    if (!may(user.role, 'footage.view')) throw fail('forbidden', 'server:roleNoFootage', { role: user.role });
    const f = openFootageFile(this.ctx, kind, id);
    try {
      const tz = this.ctx.settings().siteTimeZone;
      this.noteViewing(user, kind, id, { camera: f.camera, from: formatInstant(f.startMs, tz), to: formatInstant(f.endMs, tz) });
    } catch (e) {
      closeSync(f.fd);
      throw e;
    }
    return f;
  }

  /** The session's user if its role may do `action` (a transfer outside the JSON calls), else an error. */
  private allowed(token: string | undefined, action: Action): SessionUser {
    const user = authenticate(this.ctx, token);
    if (!may(user.role, action)) throw fail('forbidden', 'server:roleMayNot', { role: user.role, operation: action });
    return user;
  }

  /** One file of a package being verified (any role; the upload must be this session's). */
  async receiveUpload(token: string | undefined, uploadId: string, relPath: string, body: Readable): Promise<{ bytes: number }> {
    const user = this.allowed(token, 'packages.verifyStart');
    return this.uploads.receive(user.sessionId, uploadId, relPath, body);
  }

  /** A package copy Custodian holds, as a zip for the officer to carry to the recipient (audit-logged). */
  openPackageDownload(token: string | undefined, packageId: string): PackageDownload {
    const user = this.allowed(token, 'packages.download');
    return openHeldPackage(actingAs(this.ctx, user), packageId);
  }

  /** A handover receipt (HTML or PDF) for the officer or the DPO, long after the material is gone (audit-logged). */
  async openReceipt(token: string | undefined, handoverId: number, format: 'html' | 'pdf'): Promise<{ path: string; fileName: string; contentType: string }> {
    const user = this.allowed(token, 'receipts.download');
    const ctx = actingAs(this.ctx, user);
    const r = await receiptFile(ctx, handoverId, format);
    audit(ctx, 'receipt.downloaded', { handover: handoverId, incident: r.handover.incident_ref, format });
    return { path: r.path, fileName: `${r.handover.incident_ref}-kvitto-${handoverId}.${format}`, contentType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8' };
  }

  /** Events for this session until the returned function is called. Throws if not logged in. */
  subscribe(token: string | undefined, listener: Listener): () => void {
    const user = authenticate(this.ctx, token, { touch: false });
    const sub: Subscriber = { token, sessionId: user.sessionId, userId: user.userId, role: user.role, listener };
    this.subscribers.add(sub);
    if (may(user.role, 'status')) {
      const current = this.statusEvent();
      if (current) listener(current);
    }
    return () => this.subscribers.delete(sub);
  }

  /**
   * Is this subscriber's session still open, with the role it was opened with? If not, it gets
   * `session-ended` and is dropped. A heartbeat's check: the idle clock does not restart.
   */
  private stillValid(s: Subscriber): boolean {
    let why: Msg | null = null;
    try {
      const u = authenticate(this.ctx, s.token, { touch: false });
      if (u.role !== s.role || u.sessionId !== s.sessionId) why = { key: 'server:sessionRoleChanged' };
    } catch (e) {
      why = isCustodianError(e) && e.msg ? e.msg : { key: 'server:sessionEnded' };
      if (!isCustodianError(e)) this.options.onInternalError?.('session check', e);
    }
    if (why === null) return true;
    this.subscribers.delete(s);
    safeDeliver(s.listener, { type: 'session-ended', reason: english(why), msg: why });
    return false;
  }

  /**
   * Ends the event streams of sessions that have ended or whose user has another role. Cheap (two
   * indexed reads per open stream); the server runs it every second, and the API after the
   * operations that end other users' sessions.
   */
  recheckSubscribers(): void {
    for (const s of [...this.subscribers]) this.stillValid(s);
  }

  private emitToUser(userId: number, event: ApiEvent): void {
    for (const s of [...this.subscribers]) if (s.userId === userId && this.stillValid(s)) safeDeliver(s.listener, event);
  }

  private forgetSession(sessionId: number): void {
    this.viewed.delete(sessionId);
    for (const s of this.subscribers) {
      if (s.sessionId === sessionId) {
        safeDeliver(s.listener, { type: 'session-ended', reason: 'logged out', msg: { key: 'server:loggedOut' } });
        this.subscribers.delete(s);
      }
    }
  }

  private statusEvent(): Extract<ApiEvent, { type: 'status' }> | null {
    try {
      const now = this.ctx.now();
      const incidents = listIncidents(this.ctx.db);
      const next = nextDueMs(this.ctx);
      return {
        type: 'status',
        alarms: openAlarms(this.ctx).length,
        blocking: blockingAlarms(this.ctx).length,
        rootsOffline: listRoots(this.ctx.db).filter((r) => r.online !== 1).length,
        nextDeletion: next === null ? null : formatInstant(next, this.ctx.settings().siteTimeZone),
        openIncidents: incidents.filter((i) => i.status === 'open' || i.status === 'archived').length,
        overdueIncidents: incidents.filter((i) => isOverdue(i, now)).length,
      };
    } catch (e) {
      this.options.onInternalError?.('status event', e);
      return null;
    }
  }

  /**
   * Pushes a status event to those who may see the status, when it changed since the last push.
   * The server calls this on a timer; cheap (no scan of the segment index).
   */
  pushStatus(): void {
    const ev = this.statusEvent();
    if (!ev) return;
    const text = JSON.stringify(ev);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    for (const s of [...this.subscribers]) if (may(s.role, 'status') && this.stillValid(s)) safeDeliver(s.listener, ev);
  }

  /**
   * Pushes an `incident` event for each incident whose status, clips or packages changed since
   * the last look — whoever changed it: this process, or the service archiving in another one.
   * Read from the database (one small query), so the server can call it every second. Officers
   * and the DPO get them; HR reads only its share and reloads on its own.
   */
  pushIncidents(): void {
    let rows;
    try {
      rows = incidentProgress(this.ctx.db);
    } catch (e) {
      this.options.onInternalError?.('incident events', e);
      return;
    }
    const first = this.lastIncidents === null;
    const seen = new Map<string, string>();
    const changed: Extract<ApiEvent, { type: 'incident' }>[] = [];
    for (const r of rows) {
      const text = `${r.status}|${r.clips}|${r.complete}|${r.failed}|${r.packages}`;
      seen.set(r.ref, text);
      if (!first && this.lastIncidents?.get(r.ref) !== text) changed.push({ type: 'incident', ref: r.ref, status: r.status, clips: r.clips, complete: r.complete, failed: r.failed, packages: r.packages });
    }
    this.lastIncidents = seen;
    if (changed.length === 0) return;
    for (const s of [...this.subscribers]) {
      if (s.role === 'hr' || !may(s.role, 'incidents.show') || !this.stillValid(s)) continue;
      for (const ev of changed) safeDeliver(s.listener, ev);
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Drops every subscriber and what was remembered; the Ctx stays open (its owner closes it). */
  close(): void {
    for (const s of this.subscribers) safeDeliver(s.listener, { type: 'session-ended', reason: english({ key: 'server:serverStopping' }), msg: { key: 'server:serverStopping' } });
    this.subscribers.clear();
    this.viewed.clear();
    this.uploads.close();
  }
}

function invalidRequest(schema: z.ZodType, input: unknown, error: z.ZodError): Error {
  const msg = requestIssues(schema, input, error);
  return fail('invalid_request', msg.key, msg.params);
}

function safeDeliver(listener: Listener, event: ApiEvent): void {
  try {
    listener(event);
  } catch {
    // a subscriber that cannot take an event (closed connection) is pruned by its owner
  }
}
