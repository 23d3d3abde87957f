import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATE_LIMITS, hashingSlots, LoginGate, Slots } from './login-gate.js';
import { hashPassword } from './users.js';

/** Nice values of this process's threads other than 0 (Linux). */
function nicedThreads(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      if (nice !== 0) out.push(nice);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe('the login gate', () => {
  it('slots are granted in order and never more at once than there are', async () => {
    const slots = new Slots(2);
    const order: number[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const release = await slots.acquire();
        order.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        release();
        release(); // twice is once
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(2);
    expect(slots.busy).toBe(0);
  });

  it('password hashes run at most GATE_LIMITS.hashing at once, in a worker at the lowest CPU priority', async () => {
    let most = 0;
    let niced = 0;
    const timer = setInterval(() => {
      most = Math.max(most, hashingSlots.taken);
      if (nicedThreads().includes(19)) niced++;
    }, 5);
    try {
      const hashes = await Promise.all(Array.from({ length: 3 * GATE_LIMITS.hashing + 1 }, (_, i) => hashPassword(`password number ${i}`)));
      expect(new Set(hashes).size).toBe(hashes.length);
    } finally {
      clearInterval(timer);
    }
    expect(most).toBe(GATE_LIMITS.hashing);
    expect(niced).toBeGreaterThan(0);
  }, 60_000);

  it('admits attempts for one name one after the other, in the order they came, and refuses beyond its bound', async () => {
    const gate = new LoginGate({ ...GATE_LIMITS, hashing: 1, waiting: 3, perClient: 100 });
    const key = gate.nameKey('Anna');
    expect(gate.nameKey(' anna ')).toBe(key);
    expect(gate.nameKey('anna2')).not.toBe(key);
    const tickets = Array.from({ length: 4 }, (_, i) => gate.enter(key, `c${i}`, 0));
    expect(gate.pending(key)).toBe(4);
    expect(() => gate.enter(gate.nameKey('other'), 'c9', 0)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    const turns: number[] = [];
    const done = tickets.map(async (t, i) => {
      await t.turn();
      turns.push(i);
      await new Promise((r) => setTimeout(r, 2));
      t.hashed();
      t.finish();
    });
    await Promise.all(done);
    expect(turns).toEqual([0, 1, 2, 3]);
    expect(gate.pending(key)).toBe(0);
    expect(gate.inFlight).toBe(0);
  });

  it('a client is limited in attempts at once and backs off after its free failures; failures are forgotten later', () => {
    const gate = new LoginGate({ ...GATE_LIMITS, perClient: 2, freeFailures: 2, maxBackoffMs: 4_000, forgetMs: 60_000 });
    const a = gate.enter(gate.nameKey('x'), 'os:eve', 0);
    gate.enter(gate.nameKey('y'), 'os:eve', 0);
    expect(() => gate.checkClient('os:eve', 0)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    expect(() => gate.checkClient('os:anna', 0)).not.toThrow();
    a.finish();
    expect(() => gate.checkClient('os:eve', 0)).not.toThrow();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      gate.noteFailure('os:bob', 1000 * i);
      try {
        gate.checkClient('os:bob', 1000 * i);
        waits.push(0);
      } catch (e) {
        waits.push((e as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds);
      }
    }
    expect(waits).toEqual([0, 1, 2, 4, 4, 4]);
    expect(() => gate.checkClient('os:bob', 5_000 + 60_000)).not.toThrow();
  });
});
