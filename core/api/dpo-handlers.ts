/**
 * The handlers of the DPO's operations (the logs, their downloads, receipts and the compliance
 * report), merged into the handler map (core/api/handlers.ts). Each download chunk is a page of
 * the same keyset query the screen uses, so a log of millions of rows downloads in bounded
 * steps through the ordinary API (browser mode and the desktop app alike).
 */
import type { ParsedRequestOf } from '../../common/api/contract.js';
import type { LogDownloadView } from '../../common/api/report.js';
import { failure } from '../../common/errors.js';
import { may } from '../../common/permissions.js';
import { parseUserTime } from '../../common/time.js';
import type { Ctx } from '../context.js';
import {
  DELETION_LOG_COLUMNS,
  deletionLogPage,
  downloadChunk,
  footageViewsPage,
  HANDOVER_LOG_COLUMNS,
  handoverCsvRow,
  handoverLogEntries,
  handoverReceipt,
  VIEW_COLUMNS,
  type DeletionQuery,
  type ViewQuery,
} from '../logs.js';
import { complianceReport } from '../reports.js';
import type { CallContext, HandlerMap } from './handlers.js';

const CHUNK = 5000;

function ms(ctx: Ctx, value: number | string): number {
  return typeof value === 'number' ? value : parseUserTime(value, ctx.settings().siteTimeZone);
}

type DeletionFields = Pick<ParsedRequestOf<'logs.download'>, 'from' | 'to' | 'reason' | 'kind' | 'camera' | 'root' | 'late'>;

function deletionQuery(ctx: Ctx, req: DeletionFields & { since?: number | string | undefined }): DeletionQuery {
  const from = req.from ?? req.since;
  return {
    ...(from !== undefined ? { fromMs: ms(ctx, from) } : {}),
    ...(req.to !== undefined ? { toMs: ms(ctx, req.to) } : {}),
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
    ...(req.kind !== undefined ? { kind: req.kind } : {}),
    ...(req.camera !== undefined ? { camera: req.camera } : {}),
    ...(req.root !== undefined ? { root: req.root } : {}),
    ...(req.late === true ? { lateOnly: true } : {}),
  };
}

function viewQuery(ctx: Ctx, req: { from?: number | string | undefined; to?: number | string | undefined; user?: string | undefined; camera?: string | undefined }): ViewQuery {
  return {
    ...(req.from !== undefined ? { fromMs: ms(ctx, req.from) } : {}),
    ...(req.to !== undefined ? { toMs: ms(ctx, req.to) } : {}),
    ...(req.user !== undefined ? { user: req.user } : {}),
    ...(req.camera !== undefined ? { camera: req.camera } : {}),
  };
}

/** A cursor for the next download chunk, written by this module and read back only by it. */
function parseAfter(after: string | undefined, shape: 'deletion' | 'view'): { at: number; id: number } | null {
  if (after === undefined) return null;
  const m = shape === 'deletion' ? /^(\d{1,16}):(\d{1,16})$/.exec(after) : /^()(\d{1,16})$/.exec(after);
  if (!m) throw failure('invalid_request', 'server:afterCursor');
  return { at: Number(m[1] || 0), id: Number(m[2]) };
}

async function download(call: CallContext, req: ParsedRequestOf<'logs.download'>): Promise<LogDownloadView> {
  const ctx = call.ctx;
  // One operation for every log: the role must be allowed to read the log it asks for.
  const op = `logs.${req.log}` as const;
  if (!may(call.user.role, op)) throw failure('forbidden', 'server:roleMayNot', { role: call.user.role, operation: op });
  const base = { format: req.format, name: req.log, now: ctx.now(), tz: ctx.settings().siteTimeZone };
  if (req.log === 'deletions') {
    const after = parseAfter(req.after, 'deletion');
    const page = deletionLogPage(ctx, deletionQuery(ctx, req), after, req.limit ?? CHUNK, false);
    const next = page.next ? `${page.next.at}:${page.next.id}` : null;
    return downloadChunk(page.deletions, DELETION_LOG_COLUMNS, { ...base, first: after === null, last: next === null, next });
  }
  if (req.log === 'views') {
    const after = parseAfter(req.after, 'view');
    const page = footageViewsPage(ctx, viewQuery(ctx, req), after?.id ?? 0, req.limit ?? CHUNK, false);
    const next = page.next === null ? null : String(page.next);
    return downloadChunk(page.views, VIEW_COLUMNS, { ...base, first: after === null, last: next === null, next });
  }
  // The handover log is small (one row per handover): one chunk.
  const since = req.from === undefined ? 0 : ms(ctx, req.from);
  const until = req.to === undefined ? Infinity : ms(ctx, req.to);
  const rows = (await handoverLogEntries(ctx, since)).filter((h) => Date.parse(h.handedOver) <= until);
  return downloadChunk(rows.map(handoverCsvRow), HANDOVER_LOG_COLUMNS, { ...base, first: true, last: true, next: null });
}

export const dpoHandlers: Pick<HandlerMap, 'logs.deletions' | 'logs.handovers' | 'logs.views' | 'logs.download' | 'handovers.receipt' | 'reports.compliance'> = {
  'logs.deletions': (call, req) => deletionLogPage(call.ctx, deletionQuery(call.ctx, req), req.after ?? null, req.limit ?? 500, req.totals ?? false),
  'logs.handovers': async (call, req) => ({ handovers: await handoverLogEntries(call.ctx, req.since === undefined ? 0 : ms(call.ctx, req.since)) }),
  'logs.views': (call, req) => footageViewsPage(call.ctx, viewQuery(call.ctx, req), req.after ?? 0, req.limit ?? 500, req.totals ?? false),
  'logs.download': download,
  'handovers.receipt': (call, req) => handoverReceipt(call.ctx, req.id, req.format),
  'reports.compliance': (call, req) =>
    complianceReport(call.ctx, {
      ...(req.from !== undefined ? { fromMs: ms(call.ctx, req.from) } : {}),
      ...(req.to !== undefined ? { toMs: ms(call.ctx, req.to) } : {}),
    }),
};
