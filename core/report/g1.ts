/**
 * G1 "a person may ask for the personal data held about them" (GDPR art. 15, answered within a
 * month, art. 12(3)), for the compliance report's period, from the record of the access requests:
 *  - how many were received;
 *  - each answered in the period: in time (delivered before the deadline that held) or late;
 *  - each extended: until when, why, when the requester was told (an extension recorded, or the
 *    requester told, after the first deadline is a deviation);
 *  - each still open: within its deadline, or overdue;
 *  - each answered or withdrawn whose material is still on disk (clips, masked copies, package
 *    copies Custodian holds: looked for on disk), or whose holds still stand.
 * The verdict is computed from these facts (core/report/facts.ts), like every other clause.
 */
import path from 'node:path';
import type { G1Section } from '../../common/api/requests.js';
import type { FactParams, ReportFactView } from '../../common/api/report.js';
import { getHold } from '../../db/holds.js';
import { filesOf, requestPackageFiles, requestPackagesOf, requestRecordsOf, requestsTouching, windowsOf, type RequestRow } from '../../db/access-requests.js';
import { clockState, daysBetween, effectiveDue, lastDay } from '../access-requests/clock.js';
import type { Ctx } from '../context.js';
import { archiveDir } from '../paths.js';
import { exists } from './disk.js';
import { wall } from './facts.js';

const g1 = (key: string, params: FactParams, severity: ReportFactView['severity'], refs: string[]): ReportFactView => ({ key: `requests:g1.${key}`, params, severity, refs });

/**
 * Where the request's row disagrees with its last chained record (request_records, which the
 * ledger covers): the row is what the register shows, the record what nobody can rewrite unseen.
 * A difference means the row was changed past Custodian; the facts above rest on the row, so
 * the report says so.
 */
export function recordDifferences(ctx: Ctx, r: RequestRow): string[] | null {
  const last = requestRecordsOf(ctx.db, r.ref).pop();
  if (!last) return null;
  const pairs: [string, unknown, unknown][] = [
    ['status', r.status, last.status],
    ['outcome', r.outcome, last.outcome],
    ['received', r.received_ms, last.received_ms],
    ['due', r.due_ms, last.due_ms],
    ['extended', r.extended_due_ms, last.extended_due_ms],
    ['told', r.extension_told_ms, last.told_ms],
    ['delivered', r.delivered_ms, last.delivered_ms],
    ['withdrawn', r.withdrawn_ms, last.withdrawn_ms],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([k]) => k);
}

/** What of a closed request is still on disk: its files, and package copies Custodian must delete. */
function materialLeft(ctx: Ctx, r: RequestRow): string[] {
  const left: string[] = [];
  const archive = archiveDir(ctx);
  for (const f of filesOf(ctx.db, r.id)) {
    const abs = path.join(archive, ...f.rel_path.split('/'));
    if (f.rel_path !== '' && exists(abs)) left.push(abs);
  }
  const pkgs = requestPackagesOf(ctx.db, r.id);
  const delivered = r.status === 'answered' ? pkgs.filter((p) => p.superseded_ms === null).pop() : undefined;
  for (const p of pkgs) {
    // The delivered copy written elsewhere is the requester's.
    if (delivered && p.id === delivered.id && p.location === 'out') continue;
    for (const f of requestPackageFiles(ctx.db, p.id)) {
      const abs = f.copy === 'zip' ? path.join(path.dirname(p.dir), f.rel_path) : path.join(p.dir, ...f.rel_path.split('/'));
      if (exists(abs)) left.push(abs);
    }
  }
  return left;
}

