/**
 * Handover (POLICY P5): material is kept at most until it is formally handed over to the Police,
 * or to HR after an internal investigation. Each audience's package is handed over on its own,
 * with its own receipt (who, to whom, their reference, when, how, which package, its manifest
 * hash and the signing key's fingerprint). The archived material, and every copy of a package
 * Custodian holds, are deleted (each deletion in the deletion log) when no package exported for
 * the incident still waits for its handover — a package that will not be handed over is
 * discarded with a reason — or when the incident is closed. A copy written elsewhere with --out
 * and handed over is the recipient's: it is named on the receipt and left alone.
 *
 * This module decides WHEN the material goes; WHAT goes is core/package-state.ts (copiesToDelete);
 * the deleting, by record, is the deletion door's (core/deletion/incident-material.ts).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentHead } from '../common/api/http.js';
import { failure } from '../common/errors.js';
import { translator, type Language } from '../common/i18n/catalog.js';
import { formatIso, formatWhen } from '../common/i18n/dates.js';
import { actorMsg, methodMsg, organisationMsg } from '../common/i18n/words.js';
import { VERIFY_COMMANDS } from '../common/manifest.js';
import { formatInstant } from '../common/time.js';
import { auditByAction } from '../db/audit.js';
import { getHandover, handoverOfPackage, handoversOf, insertHandover, listHandovers, setReceipts, type HandoverRow } from '../db/handovers.js';
import { closeIncidentRow, getIncident, setIncidentStatus, type IncidentRow } from '../db/incidents.js';
import { findPackage, markPackageDiscarded, packagesOf, type PackageRow } from '../db/packages.js';
import { renderPdf } from '../native/pdf.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { anchorChain, anchorsDir } from './anchors.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { verifyPackageForSite } from './exports.js';
import { deleteIncidentMaterial, deletePackageCopy, type MaterialDeletion } from './deletion/incident-material.js';
import { findIncident } from './incidents.js';
import { copiesToDelete, handedOverReason, packageState, pendingPackages } from './package-state.js';
import type { HandoverRecordView } from '../common/api/types.js';

export const ORGANISATIONS = { police: 'Polismyndigheten', hr: 'HR (intern utredning)' } as const;

export interface HandoverSpec {
  to: string;
  reference: string;
  recipient: string;
  packageDir: string;
  method?: string;
  note?: string;
}

export interface HandoverResult {
  handover: HandoverRow;
  incident: IncidentRow;
  /** What was deleted; null when the material is kept because other packages still wait. */
  deletion: MaterialDeletion | null;
  /** Packages of the incident still waiting for their handover (or a discard). */
  pending: PackageRow[];
  receiptHtml: string;
  receiptPdf: string;
  retried: boolean;
}

