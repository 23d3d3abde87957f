/**
 * The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, each event
 * carrying the hash of the one before, so `custodian audit verify` can prove it whole.
 */
import { createHash } from 'node:crypto';
import { insertAudit, iterateAudit, lastAuditHash, type AuditRow } from '../db/audit.js';
import type { Db, ReadDb } from '../db/open.js';
import type { Ctx } from './context.js';

export const GENESIS_HASH = '0'.repeat(64);

function eventHash(prev: string, ts: number, actor: string, action: string, details: string): string {
  return createHash('sha256').update(`${prev}\n${ts}\n${actor}\n${action}\n${details}`).digest('hex');
}

export function appendAuditRaw(db: Db, ts: number, actor: string, action: string, details: unknown): number {
  const body = JSON.stringify(details ?? {});
  const write = db.transaction(() => {
    const prev = lastAuditHash(db) ?? GENESIS_HASH;
    return insertAudit(db, { ts_ms: ts, actor, action, details: body, prev_hash: prev, hash: eventHash(prev, ts, actor, action, body) });
  });
  // IMMEDIATE: two processes appending at once must not both read the same "last hash".
  return db.inTransaction ? write() : write.immediate();
}

export function audit(ctx: Ctx, action: string, details: unknown = {}): number {
  return appendAuditRaw(ctx.db, ctx.now(), ctx.actor.name, action, details);
}

export interface AuditVerdict {
  ok: boolean;
  events: number;
  firstBroken?: { id: number; reason: string };
}

export function verifyAuditChain(db: ReadDb): AuditVerdict {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let n = 0;
  for (const row of iterateAudit(db) as Iterable<AuditRow>) {
    n++;
    if (row.prev_hash !== prev) {
      const reason = row.id !== lastId + 1 ? `event(s) before #${row.id} were removed or reordered` : `event #${row.id} does not follow the one before it (an event was inserted, removed or altered)`;
      return { ok: false, events: n, firstBroken: { id: row.id, reason } };
    }
    const expect = eventHash(row.prev_hash, row.ts_ms, row.actor, row.action, row.details);
    if (expect !== row.hash) {
      return { ok: false, events: n, firstBroken: { id: row.id, reason: `event #${row.id} was altered after it was written` } };
    }
    prev = row.hash;
    lastId = row.id;
  }
  return { ok: true, events: n };
}
