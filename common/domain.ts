/** Domain words, used the same everywhere (see DESIGN.md "Names"). */
export const ZONES = ['staff', 'visitor', 'mixed'] as const;
export type Zone = (typeof ZONES)[number];

export const INCIDENT_REASONS = ['crime-against-organisation', 'crime-on-premises', 'other'] as const;
export type IncidentReason = (typeof INCIDENT_REASONS)[number];

export const AUDIENCES = ['police', 'hr', 'data-subject'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const SENTINEL_FILE = '.custodian-root';
/** Beside the sentinel: a signed copy of the holds (core/hold-copies.ts), written via a temporary name. */
export const HOLDS_COPY_FILE = '.custodian-holds.json';

/** Files Custodian itself keeps at the top of a root: never indexed, never unrecognised. */
export function isCustodianRootFile(name: string): boolean {
  return name === SENTINEL_FILE || name === HOLDS_COPY_FILE || (name.startsWith(`${HOLDS_COPY_FILE}.`) && name.endsWith('.tmp'));
}

/** Alarm kinds; each has a stable name a program can act on. */
export const ALARM_KINDS = [
  'root-offline',
  'clock-backwards',
  'mass-deletion',
  'mass-missing',
  'audio-present',
  'delete-failed',
  'disk-full',
  'archive-mismatch',
  'incident-overdue',
  // Deletion safety (issue 10): each names what Custodian saw and pauses what must not go on.
  'mass-vanished',
  'folder-changed',
  'root-identity',
  'clock-suspect',
  'camera-moved',
  'held-missing',
  'recording-rewritten',
  'archive-failed',
  'foreign-files',
  // A ring or database store found inside a root (issue 16): its files must never be deleted one by one.
  'store-signature',
  // Access requests (issue 14): an answer due within seven days, or overdue (not blocking).
  'request-due-soon',
  'request-overdue',
  // Records (issue 11): the chain or an anchor does not check out; a daily backup or a hold
  // copy beside a root's sentinel could not be written.
  'records-broken',
  'backup-failed',
  'hold-copy-failed',
  // A root's signed hold copy knows holds the database lost: nothing more is deleted there.
  'hold-copy-conflict',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** Alarms that pause deletion until a person acknowledges them. */
export const BLOCKING_ALARMS: ReadonlySet<AlarmKind> = new Set([
  'clock-backwards',
  'mass-deletion',
  // A root whose files seem to have vanished, whose folder was swapped or whose identity
  // changed, and a clock that disagrees with the recorders: nothing more is deleted there.
  'mass-missing',
  'mass-vanished',
  'folder-changed',
  'root-identity',
  'clock-suspect',
  // Lifted only when the store's marks are gone: each scan raises it again while they are there.
  'store-signature',
  // Lifted only when the copy and the database agree again: each sweep looks again.
  'hold-copy-conflict',
]);
