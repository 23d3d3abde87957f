/** Domain words, used the same everywhere (see DESIGN.md "Names"). */
export const ZONES = ['staff', 'visitor', 'mixed'] as const;
export type Zone = (typeof ZONES)[number];

export const INCIDENT_REASONS = ['crime-against-organisation', 'crime-on-premises', 'other'] as const;
export type IncidentReason = (typeof INCIDENT_REASONS)[number];

export const AUDIENCES = ['police', 'hr', 'data-subject'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const SENTINEL_FILE = '.custodian-root';

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
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** Alarms that pause deletion until a person acknowledges them. */
export const BLOCKING_ALARMS: ReadonlySet<AlarmKind> = new Set(['clock-backwards', 'mass-deletion']);
