/**
 * The handlers of the access-request operations (issue 14), merged into the handler map
 * (core/api/handlers.ts). Each calls the workflow in core/access-requests/ and answers the views
 * of common/api/requests.ts; long work (archiving a mark, proposing tracks, burning masks,
 * writing the package) pushes progress events to the officer's streams.
 */
import type { ParsedRequestOf } from '../../common/api/contract.js';
import type { RequestMasksSummary, RequestMasksView } from '../../common/api/requests.js';
import type { RequestTask } from '../../common/api/types.js';
import { formatInstant, parseUserTime } from '../../common/time.js';
import { deliverAnswer, packageChunk, prepareAnswer, withdrawRequest, answerLetter, type CloseResult } from '../access-requests/answer.js';
import { addWindow, createRequest, extendRequest, findRequest, requests, type WindowSpec } from '../access-requests/intake.js';
import { maskState, proposeMasks, renderMasked, saveMasks } from '../access-requests/masking.js';
import { clipView, register, REGISTER_COLUMNS, requestDetail, requestSummary } from '../access-requests/register.js';
import { markNotFound, markSpan, requestClip, unmarkClip } from '../access-requests/review.js';
import type { Ctx } from '../context.js';
import { downloadChunk } from '../logs.js';
import type { CallContext, HandlerMap } from './handlers.js';

function ms(ctx: Ctx, value: number | string): number {
  return typeof value === 'number' ? value : parseUserTime(value, ctx.settings().siteTimeZone);
}

function windowOf(ctx: Ctx, w: { cameras: string[]; from: number | string; to: number | string }): WindowSpec {
  return { cameras: w.cameras, fromMs: ms(ctx, w.from), toMs: ms(ctx, w.to) };
}

function closeView(ctx: Ctx, r: CloseResult): ReturnType<HandlerMap['requests.deliver']> {
  return { request: requestDetail(ctx, r.request), deleted: r.deletion.deleted, failed: r.deletion.failed, holdsReleased: r.holdsReleased };
}

function masksView(ctx: Ctx, ref: string, clipId: number): RequestMasksView {
  const r = findRequest(ctx, ref);
  const clip = requestClip(ctx, r, clipId);
  const st = maskState(ctx, r, clip);
  const v = clipView(ctx, r, clip);
  return { ref: r.ref, clip: clip.id, set: st.set, summary: v.masks, masked: v.masked };
}

/** The work a request's operations report progress for, per reference. */
function progress(call: CallContext, task: RequestTask, ref: string): (fraction: number, label?: string) => void {
  return (fraction, label = '') => call.emit({ type: 'progress', task, ref, fraction, label });
}

/** Open requests first (the one due soonest on top), then the rest, newest first. */
function order(a: ReturnType<typeof requestSummary>, b: ReturnType<typeof requestSummary>): number {
  const open = (x: typeof a): number => (x.status === 'open' || x.status === 'ready' ? 0 : 1);
  return open(a) - open(b) || (open(a) === 0 ? a.dueMs - b.dueMs : b.receivedMs - a.receivedMs);
}

export const requestHandlers: Pick<
  HandlerMap,
  | 'requests.list'
  | 'requests.show'
  | 'requests.create'
  | 'requests.addWindow'
  | 'requests.extend'
  | 'requests.mark'
  | 'requests.unmark'
  | 'requests.notFound'
  | 'requests.masks'
  | 'requests.propose'
  | 'requests.saveMasks'
  | 'requests.render'
  | 'requests.answer'
  | 'requests.deliver'
  | 'requests.withdraw'
  | 'requests.letter'
  | 'requests.package'
  | 'requests.register'
  | 'requests.download'
