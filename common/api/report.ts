/**
 * What the compliance report and the DPO's logs answer (POLICY P2, P4, P5, P6, P7). The core
 * returns codes and facts; every sentence is a catalogue key (namespace "report",
 * common/i18n/report.ts) with its parameters, rendered by the face that shows it (the UI, the
 * HTML/PDF report, the command line). Times are ISO 8601 with the site's offset; `…Ms` fields
 * are UTC milliseconds for programs.
 */
import type { Zone } from '../domain.js';
import type { G1Section } from './requests.js';
import type { DeletionRecordView, HandoverRecordView, IncidentStatus } from './types.js';
import type { Msg } from '../i18n/catalog.js';

export const REPORT_CLAUSES = ['P2', 'P4', 'P5', 'P7', 'G1'] as const;
export type ReportClause = (typeof REPORT_CLAUSES)[number];

/** held: every fact checked and none a deviation; incomplete: no deviation found, but something could not be checked. */
export type VerdictStatus = 'held' | 'not-held' | 'incomplete';
export type FactSeverity = 'ok' | 'deviation' | 'unchecked' | 'info';

export type FactParams = Record<string, string | number | boolean | null>;

/** One fact a verdict rests on: a sentence key, its numbers, and what it is about. */
export interface ReportFactView {
  /** "report:…": the sentence that says it. */
  key: string;
  params: FactParams;
  severity: FactSeverity;
  /** What it is about: incident references, package ids, deletion ids (#12), alarm ids, paths. */
  refs: string[];
}

export interface VerdictView {
  clause: ReportClause;
  status: VerdictStatus;
  held: boolean;
  facts: ReportFactView[];
}

export type LateCause = 'overdue-at-index' | 'offline' | 'alarm' | 'deferred' | 'no-sweep' | 'unexplained';

export interface LateDeletionView {
  deletion: number;
  root: number | null;
  rootPath: string | null;
  camera: string | null;
  path: string;
  due: string;
  heldUntil: string | null;
  deleted: string;
  latenessMs: number;
  /** What kept it (first the main one); `ref` names the alarm (#id) or the time it was indexed. */
  causes: { cause: LateCause; ref: string | null }[];
}

export interface RetentionSection {
  intervalMinutes: number;
  /** Recordings deleted in the period (segment rows of the deletion log). */
  deletions: number;
  late: number;
  worst: LateDeletionView | null;
  /** The late deletions that went latest after their due time, most late first (at most 20). */
  mostLate: LateDeletionView[];
  byRoot: { root: number | null; path: string | null; deletions: number; late: number; worstMs: number | null; causes: Partial<Record<LateCause, number>> }[];
  /** The alarms and offline spells that paused deletion of something that then went late. */
  pauses: { kind: 'offline' | 'alarm' | 'deferred'; alarm: number | null; alarmKind: string | null; root: number | null; from: string | null; to: string | null; late: number }[];
  /** Today: the oldest recording no hold keeps, per root. */
  today: { root: number; path: string; online: boolean; oldestUnheldEnd: string | null; due: string | null; overdueMs: number; ok: boolean }[];
}

export interface PackageContentsView {
  package: string;
  incident: string;
  audience: string;
  /** Where the contents were read: the package's own manifest on disk (hash checked against the record), or the export's audit record. */
  source: 'manifest' | 'export-record' | 'none';
  /** The manifest on disk still has the SHA-256 recorded at export (null: not read from disk). */
  manifestMatches: boolean | null;
  clips: number;
  cameras: string[];
  zones: Record<Zone, number>;
  masked: number;
  files: { name: string; camera: string | null; zone: Zone | null; masked: boolean; start: string | null; end: string | null }[];
}

export interface SeparationSection {
  rules: { audience: string; staff: string; visitor: string; mixed: string; deviations: string[] }[];
  packages: { package: string; incident: string; audience: string; source: PackageContentsView['source']; deviations: { file: string; zone: Zone | null; problem: 'visitor-for-hr' | 'mixed-unmasked-for-hr' | 'unknown-zone' | 'manifest-changed' | 'wrong-audience' }[] }[];
  camerasWithoutZone: string[];
  misplacedClips: { incident: string; clip: number | null; path: string; subjects: Zone | null; problem: 'wrong-folder' | 'found-elsewhere' | 'unknown-file' }[];
}