async function finishDeletion(ctx: Ctx, inc: IncidentRow, handover: HandoverRow): Promise<MaterialDeletion> {
  const reason = handedOverReason(ctx, inc);
  // The archive and every package copy that must go (the recipients' copies stay).
  const deletion = await deleteIncidentMaterial(ctx, inc, reason, handover.id, copiesToDelete(ctx, inc));
  ctx.db.transaction(() => {
    if (deletion.failed.length === 0) {
      setIncidentStatus(ctx.db, inc.id, 'deleted');
      closeIncidentRow(ctx.db, inc.id, ctx.now(), reason);
    }
    audit(ctx, 'handover.deletion', { incident: inc.ref, handover: handover.id, deleted: deletion.deleted, failed: deletion.failed, foreign: deletion.foreign });
  })();
  const key = `handover-delete:${inc.ref}`;
  if (deletion.failed.length > 0) {
    raiseAlarm(ctx, { kind: 'delete-failed', key, msg: { key: 'alarm:handoverDeleteFailed', params: { ref: inc.ref, count: deletion.failed.length, reason: deletion.failed[0]?.reason ?? '' } }, details: { incident: inc.ref } });
  } else {
    conditionEnded(ctx, key);
  }
  return deletion;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A receipt's words, in the site's language (the `language` setting): the receipt is the organisation's document. */
type Words = (key: string, params?: Record<string, string | number>) => string;
function receiptWords(lang: Language): Words {
  const tr = translator(lang);
  return (key, params) => tr(`evidence:${key}`, params);
}

/**
 * The record chain's signed anchor (the chain head and its signature with the site key), printed
 * on a receipt so a recomputed chain is caught: the head a handover's anchor signed is on paper
 * the recipient keeps (`custodian audit verify --expect SEQ:HASH` checks it later).
 */
export interface ReceiptAnchor {
  /** The chain head the anchor signs (hex). */
  head: string;
  /** The signature over it (base64 or hex, as the records work writes it). */
  signature: string;
  /** When the anchor was made (ISO 8601 with offset). */
  at: string;
}

/** What the anchor made right after handover `h` is called (found again when a receipt is made again). */
const anchorWhy = (h: Pick<HandoverRow, 'id'>): string => `handover #${h.id}`;

/** The anchor made right after this handover, from the record (its signature from the anchor file, if still there). */
export function receiptAnchor(ctx: Ctx, h: HandoverRow): ReceiptAnchor | undefined {
  const ev = auditByAction(ctx.db, 'records.anchored')
    .map((e) => ({ at: e.ts_ms, d: JSON.parse(e.details) as { seq?: number; hash?: string; file?: string; why?: string } }))
    .find((e) => e.d.why === anchorWhy(h));
  if (!ev || ev.d.seq === undefined || ev.d.hash === undefined) return undefined;
  let signature = '—';
  try {
    if (ev.d.file) signature = readFileSync(path.join(anchorsDir(ctx.dataDir), ev.d.file.replace(/\.json$/, '.sig'))).toString('base64');
  } catch {
    // the anchor file is gone: the head is still on the record
  }
  return { head: `${ev.d.seq}:${ev.d.hash}`, signature, at: formatInstant(ev.at, ctx.settings().siteTimeZone) };
}

/** Signs the chain's head right after the handover committed; a chain that does not verify is an alarm, not a stop. */
function anchorHandover(ctx: Ctx, h: Pick<HandoverRow, 'id'>): void {
  try {
    anchorChain(ctx, anchorWhy(h));
  } catch (e) {
    // anchorChain raised the records-broken alarm; the handover stands, its receipt has no anchor.
    audit(ctx, 'handover.anchor-failed', { handover: h.id, error: e instanceof Error ? e.message : String(e) });
  }
}

/** Packages of the incident that still waited when handover `h` was recorded (from the record, so a receipt made again says the same). */
function pendingAt(ctx: Ctx, inc: IncidentRow, h: HandoverRow): PackageRow[] {
  const handed = new Map(handoversOf(ctx.db, inc.id).map((x) => [x.package_id, x.id]));
  return packagesOf(ctx.db, inc.id).filter((p) => {
    if (p.package_id === h.package_id || p.created_ms > h.handed_ms) return false;
    const hid = handed.get(p.package_id);
    if (hid !== undefined && hid < h.id) return false;
    return p.discarded_ms === null || p.discarded_ms > h.handed_ms;
  });
}

function recipientCopy(w: Words, h: HandoverRow, pkg: PackageRow | undefined): string {
  if (h.recipient_copy !== null) {
    const zip = pkg?.zip_path ? w('receiptCopyZip', { path: pkg.zip_path }) : '';
    return w('receiptCopyOut', { path: h.recipient_copy, zip });
  }
  return w('receiptCopyHeld', { path: pkg?.dir ?? '—' });
}

function receiptRows(ctx: Ctx, w: Words, inc: IncidentRow, h: HandoverRow, pkg: PackageRow | undefined, anchor: ReceiptAnchor | undefined): [string, string][] {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const fingerprint = h.key_fingerprint ?? pkg?.key_fingerprint ?? '—';
  return [
    [w('receiptIncident'), `${inc.ref} — ${inc.title}`],
    [w('receiptReason'), `${w(`reason-${inc.reason}`)}: ${inc.justification}`],
    [w('receiptRecipient'), `${translator(s.language)(organisationMsg(h.organisation))}: ${h.recipient}`],
    [w('receiptTheirReference'), h.reference],
    [w('receiptMethod'), translator(s.language)(methodMsg(h.method))],
    [w('receiptTime'), formatWhen(h.handed_ms, tz, s.language, 'dateTimeSeconds')],
    [w('receiptHandedBy'), translator(s.language)(actorMsg(h.recorded_by))],
    [w('receiptPackageId'), h.package_id],
    [w('receiptAudience'), w(`audience-${h.audience}`)],
    [w('receiptManifestSha'), h.manifest_sha256],
    [w('receiptClips'), String(pkg?.files ?? '—')],
    [w('receiptFingerprint'), fingerprint],
    [w('receiptFingerprintHow'), VERIFY_COMMANDS.fingerprint],
    [w('receiptRecipientCopy'), recipientCopy(w, h, pkg)],
    [w('receiptController'), s.controller],
    [w('receiptDpo'), s.dpoContact],
    [w('receiptNote'), h.note ?? ''],
    ...(anchor ? ([[w('receiptAnchor'), `${anchor.head} · ${anchor.signature} · ${formatIso(anchor.at, s.language, 'dateTimeSeconds')}`]] as [string, string][]) : []),
  ];
}

function afterText(ctx: Ctx, w: Words, inc: IncidentRow, h: HandoverRow): string {
  const pending = pendingAt(ctx, inc, h);
  if (pending.length === 0) return w('receiptAfterAll', { controller: ctx.settings().controller });
  return w('receiptAfterPending', { pending: [...new Set(pending.map((x) => w(`audience-${x.audience}`)))].join(', ') });
}

function receiptBase(ctx: Ctx, inc: IncidentRow, h: HandoverRow): string {
  return path.join(ctx.dataDir, 'receipts', `${inc.ref}-handover-${h.id}`);
}

/** Writes the receipt of handover `h` as HTML and PDF (0600) from the record; returns the two paths. */
async function writeReceipts(ctx: Ctx, inc: IncidentRow, h: HandoverRow): Promise<{ html: string; pdf: string }> {
  const dir = path.join(ctx.dataDir, 'receipts');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = receiptBase(ctx, inc, h);
  const pkg = findPackage(ctx.db, h.package_id);
  const anchor = receiptAnchor(ctx, h);
  const lang = ctx.settings().language;
  const w = receiptWords(lang);
  const rows = receiptRows(ctx, w, inc, h, pkg, anchor);
  const after = afterText(ctx, w, inc, h);
  const title = w('receiptTitle');
  // The head (CSP as in the UI, the document stylesheet) is common/api/http.ts's documentHead.
  const html = `<!doctype html><html lang="${lang}"><head>${documentHead(title)}</head>
<body class="receipt"><h1>${esc(title)}</h1><table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
<p>${esc(after)}</p>
<div class="sign"><div>${esc(w('receiptSignedBy'))}</div><div>${esc(w('receiptReceivedBy'))}</div></div></body></html>\n`;
  writeFileSync(`${base}.html`, html, { mode: 0o600 });
  await renderPdf(
    {
      title: w('receiptShortTitle'),
      subtitle: `${inc.ref} — ${translator(lang)(organisationMsg(h.organisation))}`,
      sections: [
        { heading: w('receiptHandover'), table: { columns: ['', ''], rows: rows.map(([k, v]) => [k, v]) } },
        { heading: w('receiptSignatures'), paragraphs: [after], signatureLines: [w('receiptSignedBy'), w('receiptReceivedBy')] },
      ],
      footer: `${ctx.settings().controller} — ${inc.ref}`,
    },
    `${base}.pdf`,
  );
  chmodSync(`${base}.pdf`, 0o600);
  return { html: `${base}.html`, pdf: `${base}.pdf` };
}

/**
 * The receipt of a handover as a file, for downloading from the incident long after the material
 * is gone: the one written at the handover, or, if that file was lost, made again from the record.
 */
export async function receiptFile(ctx: Ctx, handoverId: number, format: 'html' | 'pdf'): Promise<{ path: string; handover: HandoverRow }> {
  const h = getHandover(ctx.db, handoverId);
  if (!h) throw failure('not_found', 'evidence:errNoSuchReceipt', { id: handoverId });
  const stored = format === 'html' ? h.receipt_html : h.receipt_pdf;
  if (stored !== null && existsSync(stored)) return { path: stored, handover: h };
  const inc = getIncident(ctx.db, h.incident_id) as IncidentRow;
  const made = await writeReceipts(ctx, inc, h);
  return { path: format === 'html' ? made.html : made.pdf, handover: h };
}

/**
 * After a handover or a discard: if no package of the incident waits any more and at least one
 * was handed over, the material's time is up (P5): mark it so, and delete it with every copy
 * Custodian holds. Returns null when the material is kept.
 */
async function releaseIfDone(ctx: Ctx, incidentId: number): Promise<MaterialDeletion | null> {
  const inc = getIncident(ctx.db, incidentId) as IncidentRow;
  const handovers = handoversOf(ctx.db, inc.id);
  const last = handovers[handovers.length - 1];
  if (inc.status !== 'archived' || last === undefined || pendingPackages(ctx, inc).length > 0) return null;
  ctx.db.transaction(() => {
    setIncidentStatus(ctx.db, inc.id, 'handed-over');
    audit(ctx, 'incident.handed-over', { incident: inc.ref, handovers: handovers.map((h) => ({ handover: h.id, package: h.package_id, audience: h.audience })) });
  }).immediate();
  return finishDeletion(ctx, getIncident(ctx.db, inc.id) as IncidentRow, last);
}

export async function recordHandover(ctx: Ctx, ref: string, spec: HandoverSpec): Promise<HandoverResult> {
  const inc = findIncident(ctx, ref);
  if (spec.to !== 'police' && spec.to !== 'hr') throw failure('invalid_request', 'evidence:errAudience', { audience: spec.to });
  if (inc.status === 'handed-over') {
    // Every handover is recorded and the deletion did not finish: a retry only finishes it.
    const handovers = handoversOf(ctx.db, inc.id);
    const last = handovers[handovers.length - 1];
    if (last) {
      const deletion = await finishDeletion(ctx, inc, last);
      return { handover: last, incident: findIncident(ctx, ref), deletion, pending: [], receiptHtml: last.receipt_html ?? '', receiptPdf: last.receipt_pdf ?? '', retried: true };
    }
  }
  if (inc.status !== 'archived') throw failure('conflict', 'evidence:errNotArchived', { ref: inc.ref, status: inc.status });
  if (spec.reference.trim().length < 2) throw failure('invalid_request', 'evidence:errReference');
  if (spec.recipient.trim().length < 2) throw failure('invalid_request', 'evidence:errRecipient');
  const verdict = await verifyPackageForSite(ctx, spec.packageDir);
  if (verdict.verdict !== 'valid' || !verdict.manifest) {
    throw failure('refused_by_safety_rule', 'evidence:errNotVerified', { path: spec.packageDir, problems: verdict.problems.map((p) => `${p.file}: ${p.kind}`).join(', ') });
  }
  const m = verdict.manifest;
  if (m.incident.reference !== inc.ref) throw failure('refused_by_safety_rule', 'evidence:errOtherIncident', { other: m.incident.reference, ref: inc.ref });
  if (m.audience !== spec.to) throw failure('refused_by_safety_rule', 'evidence:errOtherAudience', { made: m.audience, to: spec.to });
  const pkg = findPackage(ctx.db, m.packageId);
  // A package this site's key signed but that the record does not know (or knows otherwise) is not ours to hand over.
  if (!pkg || pkg.incident_id !== inc.id || (verdict.manifestSha256 !== null && verdict.manifestSha256 !== pkg.manifest_sha256)) {
    throw failure('refused_by_safety_rule', 'evidence:errUnknownPackage', { id: m.packageId, ref: inc.ref, to: spec.to });
  }
  const tz = ctx.settings().siteTimeZone;
  const existing = handoverOfPackage(ctx.db, pkg.package_id);
  if (existing) throw failure('conflict', 'evidence:errAlreadyHandedOver', { id: pkg.package_id, organisation: existing.organisation, when: formatInstant(existing.handed_ms, tz), reference: existing.reference });
  if (pkg.discarded_ms !== null) throw failure('conflict', 'evidence:errDiscarded', { id: pkg.package_id, when: formatInstant(pkg.discarded_ms, tz), reason: pkg.discard_reason ?? '' });
  const to = spec.to;
  const id = ctx.db.transaction(() => {
    const hid = insertHandover(ctx.db, {
      incident_id: inc.id,
      package_id: pkg.package_id,
      manifest_sha256: pkg.manifest_sha256,
      audience: to,
      organisation: ORGANISATIONS[to],
      recipient: spec.recipient.trim(),
      reference: spec.reference.trim(),
      method: spec.method?.trim() || translator(ctx.settings().language)('evidence:methodInPerson'),
      note: spec.note?.trim() || null,
      handed_ms: ctx.now(),
      recorded_by: ctx.actor.name,
      key_fingerprint: verdict.fingerprint,
      // A copy written elsewhere is the recipient's: named on the receipt, never deleted by Custodian.
      recipient_copy: pkg.location === 'out' ? path.resolve(spec.packageDir) : null,
    });
    audit(ctx, 'handover', { incident: inc.ref, handover: hid, to, audience: to, recipient: spec.recipient, reference: spec.reference, package: pkg.package_id, manifestSha256: pkg.manifest_sha256, keyFingerprint: verdict.fingerprint });
    return hid;
  }).immediate();
  anchorHandover(ctx, { id });
  let handover = getHandover(ctx.db, id) as HandoverRow;
  const receipts = await writeReceipts(ctx, inc, handover);
  setReceipts(ctx.db, id, receipts.html, receipts.pdf);
  handover = getHandover(ctx.db, id) as HandoverRow;
  const deletion = await releaseIfDone(ctx, inc.id);
  return { handover, incident: findIncident(ctx, ref), deletion, pending: pendingPackages(ctx, findIncident(ctx, ref)), receiptHtml: receipts.html, receiptPdf: receipts.pdf, retried: false };
}

export interface DiscardResult {
  package: PackageRow;
  incident: IncidentRow;
  /** Files of the discarded package's copy that were deleted, and those that could not be yet. */
  copy: MaterialDeletion;
  /** The material's deletion, when this discard was the last wait after a handover. */
  deletion: MaterialDeletion | null;
}

/**
 * A package that will not be handed over (made by mistake, the recipient declined): recorded as
 * discarded with a reason (audit-logged), its copy deleted, and the material released if this was
 * the last package waiting after a handover.
 */
export async function discardPackage(ctx: Ctx, packageId: string, reason: string): Promise<DiscardResult> {
  const pkg = findPackage(ctx.db, packageId.trim());
  if (!pkg) throw failure('not_found', 'evidence:errNoSuchPackage', { id: packageId });
  if (reason.trim().length < 10) throw failure('invalid_request', 'evidence:errDiscardReason');
  const st = packageState(ctx, pkg);
  if (st.state === 'handed-over') throw failure('conflict', 'evidence:errDiscardHandedOver', { id: pkg.package_id });
  // Discarded before, its copy not yet all deleted: a retry finishes the deletion.
  if (st.state === 'discarded' && pkg.deleted_ms !== null) throw failure('conflict', 'evidence:errDiscardTwice', { id: pkg.package_id });
  const inc = getIncident(ctx.db, pkg.incident_id) as IncidentRow;
  if (st.state === 'pending') {
    ctx.db.transaction(() => {
      markPackageDiscarded(ctx.db, pkg.id, ctx.now(), ctx.actor.name, reason.trim());
      audit(ctx, 'package.discarded', { incident: inc.ref, package: pkg.package_id, audience: pkg.audience, reason: reason.trim() });
    }).immediate();
  }
  const discarded = findPackage(ctx.db, pkg.package_id) as PackageRow;
  const copy: MaterialDeletion = discarded.deleted_ms === null ? await deletePackageCopy(ctx, discarded, inc, `package discarded: ${discarded.discard_reason ?? reason.trim()}`, null) : { deleted: 0, failed: [], foreign: [] };
  if (copy.failed.length > 0) {
    raiseAlarm(ctx, { kind: 'delete-failed', key: `package-delete:${pkg.package_id}`, msg: { key: 'alarm:discardDeleteFailed', params: { package: pkg.package_id, ref: inc.ref, count: copy.failed.length, reason: copy.failed[0]?.reason ?? '' } }, details: { incident: inc.ref, package: pkg.package_id } });
  } else {
    conditionEnded(ctx, `package-delete:${pkg.package_id}`);
  }
  const deletion = await releaseIfDone(ctx, inc.id);
  return { package: findPackage(ctx.db, pkg.package_id) as PackageRow, incident: getIncident(ctx.db, inc.id) as IncidentRow, copy, deletion };
}

/** The shape the API contract names (common/api/types.ts). */
export type HandoverRecord = HandoverRecordView;

export function handoverLog(ctx: Ctx, sinceMs = 0): HandoverRecord[] {
  const tz = ctx.settings().siteTimeZone;
  return listHandovers(ctx.db, sinceMs).map((h) => ({
    id: h.id,
    incident: h.incident_ref,
    to: h.audience,
    organisation: h.organisation,
    recipient: h.recipient,
    reference: h.reference,
    method: h.method,
    note: h.note,
    handedOver: formatInstant(h.handed_ms, tz),
    recordedBy: h.recorded_by,
    package: h.package_id,
    manifestSha256: h.manifest_sha256,
    keyFingerprint: h.key_fingerprint,
    recipientCopy: h.recipient_copy,
    receiptPdf: h.receipt_pdf,
    receiptHtml: h.receipt_html,
  }));
}

