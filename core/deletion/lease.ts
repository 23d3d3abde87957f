/**
 * One sweeper at a time. The lease row names its holder (host, pid and a random token); every
 * chunk of work renews it inside the write transaction that then unlinks, so a sweeper that
 * stalled past its lease (a paused VM, SIGSTOP) and was taken over stops at its next chunk
 * instead of deleting on (the holder string is the fencing token).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dropLease, leaseHolder, renewLease, takeLease } from '../../db/sweeps.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';

export class LeaseLost extends Error {
  constructor() {
    super('the sweep lease was taken over by another process');
  }
}

export class Lease {
  private constructor(
    private readonly ctx: Ctx,
    readonly holder: string,
  ) {}

  private static ttl(ctx: Ctx): number {
    return ctx.settings().sweepLeaseSeconds * 1000;
  }

  /** Takes the lease, or takes it over from a process on this machine that no longer exists. */
  static take(ctx: Ctx): Lease | null {
    const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
    const now = ctx.now();
    if (takeLease(ctx.db, holder, now, Lease.ttl(ctx))) return new Lease(ctx, holder);
    const current = leaseHolder(ctx.db);
    if (!current || !Lease.deadHere(current.holder)) return null;
    const taken = ctx.db
      .transaction(() => {
        if (leaseHolder(ctx.db)?.holder !== current.holder) return false;
        dropLease(ctx.db, current.holder);
        audit(ctx, 'sweep.lease-taken-over', { from: current.holder });
        return takeLease(ctx.db, holder, now, Lease.ttl(ctx));
      })
      .immediate();
    return taken ? new Lease(ctx, holder) : null;
  }

  /** A holder on this machine whose process is gone (killed mid-sweep). */
  private static deadHere(holder: string): boolean {
    const [host, pid] = holder.split(':');
    if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  /** Call inside the write transaction before deleting: throws LeaseLost if another took over. */
  renewOrStop(): void {
    if (!renewLease(this.ctx.db, this.holder, this.ctx.now(), Lease.ttl(this.ctx))) throw new LeaseLost();
  }

  drop(): void {
    dropLease(this.ctx.db, this.holder);
  }
}
