/**
 * `custodian audit verify`: are the records the DPO relies on whole? The ledger is checked
 * against its rows (core/chain.ts), the horizon events against the site's key, and the chain
 * against every signed anchor in `<data>/anchors/` and any the DPO brings (`--anchor FILE`,
 * `--expect SEQ:HASH`, `--key-fingerprint FP` from a receipt or an earlier report). The first
 * bad record is named; what no signature covers yet (entries after the last anchor) is said.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { auditByAction } from '../db/audit.js';
import { installationOf, ledgerEntry } from '../db/ledger.js';
import { anchorsDir, listAnchorFiles, readAnchor, sitePublicKey, verifyText, type AnchorStatement, type SitePublicKey } from './anchors.js';
import { copyConflicts } from './hold-copies.js';
import { checkLedger, horizonStatement, problem, restoreStatement, sortProblems, type Problem } from './chain.js';
import type { ReadDb } from '../db/open.js';

/** A database (possibly a backup, read-only) and the data folder whose anchors and key judge it. */
export interface RecordsSource {
  readonly db: ReadDb;
  readonly dataDir: string;
}

export interface VerifyOptions {
  /** Anchor files kept elsewhere (a copy the DPO holds). */
  readonly anchors?: readonly string[];
  /** Heads printed on a receipt or report: the chain must have this hash at this entry. */
  readonly expect?: readonly { seq: number; hash: string }[];
  /** The fingerprint the DPO was given: the site key here must be that key. */
  readonly keyFingerprint?: string;
  /**
   * Also compare the online roots' signed hold copies with this database (a copy that knows
   * holds the database lacks, or a newer chain head: the data folder was changed or rolled
   * back). Only for the live database: a backup is older than the copies by nature.
   */
  readonly holdCopies?: boolean;
}

export interface RecordsVerdict {
  readonly ok: boolean;
  readonly installation: string;
  readonly entries: number;
  readonly head: { seq: number; hash: string } | null;
  /** Chained records present, per table (audit, deletions, handovers, handover_receipts). */
  readonly records: Record<string, number>;
  readonly pruned: Record<string, number>;
  readonly keyFingerprint: string | null;
  readonly anchors: {
    readonly checked: number;
    readonly valid: number;
    readonly superseded: number;
    /** Signed by a key this data folder lost (set aside by a signed restore): cannot be checked. */
    readonly unverifiable: number;
    readonly latest: { seq: number; at: string; file: string } | null;
    /** Entries after the newest valid anchor: chained, but no signature covers them yet. */
    readonly unanchored: number;
  };
  readonly problems: Problem[];
  readonly problemCount: number;
  readonly firstBroken: Problem | null;
}

interface SetAside {
  readonly superseded: Set<string>;
  readonly unverifiable: Set<string>;
  readonly problems: Problem[];
}

/**
 * Anchor files a restore set aside, from its signed 'records.restored' event: heads of a history
 * the restored database no longer has, or anchors signed by a key the data folder had lost. A
 * restore event whose signature does not check out sets nothing aside and is named.
 */
function setAside(ctx: RecordsSource, installation: string, key: SitePublicKey | null): SetAside {
  const out: SetAside = { superseded: new Set(), unverifiable: new Set(), problems: [] };
  for (const row of auditByAction(ctx.db, 'records.restored')) {
    let d: { backupHead?: { seq?: unknown; hash?: unknown } | null; atMs?: unknown; supersededAnchors?: unknown; unverifiableAnchors?: unknown; signature?: unknown };
    try {
      d = JSON.parse(row.details) as typeof d;
    } catch {
      d = {};
    }
    const superseded = Array.isArray(d.supersededAnchors) ? d.supersededAnchors.map(String) : [];
    const unverifiable = Array.isArray(d.unverifiableAnchors) ? d.unverifiableAnchors.map(String) : [];
    const statement = restoreStatement(installation, { backupSeq: Number(d.backupHead?.seq ?? 0), backupHash: String(d.backupHead?.hash ?? ''), atMs: Number(d.atMs ?? 0), superseded, unverifiable });
    if (!verifyText(key, statement, String(d.signature ?? ''))) {
      if (superseded.length + unverifiable.length > 0) out.problems.push(problem('restoreUnsigned', { table: 'audit', rowId: row.id }, { id: row.id }));
      continue;
    }
    for (const f of superseded) out.superseded.add(f);
    for (const f of unverifiable) out.unverifiable.add(f);
  }
  return out;
}

