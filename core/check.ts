/**
 * `custodian check`: proves the deletion invariants on a live data folder from the facts, for
 * anyone who doubts the tool — the index against the disk, the deletion log against the holds
 * and the index, every deleted path inside a root, the audit chain. Reads only; changes nothing.
 * Each finding is a code, a severity and examples; a face renders the words.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Msg } from '../common/i18n/catalog.js';
import { retentionDueAt } from '../common/time.js';
import { countInFlight, deletedButIndexed, deletionsUnderHold, duplicateDeletions, heldMissing, iterateLiveSegments, iterateSegmentDeletionPaths } from '../db/check.js';
import { listRoots } from '../db/roots.js';
import { oldestUnheldEnd } from '../db/segments.js';
import { verifyAuditChain } from './audit.js';
import type { Ctx } from './context.js';
import { checkSentinel } from './roots.js';

export type Severity = 'violation' | 'warning' | 'info';

export interface Finding {
  code: string;
  severity: Severity;
  count: number;
  examples: string[];
  msg: Msg;
}

export interface CheckReport {
  ok: boolean;
  findings: Finding[];
  checked: { segments: number; deletions: number; roots: number };
}

const EXAMPLES = 5;

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export function checkInvariants(ctx: Ctx): CheckReport {
  const findings: Finding[] = [];
  const add = (code: string, severity: Severity, count: number, examples: string[], params: Record<string, string | number> = {}): void => {
    if (count > 0) findings.push({ code, severity, count, examples: examples.slice(0, EXAMPLES), msg: { key: `check:${code}`, params: { count, ...params } } });
  };
  const roots = listRoots(ctx.db);
  const online = new Set(roots.filter((r) => checkSentinel(r).online).map((r) => r.id));

  // D1: no recording deleted while a hold covering it was in force.
  const underHold = deletionsUnderHold(ctx.db, 1000);
  add('heldDeleted', 'violation', underHold.length, underHold.map((d) => `${d.path} (hold #${d.hold})`));

  // D8: every deletion recorded once.
  const dups = duplicateDeletions(ctx.db, 1000);
  add('loggedTwice', 'violation', dups.length, dups.map((d) => `${d.path} ×${d.n}`));

  // D3: a recording logged deleted is not on the disk again as the same recording.
  const back = deletedButIndexed(ctx.db, 1000);
  add('deletedButPresent', 'violation', back.length, back.map((d) => d.path));

  // D2: every deleted recording was inside its root.
  const rootPath = new Map(roots.map((r) => [r.id, r.path]));
  let deletions = 0;
  const outside: string[] = [];
  for (const d of iterateSegmentDeletionPaths(ctx.db)) {
    deletions++;
    const rp = d.root_id === null ? undefined : rootPath.get(d.root_id);
    if (rp !== undefined && !inside(d.path, rp)) outside.push(d.path);
  }
  add('deletedOutsideRoot', 'violation', outside.length, outside);

  // The index against the disk (online roots only: an offline root proves nothing either way).
  let segments = 0;
  const gone: string[] = [];
  let goneCount = 0;
  for (const s of iterateLiveSegments(ctx.db)) {
    segments++;
    if (!online.has(s.root_id)) continue;
    const abs = path.join(s.root, ...(s.rel === '' ? [] : s.rel.split('/')), s.name);
    let there = false;
    try {
      there = lstatSync(abs).isFile();
    } catch {
      there = false;
    }
    if (!there) {
      goneCount++;
      if (gone.length < EXAMPLES) gone.push(abs);
    }
  }
  add('indexedButGone', 'warning', goneCount, gone);
  for (const r of roots) if (!online.has(r.id)) add('rootOffline', 'warning', 1, [r.path], { root: r.path });

  // P2: nothing unheld kept past its due time (plus a day of slack for paused sweeps).
  const s = ctx.settings();
  const oldest = oldestUnheldEnd(ctx.db);
  if (oldest !== null) {
    const due = retentionDueAt(oldest, s.retentionMonths, s.siteTimeZone);
    const late = ctx.now() - due;
    if (late > s.sweepIntervalMinutes * 60_000 * 2) add('keptPastDue', 'warning', 1, [new Date(oldest).toISOString()], { hours: Math.round(late / 3_600_000) });
  }

  const inFlight = countInFlight(ctx.db);
  add('deletionInFlight', 'info', inFlight.marked + inFlight.journal, []);
  add('heldMissing', 'warning', heldMissing(ctx.db), []);

  const chain = verifyAuditChain(ctx.db);
  if (!chain.ok) add('auditBroken', 'violation', 1, [chain.firstBroken ? `#${chain.firstBroken.id}: ${chain.firstBroken.reason}` : ''], { detail: chain.firstBroken?.reason ?? '' });

  return { ok: !findings.some((f) => f.severity === 'violation'), findings, checked: { segments, deletions, roots: roots.length } };
}
