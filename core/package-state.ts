/**
 * Where each package of an incident stands (issue 12: several recipients per incident), and what
 * follows from it: which packages still wait for their handover, which copies must go when the
 * material goes, and the words the deletion log records. Decisions only, from the record; the
 * deleting is the deletion door's (core/deletion/).
 */
import { handoverOfPackage, handoversOf, type HandoverRow } from '../db/handovers.js';
import type { IncidentRow } from '../db/incidents.js';
import { markPackageDiscarded, packagesOf, type PackageRow } from '../db/packages.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export type PackageState = 'pending' | 'handed-over' | 'discarded';

/** Where a package stands: handed over (its handover), discarded, or still waiting. */
export function packageState(ctx: Ctx, pkg: PackageRow): { state: PackageState; handover: HandoverRow | undefined } {
  const handover = handoverOfPackage(ctx.db, pkg.package_id);
  if (handover) return { state: 'handed-over', handover };
  return { state: pkg.discarded_ms !== null ? 'discarded' : 'pending', handover: undefined };
}

/** The incident's packages that still wait for their handover. */
export function pendingPackages(ctx: Ctx, inc: IncidentRow): PackageRow[] {
  return packagesOf(ctx.db, inc.id).filter((p) => packageState(ctx, p).state === 'pending');
}

/**
 * Every package copy that must go with the material: each one Custodian holds in its data
 * folder (the handed-over package's included: the recipient's copy is the one downloaded or
 * carried away), and each one written elsewhere that was never handed over (discarded, or left
 * when the incident closed). A copy written elsewhere with --out and handed over is the
 * recipient's and stays. Packages from before migration 008 (location unknown) keep the old
 * rule: every copy but a handed-over one.
 */
export function copiesToDelete(ctx: Ctx, inc: IncidentRow): PackageRow[] {
  return packagesOf(ctx.db, inc.id).filter((p) => {
    if (p.deleted_ms !== null) return false;
    if (p.location === 'data') return true;
    return packageState(ctx, p).state !== 'handed-over';
  });
}

function recipients(handovers: readonly HandoverRow[]): string {
  return handovers.map((h) => `${h.organisation} (${h.reference})`).join(' and ');
}

/** The deletion log's reason for material that went after its handovers: every recipient, with their reference. */
export function handedOverReason(ctx: Ctx, inc: IncidentRow): string {
  return `handed over to ${recipients(handoversOf(ctx.db, inc.id))}`;
}

/** The deletion log's reason for material that goes because the incident was closed. */
export function closureReason(ctx: Ctx, inc: IncidentRow, reason: string): string {
  const handovers = handoversOf(ctx.db, inc.id);
  if (handovers.length === 0) return `incident closed without handover: ${reason}`;
  return `incident closed after handover to ${recipients(handovers)}: ${reason}`;
}

/** Closing an incident ends every wait: each package still pending is recorded as discarded, with the closing reason. */
export function discardPendingOnClose(ctx: Ctx, inc: IncidentRow, reason: string): void {
  const pending = pendingPackages(ctx, inc);
  if (pending.length === 0) return;
  ctx.db.transaction(() => {
    for (const p of pending) {
      markPackageDiscarded(ctx.db, p.id, ctx.now(), ctx.actor.name, `incident closed: ${reason}`);
      audit(ctx, 'package.discarded', { incident: inc.ref, package: p.package_id, audience: p.audience, reason: `incident closed: ${reason}` });
    }
  }).immediate();
}
