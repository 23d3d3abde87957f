/**
 * What the API answers: one view type per response, runtime-neutral so the renderer, the
 * Electron preload and the server share them. Times are ISO 8601 with the site's offset
 * (e.g. 2026-11-25T14:30:00+01:00); where a view also carries `…Ms` fields they are UTC
 * milliseconds, for drawing (the timeline) rather than reading.
 */
import type { AlarmKind, IncidentReason, Zone } from '../domain.js';
import type { ErrorCode } from '../errors.js';
import type { Msg } from '../i18n/catalog.js';
import type { Role } from '../permissions.js';
import type { Settings, SettingKey } from '../settings.js';

export type { Role };

/**
 * Every answer: `{ok:true, data}` or `{ok:false, error:{code, message, msg?}}`. `message` is in
 * the caller's language; `msg` is the sentence as catalogue key and parameters, for a face that
 * renders it itself (the app, in whatever language it shows now).
 */
export type ApiResult<T> = { ok: true; data: T } | ApiFailure;
export interface ApiFailure {
  ok: false;
  error: { code: ErrorCode; message: string; msg?: Msg };
}

export interface Mask {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SessionView {
  user: { name: string; role: Role };
  /** The operations this user may call (from the permission matrix). */
  operations: string[];
  /** May this user see recorded footage (play segments and clips)? */
  footage: boolean;
  /** A session ends after this many minutes without a request. */
  idleMinutes: number;
}

export interface StatusView {
  siteTimeZone: string;
  retentionMonths: number;
  roots: { id: number; path: string; layout: string; online: boolean; offlineReason: string | null; segments: number; lastScan: string | null }[];
  cameras: { id: string; name: string | null; zone: string; classified: boolean; segments: number; oldest: string | null; newest: string | null; bytes: number | null }[];
  segments: number;
  unrecognised: number;
  unrecognisedSample: { root: number; path: string; reason: string }[];
  audioSegments: number;
  pendingDeletions: number;
  retentionHorizon: string;
  nextDeletion: string | null;
  alarms: { id: number; kind: string; message: string; msg: Msg | null; raised: string; conditionEnded: boolean }[];
}

export interface CameraView {
  id: string;
  name: string | null;
  zone: Zone;
  /** False until a person has set the zone (new cameras are `mixed`). */
  classified: boolean;
  masks: Mask[];
}

export interface SegmentView {
  id: number;
  startMs: number;
  endMs: number;
  /** How the end was found: ffprobe, file time, the next segment's start, or an estimate. */
  endSource: 'probe' | 'mtime' | 'next' | 'estimate';
  size: number | null;
  state: 'present' | 'deleting';
  /** Inside an active hold: it will not be deleted while the hold stands. */
  held: boolean;
  hasAudio: boolean | null;
  /** The end the file's name states (e.g. Dahua's "14.30.00-14.40.00"); null when it states none. */
  nameEndMs: number | null;
  /** The event kind the name states: scheduled, motion, alarm, smart, or the recorder's code as written. */
  eventKind: string | null;
  /** 'file': the path names only the day, and the start is the file's own time (ZoneMinder medium). */
  timeFrom: 'file' | null;
}

export interface SegmentsView {
  camera: string;
  fromMs: number;
  toMs: number;
  /** Recordings that end at or before this instant are due for deletion now (the 2-month line). */
  retentionCutoffMs: number;
  segments: SegmentView[];
  /** Active holds on this camera overlapping the range. */
  holds: { id: number; fromMs: number; toMs: number; reason: string; source: string; sourceRef: string | null }[];
  /** True when more segments exist than `limit` allowed: ask for a narrower range. */
  truncated: boolean;
  /**
   * Incident windows and holds on this camera overlapping the range, released ones too (drawn on
   * the timeline: what was kept, and when it stopped being kept).
   */
  windows: TimelineWindowView[];
}

export interface TimelineWindowView {
  kind: 'incident' | 'hold';
  /** The hold's id, or the incident's reference. */
  ref: string;
  fromMs: number;
  toMs: number;
  /** A hold released (or an incident handed over or closed): the window is drawn, but nothing is kept for it any more. */
  released: boolean;
  title: string | null;
}

/** A still picture of a recording (the timeline's thumbnails, the mask editor's picture). */
export interface StillView {
  segment: number;
  camera: string;
  /** When the picture was recorded (UTC ms). */
  atMs: number;
  width: number;
  height: number;
  /** The picture as a data: URL (JPEG or PNG), so it travels over IPC as well as HTTP. */
  image: string;
}

export interface PlaybackView {
  /** A same-origin URL (browser mode) that streams the file with HTTP range requests. */
  url: string;
  contentType: string;
  kind: 'segment' | 'clip' | 'request-clip';
  id: number;
  camera: string;
  startMs: number;
  endMs: number;
  size: number;
}

export interface HoldView {
  id: number;
  cameras: string[];
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  reason: string;
  source: string;
  sourceRef: string | null;
  createdBy: string;
  created: string;
  released: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

export type IncidentStatus = 'open' | 'archived' | 'handed-over' | 'deleted';

export interface IncidentSummaryView {
  ref: string;
  title: string;
  reason: IncidentReason;
  justification: string;
  status: IncidentStatus;
  from: string;
  to: string;
  cameras: string[];
  reviewBy: string;
  overdue: boolean;
  ageDays: number;
  created: string;
  createdBy: string;
  closed: string | null;
  closedReason: string | null;
  /** The cameras above with their names and zones (a reader who may not list cameras still reads them by name). */
  cameraInfo: { id: string; name: string | null; zone: Zone }[];
}

export interface ClipView {
  id: number;
  camera: string;
  subjects: Zone;
  path: string;
  status: 'pending' | 'complete' | 'failed' | 'deleted';
  error: string | null;
  start: string | null;
  end: string | null;
  sha256: string | null;
  size: number | null;
  sourceHadAudio: boolean;
  sources: { name: string; path: string; sha256: string; size: number; start: string | null; end: string | null }[];
}

/** One exported package of an incident, and where it stands (issue 12: several recipients per incident). */
export interface PackageView {
  packageId: string;
  audience: 'police' | 'hr' | 'data-subject';
  exported: string;
  exportedBy: string;
  /** The signing key's fingerprint (SHA-256 of its DER SubjectPublicKeyInfo, hex); null for packages made before it was recorded. */
  fingerprint: string | null;
  manifestSha256: string;
  clips: number;
  /** 'data': in Custodian's data folder; 'out': written elsewhere with --out; null: not recorded (older package). */
  location: 'data' | 'out' | null;
  dir: string;
  zip: boolean;
  state: 'pending' | 'handed-over' | 'discarded';
  handover: {
    id: number;
    handedOver: string;
    organisation: string;
    recipient: string;
    reference: string;
    method: string;
    recordedBy: string;
    recipientCopy: string | null;
    keyFingerprint: string | null;
  } | null;
  discarded: { at: string; by: string | null; reason: string | null } | null;
  /** Custodian still holds this copy in its data folder (it can be downloaded as a zip). */
  held: boolean;
  /** When Custodian's copy was deleted (with the material, or at a discard). */
  copyDeleted: string | null;
}

export interface IncidentDetailView extends IncidentSummaryView {
  hold: number | null;
  /** Every package exported for the incident, per audience, with its handover or discard. */
  packages: PackageView[];
  gaps: { camera: string; from: string | null; to: string | null }[];
  clips: ClipView[];
  history: { at: string; actor: string; action: string; details: unknown }[];
}

export interface IncidentCloseView extends IncidentSummaryView {
  deleted: number;
  failed: { path: string; reason: string }[];
}

export interface ClipReclassifyView {
  id: number;
  subjects: Zone;
  path: string;
}

export interface AlarmView {
  id: number;
  kind: AlarmKind | string;
  /** The English log form; `msg` is what the alarm says, for a face to render (null for an old alarm whose text is not one of the catalogue's). */
  message: string;
  msg: Msg | null;
  raised: string;
  acknowledged: string | null;
  acknowledgedBy: string | null;
  conditionEnded: boolean;
  details: unknown;
}

export interface DeletionRecordView {
  id: number;
  kind: string;
  root: number | null;
  camera: string | null;
  path: string;
  recordedFrom: string | null;
  recordedTo: string | null;
  size: number | null;
  sha256: string | null;
  due: string | null;
  deleted: string | null;
  outcome: string;
  sweep: number | null;
  handover: number | null;
  incident: string | null;
  reason: string;
}

export type SettingsView = Settings;

/** A recording root registered from the settings page, with the layout a person confirmed. */
export interface RootAddedView {
  id: number;
  path: string;
  layout: string;
  layoutTimeZone: string | null;
}

export interface SettingChangedView {
  key: SettingKey;
  value: unknown;
}

export interface UserView {
  name: string;
  role: Role;
  disabled: boolean;
  /** Locked after too many failed logins, until this time (or a new password). */
  lockedUntil: string | null;
  created: string;
  createdBy: string;
  passwordChanged: string;
  lastLogin: string | null;
}

export interface SweepPreviewView {
  cutoff: string;
  due: number;
  held: number;
  refused: string | null;
  nextDue: string | null;
  roots: { root: number; path: string; online: boolean; due: number; held: number; refused: string | null }[];
  /** What would be deleted now (at most 1000). */
  wouldDelete: { root: number; camera: string; path: string; start: string; end: string; dueAt: string }[];
}

export interface ExportView {
  packageId: string;
  audience: 'police' | 'hr';
  /** The package folder on this computer (inside the data folder's exports/ when made in the app). */
  dir: string;
  zipPath: string | null;
  /** 'data': Custodian holds this copy and deletes it with the material; 'out': written elsewhere with --out. */
  location: 'data' | 'out';
  manifestSha256: string;
  /** The signing key's fingerprint (SHA-256 of its DER SubjectPublicKeyInfo, hex), also on the receipt. */
  fingerprint: string;
  files: number;
  redacted: number;
  /** Why each clip was left out: `msg` in words, `reason` its English log form. */
  leftOut: { clip: number; camera: string; subjects: Zone; reason: string; msg: Msg }[];
}

export interface HandoverRecordView {
  id: number;
  incident: string;
  to: string;
  organisation: string;
  recipient: string;
  reference: string;
  method: string;
  note: string | null;
  handedOver: string;
  recordedBy: string;
  package: string;
  manifestSha256: string;
  /** The signing key's fingerprint the package was verified against (null for handovers before it was recorded). */
  keyFingerprint: string | null;
  /** The recipient's copy, when it is a folder written with --out (Custodian does not delete it). */
  recipientCopy: string | null;
  receiptPdf: string | null;
  receiptHtml: string | null;
}

export interface HandoverResultView {
  incident: IncidentSummaryView;
  handover: HandoverRecordView;
  /** Packages still waiting for their handover: while there are any, the material is kept. */
  pending: { packageId: string; audience: string }[];
  /** True when this handover (or a retry) deleted the material; false when it is kept for the packages pending. */
  materialDeleted: boolean;
  /** Archived files and package copies deleted after the handover (each in the deletion log). */
  deleted: number;
  failed: { path: string; reason: string }[];
  receiptHtml: string;
  receiptPdf: string;
  retried: boolean;
}

export interface PackageDiscardView {
  incident: IncidentSummaryView;
  package: PackageView;
  /** Files of the discarded package's copy deleted now, and those that could not be yet. */
  deleted: number;
  failed: { path: string; reason: string }[];
  /** When the discard was the last wait after a handover, the material went too. */
  materialDeleted: boolean;
}

export interface VerifyStartView {
  uploadId: string;
  /** PUT each file's bytes here, with `?path=` its path inside the package (or the zip's name). */
  uploadUrl: string;
  maxBytes: number;
  maxFiles: number;
}

/** A package's verdict, the same words as `custodian verify` prints (catalogue namespace "evidence"). */
export interface VerifyView {
  verdict: 'valid' | 'intact' | 'invalid';
  /** The signing key's fingerprint found in the package (null when it has no readable key). */
  fingerprint: string | null;
  /** This site's key fingerprint, which the package was checked against. */
  siteFingerprint: string;
  /** How to compute the fingerprint without Custodian. */
  fingerprintCommand: string;
  summary: Msg;
  problems: { file: string; kind: string; detail: string; msg: Msg }[];
  packageId: string | null;
  incident: string | null;
  audience: string | null;
  clips: number | null;
  /** What this site's record knows of the package (null when it did not export it). */
  known: { exported: string; audience: string; state: 'pending' | 'handed-over' | 'discarded' } | null;
}

/** The compliance report and the DPO's log views live in ./report.ts. */
export type { ComplianceReportView } from './report.js';

/** Pushed to the browser (server-sent events) and to the desktop window (IPC). */
/** Long work on an access request that reports progress (core/api/request-handlers.ts). */
export type RequestTask = 'request-mark' | 'request-propose' | 'request-render' | 'request-answer';

export type ApiEvent =
  /** `step`: what the task is doing now, as a code with words in the catalogue (ui:steps.<step>); `label` names the file or camera. */
  | { type: 'progress'; task: 'archive' | 'export' | RequestTask; ref: string; fraction: number; label: string; step?: string }
  | { type: 'status'; alarms: number; blocking: number; rootsOffline: number; nextDeletion: string | null; openIncidents: number; overdueIncidents: number }
  /** `reason` is the English log form; `msg` the sentence for the face to word. */
  | { type: 'session-ended'; reason: string; msg?: Msg }
  /** An incident changed (status, clips archived) — also when another process (the service) did it. */
  | { type: 'incident'; ref: string; status: IncidentStatus; clips: number; complete: number; failed: number; packages: number };
