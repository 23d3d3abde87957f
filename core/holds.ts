/**
 * Holds keep a camera's recordings in a time window from deletion. Incidents and access requests
 * create holds through addHold, the one function that does it.
 */
import { failure } from '../common/errors.js';
import { requestOfHold } from '../db/access-requests.js';
import { getCamera } from '../db/cameras.js';
import { getHold, insertHold, listHolds, pinCoveredSegments, releaseHold, unpinHold, type HoldRow } from '../db/holds.js';
import { audit } from './audit.js';
import { writeHoldCopies } from './hold-copies.js';
import type { Ctx } from './context.js';

export interface HoldSpec {
  readonly cameras: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly reason: string;
  readonly source?: 'manual' | 'incident' | 'access-request';
  readonly sourceRef?: string | null;
}

export function addHold(ctx: Ctx, spec: HoldSpec): HoldRow {
  if (spec.cameras.length === 0) throw failure('invalid_request', 'incident:holdNoCamera');
  if (!(spec.toMs > spec.fromMs)) throw failure('invalid_request', 'incident:holdWindow');
  if (spec.reason.trim().length < 3) throw failure('invalid_request', 'incident:holdReason');
  for (const c of spec.cameras) {
    if (!getCamera(ctx.db, c)) throw failure('not_found', 'incident:errNoCamera', { camera: c });
  }
  const row = ctx.db.transaction(() => {
    const id = insertHold(ctx.db, {
      fromMs: spec.fromMs,
      toMs: spec.toMs,
      reason: spec.reason.trim(),
      source: spec.source ?? 'manual',
      sourceRef: spec.sourceRef ?? null,
      createdMs: ctx.now(),
      createdBy: ctx.actor.name,
      cameras: spec.cameras,
    });
    // The recordings it covers now are pinned: the hold follows them if a folder is renamed.
    // Ones a sweep has marked stay marked: the sweep checks holds again under the write lock
    // before each unlink, and a marked one that an interrupted sweep already unlinked is then
    // recorded as deleted before this hold, not mistaken for a recording that vanished.
    const pinned = pinCoveredSegments(ctx.db, id, spec.cameras, spec.fromMs, spec.toMs, ctx.settings().maxSegmentMinutes * 60_000);
    audit(ctx, 'hold.added', { ...(spec.source === 'incident' ? { incident: spec.sourceRef } : {}), ...(spec.source === 'access-request' ? { request: spec.sourceRef } : {}), hold: id, cameras: spec.cameras, fromMs: spec.fromMs, toMs: spec.toMs, reason: spec.reason, source: spec.source ?? 'manual', sourceRef: spec.sourceRef ?? null, pinned });
    return getHold(ctx.db, id) as HoldRow;
  }).immediate();
  writeHoldCopies(ctx);
  return row;
}

export function releaseHoldById(ctx: Ctx, id: number, reason: string): HoldRow {
  const h = getHold(ctx.db, id);
  if (!h) throw failure('not_found', 'incident:holdNotFound', { hold: id });
  if (h.released_ms !== null) throw failure('conflict', 'incident:holdReleased', { hold: id, by: h.released_by ?? { key: 'core:someone' } });
  if (reason.trim().length < 3) throw failure('invalid_request', 'incident:holdReleaseReason');
  // An access request's hold keeps the requester's footage until the request is answered or
  // withdrawn, or the review found none (issue 14): nobody releases it before that.
  const request = h.source === 'access-request' ? requestOfHold(ctx.db, id) : undefined;
  if (request && (request.status === 'open' || request.status === 'ready') && request.outcome !== 'not-found') {
    throw failure('refused_by_safety_rule', 'requests:err.holdOpen', { hold: id, ref: request.ref });
  }
  ctx.db.transaction(() => {
    releaseHold(ctx.db, id, ctx.actor.name, reason.trim(), ctx.now());
    unpinHold(ctx.db, id);
    audit(ctx, 'hold.released', { ...(h.source === 'incident' ? { incident: h.source_ref } : {}), ...(request ? { request: request.ref } : {}), hold: id, reason: reason.trim() });
  })();
  writeHoldCopies(ctx);
  return getHold(ctx.db, id) as HoldRow;
}

export function holds(ctx: Ctx, includeReleased = false): HoldRow[] {
  return listHolds(ctx.db, includeReleased);
}
