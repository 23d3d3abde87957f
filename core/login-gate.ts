/**
 * The login gate: what stands between a login request and the slow password hash (issue 13).
 *
 * A password hash (scrypt, 32 MiB, ~0.2 s) takes a thread of libuv's pool and a core. Left
 * alone, forty simultaneous logins for made-up names fill the pool and every file read behind
 * them (a signed-in officer's footage) waits seconds. So, in this process:
 *
 *  - **Hashing slots.** At most `hashing` password hashes run at once (one on a 2-core machine),
 *    whoever asks: logins, new users, new passwords. The pool keeps threads for files.
 *  - **Admission.** At most `hashing + waiting` logins are admitted (hashing or waiting for their
 *    turn); beyond that a login is answered at once with `rate_limited` (HTTP 429, Retry-After),
 *    without touching the database or a hash.
 *  - **One name, one hash at a time.** Logins for the same name are checked in the order they
 *    came, one after the other, and no more are admitted than the name has guesses left before
 *    its lock: a burst of thirty wrong passwords and the right one cannot race past the count.
 *  - **Per-client back-off.** A client (on Linux, the OS user owning the other end of the
 *    socket: server/peer.ts) that has failed `freeFailures` logins waits 1 s, 2 s, 4 s … (at most
 *    `maxBackoffMs`) before its next attempt is looked at; its failures are forgotten after
 *    `forgetMs` without one. Waiting attempts are refused before any hash or database work.
 *  - **Names that are not users** get the same lock as real accounts (5 failures in 15 minutes),
 *    kept here in memory under a keyed hash of the name with a key that exists only in this
 *    process, so the answer to "is it locked?" says nothing about whether the name exists, and
 *    no typed name (which may be a password typed into the wrong field) is ever kept in clear.
 *
 * The count that matters across processes (at most 5 wrong guesses per account per 15 minutes)
 * is in the database (core/users.ts counts an attempt there before hashing it); this gate makes
 * the in-process part fair and bounded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { failure } from '../common/errors.js';

export interface GateLimits {
  /** Password hashes computed at once in this process. */
  readonly hashing: number;
  /** Logins admitted beyond those hashing (waiting for a slot or for their name's turn). */
  readonly waiting: number;
  /** Logins admitted at once from one client. */
  readonly perClient: number;
  /** Failed logins a client may have before it must wait between attempts. */
  readonly freeFailures: number;
  /** The longest wait between one client's attempts. */
  readonly maxBackoffMs: number;
  /** A client's failures are forgotten after this long without one. */
  readonly forgetMs: number;
}

/** One hash on 2 cores, two from 4: libuv's pool has 4 threads, and footage reads need them. */
export const GATE_LIMITS: GateLimits = {
  hashing: Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2))),
  waiting: 8,
  perClient: 3,
  freeFailures: 5,
  maxBackoffMs: 60_000,
  forgetMs: 15 * 60_000,
};

/** How many names that are not users are remembered at most (the oldest go first). */
const MAX_UNKNOWN_NAMES = 10_000;
const MAX_CLIENTS = 1_000;

/** FIFO counting semaphore. */
export class Slots {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(readonly size: number) {}

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.queue.shift()?.();
        });
      };
      if (this.running < this.size) grant();
      else this.queue.push(grant);
    });
  }

  /** Slots taken now. */
  get taken(): number {
    return this.running;
  }

  get busy(): number {
    return this.running + this.queue.length;
  }
}

/** Every password hash in this process takes one of these (logins, users added, new passwords). */
export const hashingSlots = new Slots(GATE_LIMITS.hashing);

export async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  const release = await hashingSlots.acquire();
  try {
    return await work();
  } finally {
    release();
  }
}

/** Failed-login state of one name: the same shape for accounts (in the database) and others. */
export interface AttemptState {
  failures: number;
  lastFailedMs: number | null;
  lockedUntilMs: number | null;
}

interface ClientState {
  admitted: number;
  failures: number;
  lastFailureMs: number;
  notBeforeMs: number;
  throttled: number;
  lastThrottleAuditMs: number;
}

interface NameTurns {
  tail: Promise<void>;
  count: number;
}

/** An admitted login attempt. */
export interface Ticket {
  /** Resolves when the attempts for this name before it are done and a hashing slot is free. */
  turn(): Promise<void>;
  /** Gives the hashing slot back (the hash is done; the rest is quick). */
  hashed(): void;
  /** Ends the attempt. Always called, once. */
  finish(): void;
}

export const rateLimited = (key: string, retryAfterSeconds: number, params: Record<string, string | number> = {}) =>
  failure('rate_limited', key, { seconds: retryAfterSeconds, ...params }, { retryAfterSeconds });

export class LoginGate {
  private readonly key = randomBytes(32);
  private admitted = 0;
  private readonly names = new Map<string, NameTurns>();
  private readonly clients = new Map<string, ClientState>();
  private readonly unknown = new Map<string, AttemptState>();

  constructor(
    readonly limits: GateLimits = GATE_LIMITS,
    private readonly slots: Slots = hashingSlots,
  ) {}