export interface KeepingSection {
  overdue: { ref: string; title: string; status: IncidentStatus; reviewBy: string; daysOverdue: number }[];
  /** Times in the period an incident was past its review date (also ones since extended or closed). */
  overdueSpells: { ref: string; from: string; to: string; days: number; ongoing: boolean }[];
  /** Handed-over or closed incidents and what of their material is still on disk. */
  material: { ref: string; status: IncidentStatus; finalHandover: string | null; materialGone: string | null; afterHandoverMs: number | null; remaining: { what: 'archive' | 'package' | 'work'; package: string | null; path: string; files: number }[] }[];
}

export interface AudioSection {
  segments: { camera: string; n: number }[];
  clips: { incident: string; camera: string }[];
  packages: { package: string; incident: string; checked: number; withAudio: string[]; unchecked: number; why: 'gone' | 'no-tools' | null }[];
}

export interface ComplianceReportView {
  generated: string;
  period: { from: string; to: string; fromMs: number; toMs: number };
  site: { controller: string; dpoContact: string; timeZone: string; language: 'sv' | 'en' };
  retention: { months: number; sweepIntervalMinutes: number; deletionLogRetentionMonths: number; handoverLogRetentionMonths: number; horizon: string };
  verdicts: VerdictView[];
  p2: RetentionSection;
  p4: SeparationSection;
  p5: KeepingSection;
  p7: AudioSection;
  /** Access requests (POLICY G1, issue 14). */
  g1: G1Section;
  incidents: { ref: string; title: string; reason: string; status: IncidentStatus; reviewBy: string; ageDays: number; overdue: boolean }[];
  handovers: HandoverRecordView[];
  deletionsByReason: { reason: string; n: number; bytes: number | null }[];
  /** `message` is the English log form; `msg` what the alarm says, for a face to word (absent on old alarms: read `message` back). */
  alarms: { id: number; kind: string; message: string; msg?: Msg | null; raised: string; acknowledged: string | null; acknowledgedBy: string | null }[];
  /** The records (audit events, deletion and handover records: one chain) checked against its anchors. */
  auditChain: { ok: boolean; events: number; firstBroken?: { id: number; reason: string } };
  /** The chain's head, signed with the site key when this report was made (null: the chain would not verify, so nothing was signed). */
  anchor: { seq: number; hash: string; signature: string; keyFingerprint: string; at: string } | null;
}

// ---- The DPO's logs ----

export const REASON_CLASSES = ['retention', 'handover', 'closed', 'other'] as const;
export type ReasonClass = (typeof REASON_CLASSES)[number];

export interface DeletionLogEntryView extends DeletionRecordView {
  reasonClass: ReasonClass;
  /** When a hold kept it past its own due time, until this release. */
  heldUntil: string | null;
  /** Deleted this long after it was due (after holds); null for clips and packages. */
  latenessMs: number | null;
  /** Later than due plus one sweep interval. */
  late: boolean;
  /** It was already overdue when Custodian first indexed it, at this time. */
  overdueAtIndex: string | null;
  note: string | null;
}

export interface DeletionTotalsView {
  count: number;
  bytes: number;
  deleted: number;
  alreadyGone: number;
  late: number;
  worstLatenessMs: number | null;
  byReason: Record<ReasonClass, number>;
}

export interface DeletionLogPageView {
  deletions: DeletionLogEntryView[];
  /** Pass as `after` for the next page; null when this was the last. */
  next: { at: number; id: number } | null;
  /** For the whole filter (only on the first page, when asked). */
  totals: DeletionTotalsView | null;
}

export interface HandoverLogEntryView extends HandoverRecordView {
  contents: PackageContentsView;
  receipt: { html: boolean; pdf: boolean };
}

export interface FootageViewEntry {
  id: number;
  at: string;
  user: string;
  kind: 'segment' | 'clip';
  footage: number;
  camera: string | null;
  from: string | null;
  to: string | null;
  session: number | null;
}

export interface FootageViewsPageView {
  views: FootageViewEntry[];
  next: number | null;
  total: number | null;
}

export interface LogDownloadView {
  /** This chunk's text (the first carries the CSV header or the opening bracket). */
  text: string;
  rows: number;
  /** Pass as `after` for the next chunk; null after the last (which closes a JSON document). */
  next: string | null;
  filename: string;
  contentType: string;
}

export interface ReceiptView {
  filename: string;
  contentType: string;
  /** The receipt's bytes, base64 (a PDF is binary). */
  base64: string;
}
