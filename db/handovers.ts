/** The handover log (append-only: triggers refuse rewriting who, to whom, what and when). One row per package. */
import { chainInserted, insertChained } from './ledger.js';
import { stmt, type Db, type ReadDb } from './open.js';

export interface HandoverRow {
  id: number;
  incident_id: number;
  package_id: string;
  manifest_sha256: string;
  audience: 'police' | 'hr' | 'data-subject';
  organisation: string;
  recipient: string;
  reference: string;
  method: string;
  note: string | null;
  handed_ms: number;
  recorded_by: string;
  receipt_html: string | null;
  receipt_pdf: string | null;
  /** The signing key's fingerprint the package was verified against (migration 008). */
  key_fingerprint: string | null;
  /** The recipient's copy when it is a folder written with --out (migration 008). */
  recipient_copy: string | null;
  incident_ref: string;
}

// Receipts written since migration 007 are in handover_receipts (the handover row never changes).
const SELECT = `SELECT h.id, h.incident_id, h.package_id, h.manifest_sha256, h.audience, h.organisation, h.recipient, h.reference, h.method, h.note,
  h.handed_ms, h.recorded_by, h.key_fingerprint, h.recipient_copy, COALESCE(r.html, h.receipt_html) AS receipt_html, COALESCE(r.pdf, h.receipt_pdf) AS receipt_pdf, i.ref AS incident_ref
  FROM handovers h JOIN incidents i ON i.id = h.incident_id LEFT JOIN handover_receipts r ON r.handover_id = h.id`;

export function insertHandover(db: Db, h: Omit<HandoverRow, 'id' | 'incident_ref' | 'receipt_html' | 'receipt_pdf'>): number {
  return insertChained(db, 'handovers', 1, () => Number(
    stmt(
      db,
      'INSERT INTO handovers (incident_id, package_id, manifest_sha256, audience, organisation, recipient, reference, method, note, handed_ms, recorded_by, key_fingerprint, recipient_copy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(h.incident_id, h.package_id, h.manifest_sha256, h.audience, h.organisation, h.recipient, h.reference, h.method, h.note, h.handed_ms, h.recorded_by, h.key_fingerprint, h.recipient_copy).lastInsertRowid,
  ));
}

/** Where the handover's receipt files are: written once, chained. */
export function setReceipts(db: Db, id: number, html: string, pdf: string): void {
  // Its rowid is the handover's id, not the next one: chained by that id.
  db.transaction(() => {
    stmt(db, 'INSERT INTO handover_receipts (handover_id, html, pdf) VALUES (?, ?, ?)').run(id, html, pdf);
    chainInserted(db, 'handover_receipts', id, id);
  })();
}

export function getHandover(db: ReadDb, id: number): HandoverRow | undefined {
  return stmt(db, `${SELECT} WHERE h.id = ?`).get(id) as HandoverRow | undefined;
}

/** Every handover of an incident, in the order they were recorded. */
export function handoversOf(db: ReadDb, incidentId: number): HandoverRow[] {
  return stmt(db, `${SELECT} WHERE h.incident_id = ? ORDER BY h.id`).all(incidentId) as HandoverRow[];
}

export function handoverOfPackage(db: ReadDb, packageId: string): HandoverRow | undefined {
  return stmt(db, `${SELECT} WHERE h.package_id = ?`).get(packageId) as HandoverRow | undefined;
}

export function listHandovers(db: ReadDb, sinceMs: number): HandoverRow[] {
  return stmt(db, `${SELECT} WHERE h.handed_ms >= ? ORDER BY h.id`).all(sinceMs) as HandoverRow[];
}