  /**
   * The name as this process knows it: a keyed hash (the key never leaves memory), the same for
   * "Anna" and "anna" as the users table's NOCASE names are.
   */
  nameKey(name: string): string {
    return createHmac('sha256', this.key).update(name.trim().toLowerCase(), 'utf8').digest('base64url');
  }

  private client(client: string, now: number): ClientState {
    let c = this.clients.get(client);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) this.pruneClients(now);
      c = { admitted: 0, failures: 0, lastFailureMs: 0, notBeforeMs: 0, throttled: 0, lastThrottleAuditMs: 0 };
      this.clients.set(client, c);
    }
    if (c.failures > 0 && now - c.lastFailureMs >= this.limits.forgetMs) {
      c.failures = 0;
      c.notBeforeMs = 0;
    }
    return c;
  }

  private pruneClients(now: number): void {
    for (const [k, c] of this.clients) {
      if (c.admitted === 0 && now - c.lastFailureMs >= this.limits.forgetMs) this.clients.delete(k);
    }
  }

  /** Refuses (rate_limited) a client that must wait, or has as many logins going as it may. */
  checkClient(client: string, now: number): void {
    const c = this.client(client, now);
    if (c.notBeforeMs > now) throw rateLimited('server:loginBackoff', Math.ceil((c.notBeforeMs - now) / 1000));
    if (c.admitted >= this.limits.perClient) throw rateLimited('server:loginBusyClient', 1);
  }

  /** A failed login (wrong password, unknown name, locked, disabled) from this client. */
  noteFailure(client: string, now: number): void {
    const c = this.client(client, now);
    c.failures++;
    c.lastFailureMs = now;
    const over = c.failures - this.limits.freeFailures;
    if (over >= 0) c.notBeforeMs = now + Math.min(this.limits.maxBackoffMs, 1000 * 2 ** Math.min(over, 20));
  }

  /**
   * A refusal by rate limit: returns how many were refused since the last one worth an audit
   * event (at most one a minute per client), or 0 when this one is only counted.
   */
  noteThrottled(client: string, now: number): number {
    const c = this.client(client, now);
    c.throttled++;
    if (now - c.lastThrottleAuditMs < 60_000) return 0;
    const n = c.throttled;
    c.throttled = 0;
    c.lastThrottleAuditMs = now;
    return n;
  }

  /** Attempts for this name admitted and not finished. */
  pending(nameKey: string): number {
    return this.names.get(nameKey)?.count ?? 0;
  }

  /** Admits an attempt (or refuses it with rate_limited when the process has enough going). */
  enter(nameKey: string, client: string, now: number): Ticket {
    if (this.admitted >= this.limits.hashing + this.limits.waiting) {
      throw rateLimited('server:loginBusy', Math.max(1, Math.ceil(this.admitted / this.limits.hashing / 4)));
    }
    const c = this.client(client, now);
    c.admitted++;
    this.admitted++;
    const turns = this.names.get(nameKey) ?? { tail: Promise.resolve(), count: 0 };
    turns.count++;
    this.names.set(nameKey, turns);
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const before = turns.tail;
    // The next attempt for this name waits for this one and everything before it.
    turns.tail = before.then(() => mine);
    let release: (() => void) | null = null;
    let finished = false;
    return {
      turn: async () => {
        await before;
        release = await this.slots.acquire();
      },
      hashed: () => {
        release?.();
        release = null;
      },
      finish: () => {
        if (finished) return;
        finished = true;
        release?.();
        release = null;
        done();
        turns.count--;
        if (turns.count === 0 && this.names.get(nameKey) === turns) this.names.delete(nameKey);
        c.admitted--;
        this.admitted--;
      },
    };
  }

  /** The failed-login state of a name that is not a user (a fresh one when unknown). */
  unknownName(nameKey: string): AttemptState {
    return this.unknown.get(nameKey) ?? { failures: 0, lastFailedMs: null, lockedUntilMs: null };
  }

  setUnknownName(nameKey: string, state: AttemptState, now: number, windowMs: number): void {
    this.unknown.delete(nameKey); // re-inserted last: the Map's order is then the age order
    if (this.unknown.size >= MAX_UNKNOWN_NAMES) {
      for (const [k, s] of this.unknown) {
        const live = (s.lastFailedMs !== null && now - s.lastFailedMs < windowMs) || (s.lockedUntilMs !== null && s.lockedUntilMs > now);
        if (!live) this.unknown.delete(k);
      }
      // Still full: forget the oldest. Getting here takes 10,000 hashes, over half an hour at the
      // hashing bound, longer than any lock lasts.
      for (const k of this.unknown.keys()) {
        if (this.unknown.size < MAX_UNKNOWN_NAMES) break;
        this.unknown.delete(k);
      }
    }
    this.unknown.set(nameKey, state);
  }

  /** Logins admitted and not finished (for tests and the bench). */
  get inFlight(): number {
    return this.admitted;
  }
}

/** The gate every API in this process shares unless given its own. */
export const sharedLoginGate = new LoginGate();