export function requestsPart(ctx: Ctx, fromMs: number, toMs: number): { section: G1Section; facts: ReportFactView[] } {
  const tz = ctx.settings().siteTimeZone;
  const now = ctx.now();
  const facts: ReportFactView[] = [];
  const rows = requestsTouching(ctx.db, fromMs, toMs);
  const received = rows.filter((r) => r.received_ms >= fromMs && r.received_ms <= toMs);
  const section: G1Section = { received: received.length, answered: 0, inTime: 0, late: 0, extended: 0, overdue: 0, open: 0, withdrawn: 0, materialLeft: 0 };
  if (rows.length === 0) {
    facts.push(g1('none', {}, 'ok', []));
    return { section, facts };
  }
  facts.push(g1('received', { count: received.length }, 'info', received.map((r) => r.ref)));
  for (const r of rows) {
    const due = effectiveDue(r);
    const state = clockState(r, now, tz);
    const base = { ref: r.ref, received: wall(r.received_ms, tz).slice(0, 10), due: lastDay(due, tz) };
    const differs = recordDifferences(ctx, r);
    if (differs === null) facts.push(g1('recordMissing', { ref: r.ref }, 'deviation', [r.ref]));
    else if (differs.length > 0) facts.push(g1('recordDiffers', { ref: r.ref, fields: differs.join(', ') }, 'deviation', [r.ref]));
    if (r.extended_ms !== null && r.extended_ms >= fromMs && r.extended_ms <= toMs) {
      section.extended++;
      const told = r.extension_told_ms ?? r.extended_ms;
      facts.push(g1('extended', { ...base, firstDue: lastDay(r.due_ms, tz), reason: r.extension_reason ?? '', told: wall(told, tz).slice(0, 10) }, 'info', [r.ref]));
      if (r.extended_ms >= r.due_ms || told >= r.due_ms) facts.push(g1('extendedLate', { ...base, firstDue: lastDay(r.due_ms, tz), told: wall(told, tz).slice(0, 10) }, 'deviation', [r.ref]));
    }
    if (r.status === 'answered' && r.delivered_ms !== null && r.delivered_ms >= fromMs && r.delivered_ms <= toMs) {
      section.answered++;
      const days = daysBetween(r.received_ms, r.delivered_ms, tz);
      if (state === 'answered-in-time') {
        section.inTime++;
        facts.push(g1('inTime', { ...base, answered: wall(r.delivered_ms, tz), days, outcome: r.outcome ?? '' }, 'ok', [r.ref]));
      } else {
        section.late++;
        facts.push(g1('late', { ...base, answered: wall(r.delivered_ms, tz), days, daysLate: daysBetween(due - 1, r.delivered_ms, tz) }, 'deviation', [r.ref]));
      }
    }
    if (r.status === 'withdrawn' && r.withdrawn_ms !== null && r.withdrawn_ms >= fromMs && r.withdrawn_ms <= toMs) {
      section.withdrawn++;
      facts.push(g1('withdrawn', { ...base, at: wall(r.withdrawn_ms, tz) }, 'info', [r.ref]));
    }
    if (r.status === 'open' || r.status === 'ready') {
      // Overdue now, or already at the end of the period.
      if (now >= due || toMs >= due) {
        section.overdue++;
        facts.push(g1('overdue', { ...base, days: daysBetween(due - 1, Math.min(now, Math.max(toMs, due)), tz) }, 'deviation', [r.ref]));
      } else {
        section.open++;
        facts.push(g1('open', { ...base, daysLeft: daysBetween(now, due - 1, tz) }, 'info', [r.ref]));
      }
    } else {
      const left = materialLeft(ctx, r);
      if (left.length > 0) {
        section.materialLeft++;
        facts.push(g1('materialLeft', { ref: r.ref, files: left.length, path: left[0] ?? '' }, 'deviation', [r.ref, ...left.slice(0, 3)]));
      }
      for (const w of windowsOf(ctx.db, r.id)) {
        const h = w.hold_id === null ? undefined : getHold(ctx.db, w.hold_id);
        if (h && h.released_ms === null) facts.push(g1('holdLeft', { ref: r.ref, hold: h.id }, 'deviation', [r.ref, `hold #${h.id}`]));
      }
    }
  }
  return { section, facts };
}