> = {
  'requests.list': (call) => ({ requests: requests(call.ctx).map((r) => requestSummary(call.ctx, r)).sort(order) }),
  'requests.show': (call, req) => requestDetail(call.ctx, findRequest(call.ctx, req.ref)),
  'requests.create': (call, req) => {
    const r = createRequest(call.ctx, {
      receivedMs: ms(call.ctx, req.received),
      name: req.name,
      contact: req.contact,
      identityCheckedBy: req.identityCheckedBy,
      identityMethod: req.identityMethod,
      description: req.description,
      language: req.language,
      windows: req.windows.map((w) => windowOf(call.ctx, w)),
    });
    return { request: requestDetail(call.ctx, r.request), warnings: r.warnings };
  },
  'requests.addWindow': (call, req) => {
    const r = addWindow(call.ctx, req.ref, windowOf(call.ctx, req));
    return { request: requestDetail(call.ctx, r.request), warnings: r.warnings };
  },
  'requests.extend': (call, req: ParsedRequestOf<'requests.extend'>) =>
    requestDetail(call.ctx, extendRequest(call.ctx, req.ref, { reason: req.reason, toldMs: ms(call.ctx, req.told), untilMs: req.until === undefined ? undefined : ms(call.ctx, req.until) })),
  'requests.mark': async (call, req) => {
    const ref = findRequest(call.ctx, req.ref).ref;
    const m = await markSpan(call.ctx, ref, { camera: req.camera, fromMs: ms(call.ctx, req.from), toMs: ms(call.ctx, req.to) }, (f) => progress(call, 'request-mark', ref)(f, req.camera));
    const tz = call.ctx.settings().siteTimeZone;
    return { request: requestDetail(call.ctx, m.request), gaps: m.gaps.map((g) => ({ camera: g.camera, from: formatInstant(g.fromMs, tz), to: formatInstant(g.toMs, tz) })) };
  },
  'requests.unmark': async (call, req) => {
    const r = await unmarkClip(call.ctx, req.ref, req.clip, req.reason);
    return { request: requestDetail(call.ctx, r.request), deleted: r.deleted, failed: r.failed, holdsReleased: 0 };
  },
  'requests.notFound': (call, req) => requestDetail(call.ctx, markNotFound(call.ctx, req.ref, req.note)),
  'requests.masks': (call, req) => masksView(call.ctx, req.ref, req.clip),
  'requests.propose': async (call, req) => {
    const ref = findRequest(call.ctx, req.ref).ref;
    await proposeMasks(call.ctx, ref, req.clip, (p) => progress(call, 'request-propose', ref)(p.fraction, `${p.framesDone}/${p.framesTotal}`));
    const v = masksView(call.ctx, ref, req.clip);
    // Just saved by proposeMasks: there is a summary.
    return { ...v, summary: v.summary as RequestMasksSummary };
  },
  'requests.saveMasks': async (call, req) => {
    await saveMasks(call.ctx, req.ref, req.clip, { tracks: req.tracks, keep: req.keep });
    return masksView(call.ctx, req.ref, req.clip);
  },
  'requests.render': async (call, req) => {
    const ref = findRequest(call.ctx, req.ref).ref;
    await renderMasked(call.ctx, ref, req.clip, (f) => progress(call, 'request-render', ref)(f));
    return masksView(call.ctx, ref, req.clip);
  },
  'requests.answer': async (call, req) => {
    const ref = findRequest(call.ctx, req.ref).ref;
    const phases = { copy: [0, 0.6], hash: [0.6, 0.8], sign: [0.8, 0.85], zip: [0.85, 1] } as const;
    const r = await prepareAnswer(call.ctx, ref, {
      onProgress: (p) => {
        const [a, b] = phases[p.phase];
        progress(call, 'request-answer', ref)(a + (b - a) * (p.total > 0 ? p.done / p.total : 1), p.phase);
      },
    });
    return requestDetail(call.ctx, r.request);
  },
  'requests.deliver': async (call, req) => closeView(call.ctx, await deliverAnswer(call.ctx, req.ref, { method: req.method, note: req.note })),
  'requests.withdraw': async (call, req) => closeView(call.ctx, await withdrawRequest(call.ctx, req.ref, req.reason)),
  'requests.letter': async (call, req) => {
    const l = await answerLetter(call.ctx, req.ref);
    return { filename: l.fileName, contentType: 'application/pdf', base64: l.bytes.toString('base64') };
  },
  'requests.package': (call, req) => {
    const c = packageChunk(call.ctx, req.ref, req.offset ?? 0);
    return { filename: c.fileName, contentType: 'application/zip', base64: c.bytes.toString('base64'), size: c.size, offset: c.offset, next: c.next };
  },
  'requests.register': (call) => ({ requests: register(call.ctx) }),
  'requests.download': (call, req) => {
    const ctx = call.ctx;
    return downloadChunk(register(ctx), REGISTER_COLUMNS, { format: req.format, first: true, last: true, next: null, name: 'access-requests', now: ctx.now(), tz: ctx.settings().siteTimeZone });
  },
};
