/**
 * The machine's own clock: its uptime (CLOCK_BOOTTIME on Linux, GetTickCount64 on Windows) and
 * boot id. Neither moves when the wall clock is set, stepped by NTP, or faked by libfaketime
 * (which fakes the wall and monotonic clocks a process reads, not /proc/uptime): the sweep
 * compares the wall clock against it to see a jump.
 */
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

export interface MachineClock {
  readonly uptimeMs: number;
  readonly bootId: string | null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null; // not Linux: uptime alone tells whether the machine restarted
  }
}

export function machineClock(): MachineClock {
  return { uptimeMs: Math.round(uptime() * 1000), bootId: bootId() };
}

/**
 * For a Custodian whose wall clock is injected (tests that move time on purpose): its machine
 * clock moves forward with every forward move of that clock (never back, as a real uptime), so
 * only a test that says so sees a jump.
 */
export function machineClockFollowing(now: () => number): () => MachineClock {
  const base = machineClock();
  let uptimeMs = base.uptimeMs;
  let last = now();
  return () => {
    const t = now();
    if (t > last) uptimeMs += t - last;
    last = t;
    return { uptimeMs, bootId: base.bootId };
  };
}
