/**
 * Browser mode (`custodian serve`): the API contract over HTTP on 127.0.0.1 only, the renderer's
 * built files, footage by HTTP range, and server-sent events. Every operation goes through
 * CustodianApi (core), which authenticates, checks the permission matrix and parses the request;
 * this layer only carries it: cookie in, cookie out, JSON in, JSON out.
 *
 *   POST /api/<operation>        JSON body → {ok:true,data} | {ok:false,error:{code,message}}
 *   GET  /api/events             text/event-stream: progress, status, session-ended
 *   GET  /media/<segment|clip|request-clip>/<id>   the file, with Range (206), to roles that may see footage
 *   GET  /download/package/<id>       a package copy Custodian holds, as a zip (officers; audit-logged)
 *   GET  /download/receipt/<id>.<html|pdf>   a handover receipt (officers and the DPO)
 *   PUT  /upload/<upload id>?path=P   one file of a package being verified (raw bytes, any role)
 *   GET  /…                      dist-renderer/ (the React UI), index.html for unknown pages
 *
 * start() opens the listener and timers; stop() ends event streams, timers and the listener.
 *
 * Under attack from another program on the same machine (issue 13): logins go through the login
 * gate (core/login-gate.ts) with the OS user behind the socket as the client (server/peer.ts),
 * and a refusal by rate limit is answered 429 with Retry-After; event streams end within a second
 * of their session ending (a role change, a disable, a new password, from here or the command
 * line); a malformed path is answered 400/403/404, never 500, and the log gets one line per burst
 * of such requests (server/burst-log.ts).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { closeSync, createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { API_PREFIX, BODY_LIMIT_BYTES, DOWNLOAD_PREFIX, EVENTS_PATH, HTTP_STATUS, LANG_HEADER, MEDIA_PREFIX, SESSION_COOKIE, UPLOAD_PREFIX, isFootageKind } from '../common/api/http.js';
import { decideRange } from '../common/api/range.js';
import type { ApiEvent, ApiFailure } from '../common/api/types.js';
import type { CustodianError, ErrorCode } from '../common/errors.js';
import { isCustodianError, messageOf } from '../common/errors.js';
import { english, translator, type Language, type Msg } from '../common/i18n/catalog.js';
import { CustodianApi, failure, type CallMeta, type SessionChange } from '../core/api/index.js';
import type { Ctx } from '../core/context.js';
import type { LoginGate } from '../core/login-gate.js';
import { BurstLog } from './burst-log.js';
import { peerClient } from './peer.js';
import { assertLoopbackHost, checkRequest, LOOPBACK_HOST, setSecurityHeaders, SECURITY_HEADERS } from './security.js';

export const DEFAULT_PORT = 4780;

/**
 * A login refused by rate limit is answered after this pause (at most; less when Retry-After is
 * shorter). A program that ignores Retry-After and asks again at once then sends one request a
 * second per connection instead of thousands, and the main thread stays free for signed-in users.
 */
const RATE_LIMITED_PAUSE_MS = 1_000;

export interface ServerOptions {
  readonly ctx: Ctx;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Must be 127.0.0.1; anything else is refused. */
  readonly host?: string;
  /** The renderer's built files; default: dist-renderer/ of this installation, if present. */
  readonly staticDir?: string | null;
  readonly statusIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** How often open event streams are checked against their sessions (default 1 s). */
  readonly sessionCheckMs?: number;
  readonly log?: (line: string) => void;
  /** The login gate; default: the one this process shares. */
  readonly loginGate?: LoginGate;
}

