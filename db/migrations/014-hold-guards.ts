/**
 * 014: holds change only the way the workflow changes them (attack 10). A hold's window,
 * cameras, reason and origin never change after it is made; its release fields are set once,
 * from NULL, all three together; no hold and none of its cameras is ever deleted. The triggers
 * stop a plain edit in the sqlite3 shell; whoever drops them first is caught by `audit verify`
 * (every hold row against its chained audit events, core/chain.ts) and by the sweep (the root's
 * signed hold copy against the database, core/hold-copies.ts).
 */
export const sql = `
CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds
BEGIN
  SELECT RAISE(ABORT, 'holds are never deleted: release the hold instead');
END;
CREATE TRIGGER holds_only_release BEFORE UPDATE ON holds
WHEN NEW.id IS NOT OLD.id OR NEW.from_ms IS NOT OLD.from_ms OR NEW.to_ms IS NOT OLD.to_ms OR NEW.reason IS NOT OLD.reason
  OR NEW.source IS NOT OLD.source OR NEW.source_ref IS NOT OLD.source_ref OR NEW.created_ms IS NOT OLD.created_ms
  OR NEW.created_by IS NOT OLD.created_by
  OR OLD.released_ms IS NOT NULL OR OLD.released_by IS NOT NULL OR OLD.release_reason IS NOT NULL
  OR NEW.released_ms IS NULL OR NEW.released_by IS NULL OR NEW.release_reason IS NULL
BEGIN
  SELECT RAISE(ABORT, 'a hold only changes by being released, once');
END;
CREATE TRIGGER hold_cameras_no_delete BEFORE DELETE ON hold_cameras
BEGIN
  SELECT RAISE(ABORT, 'the cameras of a hold never change');
END;
CREATE TRIGGER hold_cameras_no_update BEFORE UPDATE ON hold_cameras
BEGIN
  SELECT RAISE(ABORT, 'the cameras of a hold never change');
END;
`;