export function verifyRecords(ctx: RecordsSource, opts: VerifyOptions = {}): RecordsVerdict {
  const key = sitePublicKey(ctx.dataDir);
  const installation = installationOf(ctx.db).uuid;
  const extra: Problem[] = [];
  if (!key) extra.push(problem('noSiteKey', {}, { file: path.join(ctx.dataDir, 'keys', 'site-public.pem') }));
  else if (opts.keyFingerprint && opts.keyFingerprint.toLowerCase() !== key.fingerprint) extra.push(problem('keyMismatch', {}, { found: key.fingerprint, expected: opts.keyFingerprint }));

  const c = checkLedger(ctx.db, { verifyHorizon: (h) => verifyText(key, horizonStatement(installation, h), h.signature) });
  const headSeq = c.head?.seq ?? 0;
  const aside = setAside(ctx, installation, key);
  extra.push(...aside.problems);

  // Anchors, oldest first: each must match the entry it signed. One that does not means the
  // chain up to it was recomputed; the anchor before it that still matches bounds where.
  const dir = anchorsDir(ctx.dataDir);
  const files = [...listAnchorFiles(dir), ...(opts.anchors ?? []).map((f) => path.resolve(f))];
  const good: AnchorStatement[] = [];
  let checked = 0;
  let supersededCount = 0;
  const read = files.map((f) => readAnchor(f, key)).sort((a, b) => (a.ok ? a.statement.seq : 0) - (b.ok ? b.statement.seq : 0));
  let lastMatching = 0;
  let unverifiableCount = 0;
  for (const a of read) {
    checked++;
    const file = path.basename(a.file);
    if (aside.unverifiable.has(file)) {
      unverifiableCount++;
      continue;
    }
    if (!a.ok) {
      if (key) extra.push(problem(a.reason === 'damaged' ? 'anchorDamaged' : 'anchorSignature', {}, { file }));
      continue;
    }
    const st = a.statement;
    if (st.installation !== installation) {
      extra.push(problem('anchorForeign', {}, { file, installation: st.installation }));
      continue;
    }
    if (aside.superseded.has(file)) {
      supersededCount++;
      continue;
    }
    const entry = st.seq <= headSeq ? ledgerEntry(ctx.db, st.seq) : undefined;
    if (st.seq > headSeq) extra.push(problem('tailCut', { seq: headSeq + 1 }, { file, at: st.at, seq: st.seq, head: headSeq }));
    else if (!entry) continue; // a gap there is already named by the chain check
    else if (entry.hash !== st.hash) extra.push(problem('rewritten', { seq: lastMatching + 1 }, { file, at: st.at, seq: st.seq, after: lastMatching }));
    else {
      good.push(st);
      lastMatching = Math.max(lastMatching, st.seq);
    }
  }
  // Every anchor the chain says was made must still be there (deleting one hides a rewrite).
  for (const row of auditByAction(ctx.db, 'records.anchored')) {
    let file = '';
    try {
      file = String((JSON.parse(row.details) as { file?: unknown }).file ?? '');
    } catch {
      continue;
    }
    if (file && !existsSync(path.join(dir, file))) extra.push(problem('anchorMissing', { seq: null, table: 'audit', rowId: row.id }, { file, id: row.id }));
  }
  for (const x of opts.expect ?? []) {
    const entry = ledgerEntry(ctx.db, x.seq);
    if (entry?.hash !== x.hash.toLowerCase()) extra.push(problem('expectMismatch', { seq: x.seq }, { seq: x.seq, found: entry?.hash ?? '—', expected: x.hash }));
  }

  if (opts.holdCopies) extra.push(...copyConflicts(ctx.db, ctx.dataDir));

  const problems = sortProblems([...c.problems, ...extra]);
  const latest = good.sort((a, b) => a.seq - b.seq).at(-1);
  const latestFile = latest ? read.find((a) => a.ok && a.statement === latest)?.file : undefined;
  return {
    ok: problems.length === 0,
    installation,
    entries: c.entries,
    head: c.head,
    records: c.records,
    pruned: c.pruned,
    keyFingerprint: key?.fingerprint ?? null,
    anchors: {
      checked,
      valid: good.length,
      superseded: supersededCount,
      unverifiable: unverifiableCount,
      latest: latest ? { seq: latest.seq, at: latest.at, file: latestFile ?? '' } : null,
      unanchored: headSeq - (latest?.seq ?? 0),
    },
    problems,
    problemCount: c.problemCount + extra.length,
    firstBroken: problems[0] ?? null,
  };
}