/** dist-renderer/ beside the compiled (dist/server) or source (server/) files. */
export function findRendererDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of [['..'], ['..', '..']]) {
    const dir = path.resolve(here, ...up, 'dist-renderer');
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

const ID_RE = /^[1-9][0-9]{0,14}$/;

function insideFolder(root: string, pathName: string): boolean {
  try {
    const real = realpathSync(path.join(root, pathName));
    return real === root || real.startsWith(root + path.sep);
  } catch {
    return true; // does not exist: the static server answers 404
  }
}

/** A download's file name, for any browser: an ASCII fallback and the UTF-8 name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendFailure(reply: FastifyReply, status: number, body: ApiFailure): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send(body);
}

/** An answer the server makes itself: its sentence worded in `lang`, and as `msg` for the app. */
function sendCode(reply: FastifyReply, code: ErrorCode, msg: Msg, lang: Language, status = HTTP_STATUS[code]): FastifyReply {
  return sendFailure(reply, status, failure(code, translator(lang)(msg), msg));
}

/** A Custodian error as an answer, worded in `lang`. */
function sendError(reply: FastifyReply, e: CustodianError, lang: Language): FastifyReply {
  return sendFailure(reply, HTTP_STATUS[e.code], failure(e.code, e.msg ? translator(lang)(e.msg) : e.message, e.msg));
}

const NOTHING_HERE: Msg = { key: 'server:nothingHere' };
const BAD_PATH: Msg = { key: 'server:badPath' };
const INTERNAL: Msg = { key: 'core:internalAnswer' };


/** An error's HTTP status, from fastify (statusCode) or from the static file server (status). */
function headerLang(request: FastifyRequest): string | undefined {
  const v = request.headers[LANG_HEADER];
  return typeof v === 'string' ? v : undefined;
}

function statusOf(error: { statusCode?: number; status?: unknown }): number {
  if (typeof error.statusCode === 'number') return error.statusCode;
  return typeof error.status === 'number' ? error.status : 500;
}

export class CustodianServer {
  readonly app: FastifyInstance;
  readonly api: CustodianApi;
  private readonly host: string;
  private readonly requestedPort: number;
  private port = 0;
  private readonly streams = new Set<{ end: (msg: Msg) => void }>();
  /** Answers held back (RATE_LIMITED_PAUSE_MS); stop() lets them go at once. */
  private readonly held = new Set<() => void>();
  private statusTimer: NodeJS.Timeout | null = null;
  private sessionTimer: NodeJS.Timeout | null = null;
  private started = false;
  private readonly staticDir: string | null;
  private readonly log: (line: string) => void;
  /** Lines caused by requests (which anyone on this machine can send): one per burst. */
  private readonly burst: BurstLog;

  constructor(private readonly options: ServerOptions) {
    this.host = assertLoopbackHost(options.host ?? LOOPBACK_HOST);
    this.requestedPort = options.port ?? DEFAULT_PORT;
    this.log = options.log ?? (() => undefined);
    this.burst = new BurstLog(this.log);
    this.staticDir = options.staticDir === undefined ? findRendererDir() : options.staticDir;
    this.api = new CustodianApi(options.ctx, {
      onInternalError: (op, e) => this.burst.line(`internal error in ${op}`, () => `internal error in ${op}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      ...(options.loginGate ? { loginGate: options.loginGate } : {}),
    });
    this.app = this.build();
  }

  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }

  private build(): FastifyInstance {
    const app = Fastify({
      logger: false,
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy: false,
      forceCloseConnections: true,
      return503OnClosing: true,
      routerOptions: { maxParamLength: 200 },
      // A URL that is not valid percent-encoding ("/%", "/%E0%A4"): our answer, with our headers.
      frameworkErrors: (error, request, reply) => {
        setSecurityHeaders(reply);
        this.refusedPath(request, error.code);
        return sendCode(reply, 'invalid_request', BAD_PATH, this.langOf(request), 400);
      },
    });
    // Only JSON bodies: a cross-site form (text/plain, urlencoded) is not even parsed.
    app.removeContentTypeParser('text/plain');

    app.addHook('onRequest', async (request, reply) => {
      setSecurityHeaders(reply);
      const refusal = checkRequest(request, this.port);
      if (refusal) return sendCode(reply, 'forbidden', refusal.msg, this.langOf(request), refusal.status);
      return undefined;
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = statusOf(error);
      const lang = this.langOf(request);
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
        return sendCode(reply, 'invalid_request', { key: 'server:tooLarge', params: { kb: BODY_LIMIT_BYTES / 1024 } }, lang, 413);
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
        return sendCode(reply, 'invalid_request', { key: 'server:notJsonType' }, lang, 415);
      }
      if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendCode(reply, 'invalid_request', { key: 'server:emptyBody' }, lang);
      if (isCustodianError(error)) return sendError(reply, error, lang);
      if (status === 400 && request.method === 'POST') return sendCode(reply, 'invalid_request', { key: 'server:notJson' }, lang);
      // The static file server refuses paths it will not resolve ("/.", "//", "/%00", a name too
      // long): a client's mistake or a probe, never an internal error.
      if (status >= 400 && status < 500) {
        this.refusedPath(request, error.code ?? String(status));
        if (status === 404) return sendCode(reply, 'not_found', NOTHING_HERE, lang);
        if (status === 403) return sendCode(reply, 'forbidden', NOTHING_HERE, lang);
        return sendCode(reply, 'invalid_request', BAD_PATH, lang, 400);
      }
      this.burst.line(`internal error on ${request.method} ${request.routeOptions.url ?? '(no route)'}`, () => `internal error on ${request.method} ${request.url.slice(0, 200)}: ${messageOf(error)}`);
      return sendCode(reply, 'internal', INTERNAL, lang);
    });

    void app.register(fastifyCookie);

    app.post<{ Params: { operation: string } }>(`${API_PREFIX}:operation`, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      const operation = request.params.operation;
      // Only a login needs to know who is on the other end (its back-off is per client).
      const lang = headerLang(request);
      const meta: CallMeta = { ...(operation === 'auth.login' ? { client: peerClient(request.raw.socket) } : {}), ...(lang ? { lang } : {}) };
      const outcome = await this.api.call(token, operation, request.body, meta);
      if (outcome.retryAfterSeconds !== undefined) {
        await this.pause(Math.min(RATE_LIMITED_PAUSE_MS, outcome.retryAfterSeconds * 1000));
        reply.header('Retry-After', String(outcome.retryAfterSeconds));
      }
      this.applySession(reply, outcome.session);
      reply.header('Cache-Control', 'no-store');
      if (outcome.result.ok) return reply.code(200).send(outcome.result);
      return sendFailure(reply, HTTP_STATUS[outcome.result.error.code], outcome.result);
    });

    app.get(EVENTS_PATH, (request, reply) => this.events(request, reply));

    // HEAD declared here (not fastify's automatic one, which would read the whole file).
    app.route<{ Params: { kind: string; id: string } }>({ method: ['GET', 'HEAD'], url: `${MEDIA_PREFIX}:kind/:id`, handler: (request, reply) => this.media(request, reply) });

    app.get<{ Params: { id: string } }>(`${DOWNLOAD_PREFIX}package/:id`, (request, reply) => this.packageDownload(request, reply));
    app.get<{ Params: { file: string } }>(`${DOWNLOAD_PREFIX}receipt/:file`, (request, reply) => this.receiptDownload(request, reply));
    // Uploads carry raw bytes of any size (the core counts and bounds them), in their own scope
    // so no other route accepts anything but JSON.
    void app.register(async (scope) => {
      scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
      scope.put<{ Params: { id: string }; Querystring: { path?: string } }>(`${UPLOAD_PREFIX}:id`, (request, reply) => this.upload(request, reply));
    });

    if (this.staticDir) {
      const root = realpathSync(this.staticDir);
      void app.register(fastifyStatic, {
        root,
        // Nothing outside the UI's folder, not even through a link placed inside it.
        allowedPath: (pathName) => insideFolder(root, pathName),
        prefix: '/',
        index: 'index.html',
        dotfiles: 'deny',
        wildcard: true,
        cacheControl: false,
        setHeaders: (res) => void res.header('Cache-Control', 'no-cache'),
      });
    }

    app.setNotFoundHandler((request, reply) => {
      const url = request.url;
      if (url.startsWith('/api/') || url.startsWith('/media/') || url.startsWith(DOWNLOAD_PREFIX) || url.startsWith(UPLOAD_PREFIX) || request.method !== 'GET') {
        return sendCode(reply, 'not_found', NOTHING_HERE, this.langOf(request));
      }
      if (this.staticDir && (request.headers.accept ?? '').includes('text/html')) {
        // A page of the UI opened directly (client-side routes): the UI decides.
        return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').sendFile('index.html');
      }
      if (!this.staticDir && url === '/') {
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send(`${translator(this.langOf(request))('server:noUi')}\n`);
      }
      return sendCode(reply, 'not_found', NOTHING_HERE, this.langOf(request));
    });
    return app;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.held.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.held.add(done);
    });
  }

  /** One log line per burst of refused paths, whatever the paths were. */
  private refusedPath(request: FastifyRequest, why: string): void {
    this.burst.line('refused path', () => `refused a path that cannot be served (${why}): ${request.method} ${JSON.stringify(request.url.slice(0, 120))}`);
  }

  private applySession(reply: FastifyReply, change: SessionChange): void {
    if (!change) return;
    if ('set' in change) {
      reply.setCookie(SESSION_COOKIE, change.set, { httpOnly: true, sameSite: 'strict', path: '/', secure: false });
    } else {
      reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: false });
    }
  }

  private media(request: FastifyRequest<{ Params: { kind: string; id: string } }>, reply: FastifyReply): FastifyReply {
    const { kind, id } = request.params;
    // Nothing from the URL becomes a path: only an id the index knows.
    const lang = this.langOf(request);
    if (!isFootageKind(kind) || !ID_RE.test(id)) return sendCode(reply, 'not_found', NOTHING_HERE, lang);
    let f;
    try {
      f = this.api.openFootage(request.cookies[SESSION_COOKIE], kind, Number(id));
    } catch (e) {
      if (isCustodianError(e)) return sendError(reply, e, lang);
      this.burst.line('media error', () => `media ${kind}/${id}: ${messageOf(e)}`);
      return sendCode(reply, 'internal', { key: 'server:footageUnopened' }, lang);
    }
    reply.header('Cache-Control', 'no-store').header('Accept-Ranges', 'bytes').header('Content-Type', f.contentType).header('Content-Disposition', 'inline');
    const range = decideRange(typeof request.headers.range === 'string' ? request.headers.range : undefined, f.size);
    if (range.kind === 'unsatisfiable') {
      closeSync(f.fd);
      return sendCode(reply.header('Content-Range', `bytes */${f.size}`), 'invalid_request', { key: 'server:rangeOutside' }, lang, 416);
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : f.size - 1;
    const length = f.size === 0 ? 0 : end - start + 1;
    reply.header('Content-Length', String(length));
    if (range.kind === 'partial') reply.code(206).header('Content-Range', `bytes ${start}-${end}/${f.size}`);
    if (request.method === 'HEAD' || length === 0) {
      closeSync(f.fd);
      // No payload: fastify keeps the Content-Length of a HEAD answer.
      return request.method === 'HEAD' ? reply.send() : reply.send('');
    }
    return reply.send(createReadStream('', { fd: f.fd, start, end, autoClose: true }));
  }

  private failed(request: FastifyRequest, reply: FastifyReply, where: string, e: unknown): FastifyReply {
    const lang = this.langOf(request);
    if (isCustodianError(e)) return sendError(reply, e, lang);
    this.log(`${where}: ${messageOf(e)}`);
    return sendCode(reply, 'internal', INTERNAL, lang);
  }

  /** The language answers are worded in: the page's (header), else English (see CustodianApi.language). */
  private langOf(request: FastifyRequest): Language {
    return this.api.language(headerLang(request));
  }

  /** A package copy as a zip, to save onto removable media for the recipient. */
  private packageDownload(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): FastifyReply {
    let d;
    try {
      d = this.api.openPackageDownload(request.cookies[SESSION_COOKIE], request.params.id);
    } catch (e) {
      return this.failed(request, reply, 'package download', e);
    }
    reply.header('Cache-Control', 'no-store').header('Content-Type', 'application/zip').header('Content-Disposition', attachment(d.fileName));
    if (d.size !== null) reply.header('Content-Length', String(d.size));
    return reply.send(d.stream);
  }

  private async receiptDownload(request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const m = /^([1-9][0-9]{0,14})\.(html|pdf)$/.exec(request.params.file);
    if (!m) return sendCode(reply, 'not_found', NOTHING_HERE, this.langOf(request));
    try {
      const r = await this.api.openReceipt(request.cookies[SESSION_COOKIE], Number(m[1]), m[2] === 'pdf' ? 'pdf' : 'html');
      return reply.header('Cache-Control', 'no-store').header('Content-Type', r.contentType).header('Content-Disposition', attachment(r.fileName)).send(createReadStream(r.path));
    } catch (e) {
      return this.failed(request, reply, 'receipt download', e);
    }
  }

  private async upload(request: FastifyRequest<{ Params: { id: string }; Querystring: { path?: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const body = request.body;
    if (!(body instanceof Readable)) return sendCode(reply, 'invalid_request', { key: 'server:notOctetStream' }, this.langOf(request), 415);
    try {
      const r = await this.api.receiveUpload(request.cookies[SESSION_COOKIE], request.params.id, request.query.path ?? '', body);
      return reply.header('Cache-Control', 'no-store').send({ ok: true, data: r });
    } catch (e) {
      body.resume(); // drain what is left, so the answer reaches the client
      return this.failed(request, reply, 'upload', e);
    }
  }

  private events(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    const token = request.cookies[SESSION_COOKIE];
    const raw = reply.raw;
    let open = true;
    let heartbeat: NodeJS.Timeout | null = null;
    let unsubscribe: () => void = () => undefined;
    const write = (text: string): void => {
      if (open) raw.write(text);
    };
    const send = (ev: ApiEvent): void => write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
    const close = (): void => {
      if (!open) return;
      open = false;
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(stream);
      raw.end();
    };
    const stream = {
      end: (msg: Msg): void => {
        if (!open) return;
        send({ type: 'session-ended', reason: english(msg), msg });
        close();
      },
    };
    // The API says when the session has ended (or the role changed): the stream ends with it.
    const deliver = (ev: ApiEvent): void => (ev.type === 'session-ended' ? stream.end(ev.msg ?? { key: 'core:text', params: { text: ev.reason } }) : send(ev));
    try {
      // Subscribing authenticates; headers are written only once we know it may go ahead.
      const pending: ApiEvent[] = [];
      let ready = false;
      unsubscribe = this.api.subscribe(token, (ev) => (ready ? deliver(ev) : pending.push(ev)));
      reply.hijack();
      raw.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      write('retry: 5000\n\n');
      ready = true;
      for (const ev of pending) deliver(ev);
    } catch (e) {
      if (isCustodianError(e)) return sendError(reply, e, this.langOf(request));
      throw e;
    }
    if (!open) return undefined;
    this.streams.add(stream);
    heartbeat = setInterval(() => {
      if (!this.api.sessionAlive(token)) stream.end({ key: 'server:sessionEnded' });
      else write(': ping\n\n');
    }, this.options.heartbeatMs ?? 25_000);
    request.raw.on('close', close);
    return undefined;
  }

  async start(): Promise<{ url: string; port: number }> {
    if (this.started) throw new Error('The server is already started.');
    if (this.staticDir && !statSync(this.staticDir).isDirectory()) throw new Error(`${this.staticDir} is not a folder.`);
    await this.app.listen({ host: this.host, port: this.requestedPort });
    const addr = this.app.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.requestedPort;
    this.started = true;
    this.statusTimer = setInterval(() => {
      if (this.api.subscriberCount > 0) this.api.pushStatus();
    }, this.options.statusIntervalMs ?? 5_000);
    // A session can end in another process (`custodian user set-role` on the command line): every
    // open stream is checked against the database each second.
    this.sessionTimer = setInterval(() => {
      if (this.api.subscriberCount > 0) this.api.recheckSubscribers();
      // Incident pages follow archiving and handovers as they happen, also the service's.
      if (this.api.subscriberCount > 0) this.api.pushIncidents();
    }, this.options.sessionCheckMs ?? 1_000);
    this.log(`serving on ${this.url}${this.staticDir ? '' : ' (no dist-renderer/: API only)'}`);
    return { url: this.url, port: this.port };
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.sessionTimer) clearInterval(this.sessionTimer);
    this.statusTimer = null;
    this.sessionTimer = null;
    for (const s of [...this.streams]) s.end({ key: 'server:serverStopping' });
    for (const release of [...this.held]) release();
    this.api.close();
    await this.app.close();
    this.burst.flush();
    this.started = false;
  }
}
