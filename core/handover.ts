/**
 * Handover (POLICY P5): material is kept at most until it is formally handed over to the Police,
 * or to HR after an internal investigation. The handover is recorded (who, to whom, their
 * reference, when, how, which package and its manifest hash), a receipt is printed, and then the
 * archived material is deleted, each deletion in the deletion log.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentHead } from '../common/api/http.js';
import { CustodianError } from '../common/errors.js';
import { formatInstant } from '../common/time.js';
import { handoverOf, insertHandover, listHandovers, setReceipts, type HandoverRow } from '../db/handovers.js';
import { setIncidentStatus, closeIncidentRow, type IncidentRow } from '../db/incidents.js';
import { findPackage } from '../db/packages.js';
import { sha256File } from '../native/hash.js';
import { renderPdf } from '../native/pdf.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { verifyPackageForSite } from './exports.js';
import { deleteIncidentMaterial, type MaterialDeletion } from './deletion/incident-material.js';
import { findIncident } from './incidents.js';
import { siteKeys } from './site.js';
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
  deletion: MaterialDeletion;
  receiptHtml: string;
  receiptPdf: string;
  retried: boolean;
}

async function finishDeletion(ctx: Ctx, inc: IncidentRow, handover: HandoverRow): Promise<MaterialDeletion> {
  const reason = `handed over to ${handover.organisation} (${handover.reference})`;
  // The archive and every package copy Custodian holds go; the handed-over copy is the recipient's.
  const deletion = await deleteIncidentMaterial(ctx, inc, reason, handover.id, handover.package_id);
  ctx.db.transaction(() => {
    if (deletion.failed.length === 0) {
      setIncidentStatus(ctx.db, inc.id, 'deleted');
      closeIncidentRow(ctx.db, inc.id, ctx.now(), reason);
    }
    audit(ctx, 'handover.deletion', { incident: inc.ref, handover: handover.id, deleted: deletion.deleted, failed: deletion.failed, foreign: deletion.foreign });
  })();
  const key = `handover-delete:${inc.ref}`;
  if (deletion.failed.length > 0) {
    raiseAlarm(ctx, { kind: 'delete-failed', key, message: `${inc.ref} was handed over but ${deletion.failed.length} archived file(s) could not be deleted yet (${deletion.failed[0]?.reason ?? ''}). Run the handover command again to finish; the material must not be kept.`, details: { incident: inc.ref } });
  } else {
    conditionEnded(ctx, key);
  }
  return deletion;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function receiptRows(ctx: Ctx, inc: IncidentRow, h: HandoverRow, fingerprint: string, pkgFiles: number): [string, string][] {
  const tz = ctx.settings().siteTimeZone;
  return [
    ['Ärende / Incident', `${inc.ref} — ${inc.title}`],
    ['Skäl / Reason', `${inc.reason}: ${inc.justification}`],
    ['Mottagare / Recipient', `${h.organisation}: ${h.recipient}`],
    ['Mottagarens referens / Their reference', h.reference],
    ['Sätt / Method', h.method],
    ['Tidpunkt / Time', formatInstant(h.handed_ms, tz)],
    ['Överlämnat av / Handed over by', h.recorded_by],
    ['Paket-id / Package id', h.package_id],
    ['Manifestets SHA-256 / Manifest SHA-256', h.manifest_sha256],
    ['Antal klipp / Clips', String(pkgFiles)],
    ['Webbplatsens nyckel (fingeravtryck) / Site key fingerprint', fingerprint],
    ['Personuppgiftsansvarig / Controller', ctx.settings().controller],
    ['Dataskyddsombud / DPO', ctx.settings().dpoContact],
    ['Anteckning / Note', h.note ?? ''],
  ];
}

async function writeReceipts(ctx: Ctx, inc: IncidentRow, h: HandoverRow, pkgFiles: number): Promise<{ html: string; pdf: string }> {
  const dir = path.join(ctx.dataDir, 'receipts');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = path.join(dir, `${inc.ref}-handover-${h.id}`);
  const fingerprint = siteKeys(ctx).fingerprint;
  const rows = receiptRows(ctx, inc, h, fingerprint, pkgFiles);
  const title = 'Kvitto på överlämning av inspelat material / Handover receipt';
  // The head (CSP as in the UI, the document stylesheet) is common/api/http.ts's documentHead.
  const html = `<!doctype html><html lang="sv"><head>${documentHead(title)}</head>
<body class="receipt"><h1>${esc(title)}</h1><table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
<p>Efter överlämningen raderas det arkiverade materialet hos ${esc(ctx.settings().controller)} och raderingen loggas. / After the handover the archived material is deleted and the deletion logged.</p>
<div class="sign"><div>Överlämnat av / Handed over by</div><div>Mottaget av / Received by</div></div></body></html>\n`;
  writeFileSync(`${base}.html`, html, { mode: 0o600 });
  await renderPdf(
    {
      title: 'Kvitto på överlämning / Handover receipt',
      subtitle: `${inc.ref} — ${h.organisation}`,
      sections: [
        { heading: 'Överlämning / Handover', table: { columns: ['', ''], rows: rows.map(([k, v]) => [k, v]) } },
        { heading: 'Underskrifter / Signatures', paragraphs: ['Efter överlämningen raderas det arkiverade materialet och raderingen loggas.'], signatureLines: ['Överlämnat av / Handed over by', 'Mottaget av / Received by'] },
      ],
      footer: `${ctx.settings().controller} — ${inc.ref}`,
    },
    `${base}.pdf`,
  );
  return { html: `${base}.html`, pdf: `${base}.pdf` };
}

export async function recordHandover(ctx: Ctx, ref: string, spec: HandoverSpec): Promise<HandoverResult> {
  const inc = findIncident(ctx, ref);
  if (spec.to !== 'police' && spec.to !== 'hr') throw new CustodianError('invalid_request', `--to must be police or hr, not "${spec.to}".`);
  const existing = handoverOf(ctx.db, inc.id);
  if (existing) {
    if (inc.status === 'handed-over') {
      // A retry: the handover stands, only the deletion is finished.
      const deletion = await finishDeletion(ctx, inc, existing);
      return { handover: existing, incident: findIncident(ctx, ref), deletion, receiptHtml: existing.receipt_html ?? '', receiptPdf: existing.receipt_pdf ?? '', retried: true };
    }
    throw new CustodianError('conflict', `${inc.ref} was already handed over to ${existing.organisation} on ${formatInstant(existing.handed_ms, ctx.settings().siteTimeZone)} (reference ${existing.reference}).`);
  }
  if (inc.status !== 'archived') throw new CustodianError('conflict', `${inc.ref} is ${inc.status}: only an archived and exported incident can be handed over.`);
  if (spec.reference.trim().length < 2) throw new CustodianError('invalid_request', 'Give the recipient\'s reference (--reference: the police report number or the HR case).');
  if (spec.recipient.trim().length < 2) throw new CustodianError('invalid_request', 'Name the person who receives the material (--recipient).');
  const verdict = await verifyPackageForSite(ctx, spec.packageDir);
  if (!verdict.ok || !verdict.manifest) {
    throw new CustodianError('refused_by_safety_rule', `The package at ${spec.packageDir} does not verify (${verdict.problems.map((p) => `${p.file}: ${p.kind}`).join(', ')}); nothing was handed over.`);
  }
  const m = verdict.manifest;
  if (m.incident.reference !== inc.ref) throw new CustodianError('refused_by_safety_rule', `The package is for ${m.incident.reference}, not ${inc.ref}.`);
  if (m.audience !== spec.to) throw new CustodianError('refused_by_safety_rule', `The package was made for ${m.audience}, not ${spec.to}: export one for ${spec.to} first.`);
  const pkg = findPackage(ctx.db, m.packageId);
  if (!pkg) throw new CustodianError('refused_by_safety_rule', `Package ${m.packageId} was not exported by this Custodian; export ${inc.ref} for ${spec.to} first.`);
  const manifestSha = await sha256File(path.join(path.resolve(spec.packageDir), 'manifest.json')).catch(() => pkg.manifest_sha256);
  const id = ctx.db.transaction(() => {
    const hid = insertHandover(ctx.db, {
      incident_id: inc.id,
      package_id: m.packageId,
      manifest_sha256: manifestSha,
      audience: spec.to as 'police' | 'hr',
      organisation: ORGANISATIONS[spec.to as 'police' | 'hr'],
      recipient: spec.recipient.trim(),
      reference: spec.reference.trim(),
      method: spec.method?.trim() || 'personligen / in person',
      note: spec.note?.trim() || null,
      handed_ms: ctx.now(),
      recorded_by: ctx.actor.name,
    });
    setIncidentStatus(ctx.db, inc.id, 'handed-over');
    audit(ctx, 'handover', { incident: inc.ref, handover: hid, to: spec.to, recipient: spec.recipient, reference: spec.reference, package: m.packageId, manifestSha256: manifestSha });
    return hid;
  }).immediate();
  let handover = handoverOf(ctx.db, inc.id) as HandoverRow;
  const receipts = await writeReceipts(ctx, inc, handover, m.files.length);
  setReceipts(ctx.db, id, receipts.html, receipts.pdf);
  handover = handoverOf(ctx.db, inc.id) as HandoverRow;
  const deletion = await finishDeletion(ctx, findIncident(ctx, ref), handover);
  return { handover, incident: findIncident(ctx, ref), deletion, receiptHtml: receipts.html, receiptPdf: receipts.pdf, retried: false };
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
    receiptPdf: h.receipt_pdf,
  }));
}
