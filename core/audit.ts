/**
 * The audit log: append-only (triggers refuse UPDATE and DELETE), each event chained in the
 * ledger with the deletion and handover records in the transaction that writes it
 * (db/ledger.ts). `custodian audit verify` (core/records.ts) proves the records whole.
 */
import { insertAudit } from '../db/audit.js';
import type { Db, ReadDb } from '../db/open.js';
import { checkLedger } from './chain.js';
import type { Ctx } from './context.js';

export function appendAuditRaw(db: Db, ts: number, actor: string, action: string, details: unknown): number {
  const write = (): number => insertAudit(db, { ts_ms: ts, actor, action, details: JSON.stringify(details ?? {}) });
  // IMMEDIATE: two processes appending at once must not both read the same chain head.
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

export function audit(ctx: Ctx, action: string, details: unknown = {}): number {
  return appendAuditRaw(ctx.db, ctx.now(), ctx.actor.name, action, details);
}

export interface AuditVerdict {
  ok: boolean;
  events: number;
  firstBroken?: { id: number; reason: string };
}

/**
 * What the database alone shows: the chain unbroken and every chained row unchanged and
 * present (unless pruned behind a horizon). It checks no signature: `verifyRecords` in
 * core/records.ts adds the anchors and the horizon signatures, and is what "whole" means to
 * the DPO. `id` names the first bad record's row (or its ledger entry when no row is known).
 */
export function verifyAuditChain(db: ReadDb): AuditVerdict {
  const c = checkLedger(db, {});
  const first = c.problems[0];
  return {
    ok: c.problems.length === 0,
    events: c.records.audit ?? 0,
    ...(first ? { firstBroken: { id: first.rowId ?? first.seq ?? 0, reason: first.text } } : {}),
  };
}
