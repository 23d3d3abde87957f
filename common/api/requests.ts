/**
 * What the access-request operations answer (issue 14): views of a request, its windows, clips,
 * masks, package, the DPO's register. Times are ISO 8601 with the site's offset (dates as
 * yyyy-MM-dd, site time); `…Ms` fields are UTC milliseconds for programs. Sentences are
 * catalogue messages (`Msg`: key and parameters), rendered by the face.
 */
import type { Msg } from '../i18n/catalog.js';
import type { MaskTrackSet } from '../mask-track.js';

export type RequestStatusView = 'open' | 'ready' | 'answered' | 'withdrawn';
export type RequestOutcomeView = 'found' | 'not-found';
/** Where a request stands against its deadline (core/access-requests/clock.ts). */
export type RequestClockView = 'running' | 'due-soon' | 'overdue' | 'answered-in-time' | 'answered-late' | 'withdrawn';

export interface RequestSummaryView {
  ref: string;
  status: RequestStatusView;
  outcome: RequestOutcomeView | null;
  clock: RequestClockView;
  requester: string;
  /** The day the signed request was received. */
  received: string;
  receivedMs: number;
  /** The last day of the deadline that holds (extended, if it was). */
  due: string;
  dueMs: number;
  /** The last day of the first deadline (one month). */
  firstDue: string;
  extended: { until: string; reason: string; told: string; at: string; by: string } | null;
  /** When the answer was delivered. */
  answered: string | null;
  /** Calendar days from receipt to delivery (or to today, while open). */
  daysTaken: number;
  /** Calendar days left to the deadline's last day (negative when overdue); null once closed. */
  daysLeft: number | null;
}

export interface RequestWindowView {
  id: number;
  cameras: string[];
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  hold: { id: number; released: string | null; releaseReason: string | null } | null;
}

export interface RequestMasksSummary {
  tracks: number;
  kept: string[];
  origin: 'manual' | 'proposed' | 'corrected';
  updated: string;
  updatedBy: string;
  /** What the detector said when it proposed the tracks. */
  proposal: { summary: Msg; warnings: Msg[] } | null;
}

export interface RequestClipView {
  id: number;
  camera: string;
  cameraName: string;
  /** What was marked. */
  from: string | null;
  to: string | null;
  /** What the clip covers (stream copy starts on a keyframe). */
  start: string | null;
  end: string | null;
  startMs: number | null;
  endMs: number | null;
  status: 'pending' | 'complete' | 'failed' | 'deleted';
  error: string | null;
  sha256: string | null;
  size: number | null;
  sourceHadAudio: boolean;
  sources: { name: string; sha256: string }[];
  masks: RequestMasksSummary | null;
  masked: { id: number; sha256: string | null; size: number | null; made: string | null; status: 'pending' | 'complete' | 'failed' | 'deleted'; current: boolean } | null;
}

export interface RequestPackageView {
  packageId: string;
  dir: string;
  zip: boolean;
  location: 'data' | 'out';
  manifestSha256: string;
  fingerprint: string;
  clips: number;
  created: string;
  superseded: string | null;
  deleted: string | null;
}

export interface RequestDetailView extends RequestSummaryView {
  contact: string;
  identityCheckedBy: string;
  identityMethod: string;
  description: string;
  language: 'sv' | 'en';
  outcomeNote: string | null;
  windows: RequestWindowView[];
  clips: RequestClipView[];
  package: RequestPackageView | null;
  ready: string | null;
  delivery: { at: string; method: string; by: string; note: string | null } | null;
  withdrawn: { at: string; by: string; reason: string } | null;
  materialDeleted: string | null;
  created: string;
  createdBy: string;
  history: { at: string; actor: string; action: string }[];
}

export interface RequestIntakeView {
  request: RequestDetailView;
  warnings: Msg[];
}

export interface RequestMarkView {
  request: RequestDetailView;
  /** Where the recordings have gaps inside the span marked. */
  gaps: { camera: string; from: string; to: string }[];
}

export interface RequestCloseView {
  request: RequestDetailView;
  deleted: number;
  failed: { path: string; reason: string }[];
  holdsReleased: number;
}

export interface RequestMasksView {
  ref: string;
  clip: number;
  set: MaskTrackSet | null;
  summary: RequestMasksSummary | null;
  masked: RequestClipView['masked'];
}

export interface RequestProposalView extends RequestMasksView {
  summary: RequestMasksSummary;
}

/** One row of the DPO's register of access requests. */
export interface RequestRegisterRow {
  ref: string;
  received: string;
  due: string;
  firstDue: string;
  extended: boolean;
  extendedUntil: string | null;
  extensionReason: string | null;
  answered: string | null;
  daysTaken: number;
  outcome: RequestOutcomeView | 'withdrawn' | null;
  status: RequestStatusView;
  inTime: boolean | null;
  overdue: boolean;
}

export interface RequestFileView {
  filename: string;
  contentType: string;
  base64: string;
}

export interface RequestPackageChunkView extends RequestFileView {
  size: number;
  offset: number;
  next: number | null;
}

/** The compliance report's G1 section: counts over the period (the facts carry the detail). */
export interface G1Section {
  received: number;
  answered: number;
  inTime: number;
  late: number;
  extended: number;
  /** Open past their deadline (now, or at the period's end). */
  overdue: number;
  /** Open within their deadline. */
  open: number;
  withdrawn: number;
  /** Answered or withdrawn with material still on disk. */
  materialLeft: number;
}
