/**
 * 007: records nobody can quietly change or lose (db/ledger.ts, core/chain.ts).
 * - ledger: one hash chain over every record the DPO relies on (audit events, deletion rows,
 *   handover rows, receipts). Each entry covers a run of rows of one table written in one
 *   transaction and carries the SHA-256 of their full content; `digests` holds the first 8 bytes
 *   of each row's hash, so a verifier can name the row that changed. Rows already present are
 *   chained once, as this migration is applied (`chainExistingRecords`).
 * - handover_receipts: where a handover's receipt files are, written once after the handover
 *   row (which is then never updated: its receipt_html/receipt_pdf columns stay as they were).
 * - log_horizon.through_id: pruning removes rows up to this id only, and only behind a horizon
 *   that is itself a signed, chained audit event ('log.horizon'). A horizon row written by hand
 *   lets the triggers delete, but `custodian audit verify` names it.
 * - installation: this data folder's identity, named in anchors, hold copies and backups.
 * From here on, new audit rows carry empty prev_hash/hash: those columns hold the chain of the
 * events written before 007, which was checked when the ledger adopted them.
 * A migration that adds a column to a chained table must add it nullable (NULLs are left out of
 * a row's hash), or rows chained before it no longer verify.
 */
import { insertAudit, legacyAuditChainBreak } from '../audit.js';
import { chainExistingRecords } from '../ledger.js';
import type { Db } from '../open.js';

export const sql = `
CREATE TABLE ledger (
  seq       INTEGER PRIMARY KEY,
  tbl       TEXT NOT NULL,
  first_id  INTEGER NOT NULL,
  last_id   INTEGER NOT NULL,
  rows_hash TEXT NOT NULL,
  digests   BLOB NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  CHECK (last_id >= first_id)
) STRICT;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the record chain is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the record chain is append-only'); END;

CREATE TABLE installation (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  uuid       TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;
INSERT INTO installation (id, uuid, created_ms) VALUES (1, lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS INTEGER) * 1000);
CREATE TRIGGER installation_no_update BEFORE UPDATE ON installation BEGIN SELECT RAISE(ABORT, 'the installation identity does not change'); END;
CREATE TRIGGER installation_no_delete BEFORE DELETE ON installation BEGIN SELECT RAISE(ABORT, 'the installation identity does not change'); END;

CREATE TABLE handover_receipts (
  handover_id INTEGER PRIMARY KEY,
  html        TEXT NOT NULL,
  pdf         TEXT NOT NULL
) STRICT;

ALTER TABLE log_horizon ADD COLUMN through_id INTEGER;

DROP TRIGGER handovers_no_update;
CREATE TRIGGER handovers_no_update BEFORE UPDATE ON handovers
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;
DROP TRIGGER handovers_no_delete;
CREATE TRIGGER handovers_no_delete BEFORE DELETE ON handovers
WHEN OLD.id > COALESCE((SELECT through_id FROM log_horizon WHERE log = 'handovers'), 0)
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;
CREATE TRIGGER handover_receipts_no_update BEFORE UPDATE ON handover_receipts
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;
CREATE TRIGGER handover_receipts_no_delete BEFORE DELETE ON handover_receipts
WHEN OLD.handover_id > COALESCE((SELECT through_id FROM log_horizon WHERE log = 'handovers'), 0)
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;

-- A pending row is a journal entry, not yet a record: it may be completed (once, which chains
-- it) or dropped. A completed row never changes again.
CREATE TRIGGER deletions_no_update BEFORE UPDATE ON deletions
WHEN OLD.outcome != 'pending'
BEGIN SELECT RAISE(ABORT, 'the deletion log is append-only'); END;
DROP TRIGGER deletions_no_delete;
CREATE TRIGGER deletions_no_delete BEFORE DELETE ON deletions
WHEN OLD.outcome != 'pending' AND OLD.id > COALESCE((SELECT through_id FROM log_horizon WHERE log = 'deletions'), 0)
BEGIN SELECT RAISE(ABORT, 'the deletion log is append-only'); END;
`;

/**
 * Run in the migration's transaction: the ledger adopts every record already written, once.
 * The pre-007 audit chain is checked now and the verdict recorded in the first chained event.
 */
export function after(db: Db): void {
  const legacy = legacyAuditChainBreak(db);
  const adopted = chainExistingRecords(db);
  if (Object.values(adopted).some((n) => n > 0)) {
    insertAudit(db, {
      ts_ms: Date.now(),
      actor: 'custodian',
      action: 'records.chain-started',
      details: JSON.stringify({ adopted, earlierAuditChain: legacy ? { whole: false, firstBroken: legacy.id, reason: legacy.reason } : { whole: true } }),
    });
  }
}
