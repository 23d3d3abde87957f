/**
 * The API contract: every operation the UI and scripts use, with a zod schema for its request
 * and the type of its answer. The loopback server, the Electron IPC handlers and the renderer's
 * client are all typed from this one map; core parses every request with these schemas and
 * checks the permission matrix (common/permissions.ts) before anything else happens.
 *
 * Operation names are `area.verb`. Requests are JSON objects; unknown fields are refused.
 * Times in requests are ISO 8601 (site time when no offset is given) or UTC milliseconds.
 */
import { z } from 'zod';
import { INCIDENT_REASONS, ZONES } from '../domain.js';
import { ROLES } from '../permissions.js';
import { SettingsSchema, type SettingKey } from '../settings.js';
import { FOOTAGE_KINDS } from './http.js';
import type {
  AlarmView,
  ComplianceReportView,
  ExportView,
  HandoverResultView,
  PackageDiscardView,
  VerifyStartView,
  VerifyView,
  CameraView,
  ClipReclassifyView,
  HoldView,
  IncidentCloseView,
  IncidentDetailView,
  IncidentSummaryView,
  PlaybackView,
  RootAddedView,
  SegmentsView,
  SessionView,
  SettingChangedView,
  SettingsView,
  StatusView,
  SweepPreviewView,
  StillView,
  UserView,
} from './types.js';
import type { LayoutProposal } from '../layout-proposal.js';
import { MaskTrackSchema } from '../mask-track.js';
import type {
  RequestCloseView,
  RequestDetailView,
  RequestFileView,
  RequestIntakeView,
  RequestMarkView,
  RequestMasksView,
  RequestPackageChunkView,
  RequestProposalView,
  RequestRegisterRow,
  RequestSummaryView,
} from './requests.js';
import { REASON_CLASSES, type DeletionLogPageView, type FootageViewsPageView, type HandoverLogEntryView, type LogDownloadView, type ReceiptView } from './report.js';

/** An instant: ISO 8601 text (site time without an offset) or UTC milliseconds. */
export const Instant = z.union([z.number().int().min(0).max(8_640_000_000_000), z.string().min(4).max(40)]);
const text = (max: number) => z.string().max(max);
const id = z.number().int().positive();
const cameraId = z.string().min(1).max(100);
const incidentRef = z.string().min(1).max(40);
const requestRef = z.string().min(1).max(40);
/** A time and place an access request names: cameras and a window. */
const RequestWindow = z.strictObject({ cameras: z.array(cameraId).min(1).max(100), from: Instant, to: Instant });
/** Where a page of the deletion log ends: its last row's deletion time and id. */
const DeletionCursor = z.strictObject({ at: z.number().int().min(0), id: z.number().int().min(0) });
/** The deletion log's filters (the screen and the download take the same). */
const deletionFilter = {
  from: Instant.optional(),
  to: Instant.optional(),
  reason: z.enum(REASON_CLASSES).optional(),
  kind: z.enum(['segment', 'clip', 'package']).optional(),
  camera: cameraId.optional(),
  root: id.optional(),
  late: z.boolean().optional(),
};
export const USER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;
const userName = z.string().regex(USER_NAME_RE, 'a user name of 2–32 letters, digits, ".", "_" or "-", starting with a letter or digit');
/** Passwords: long enough to resist guessing, short enough that hashing cannot be used to stall the server. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
const password = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
const MaskSchema = z.strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), w: z.number().gt(0).max(1), h: z.number().gt(0).max(1) });
const empty = z.strictObject({});
const SETTING_KEYS = Object.keys(SettingsSchema.shape) as [SettingKey, ...SettingKey[]];
/**
 * Settings that name programs or folders on this machine: changed only on the command line (by
 * whoever runs Custodian as the OS user), never through the API, so logging in as an
 * administrator cannot make Custodian run another program or write elsewhere.
 */
export const LOCAL_ONLY_SETTINGS: readonly SettingKey[] = ['ffmpegPath', 'ffprobePath', 'archiveDir', 'maskingModelDir', 'backupDir'];

/** One operation: its request schema, a sentence for the docs, and (as a type only) its answer. */
export interface OperationDef<Req extends z.ZodType, Res> {
  readonly request: Req;
  readonly summary: string;
  /** Callable without a session (only logging in). */
  readonly public?: true;
  /** Never present at runtime: carries the answer's type. */
  readonly response?: Res;
}

function op<Res>() {
  return <Req extends z.ZodType>(request: Req, summary: string): OperationDef<Req, Res> => ({ request, summary });
}

function publicOp<Res>() {
  return <Req extends z.ZodType>(request: Req, summary: string): OperationDef<Req, Res> & { readonly public: true } => ({ request, summary, public: true });
}

export const CONTRACT = {
  'auth.login': publicOp<SessionView>()(z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX) }), 'Log in; sets the session cookie (browser mode).'),
  'auth.logout': op<{ loggedOut: true }>()(empty, 'End this session.'),
  'session.me': op<SessionView>()(empty, 'Who is logged in, their role and what they may do.'),

  status: op<StatusView>()(empty, 'Roots online/offline, cameras with oldest and newest recording, next deletion, open alarms.'),
  'cameras.list': op<{ cameras: CameraView[] }>()(empty, 'Cameras with name, zone and privacy masks.'),
  'cameras.set': op<CameraView>()(
    z.strictObject({ id: cameraId, name: text(100).nullable().optional(), zone: z.enum(ZONES).optional(), masks: z.array(MaskSchema).max(32).optional() }),
    "Change a camera's name, zone or privacy masks.",
  ),
  'segments.list': op<SegmentsView>()(
    z.strictObject({ camera: cameraId, from: Instant, to: Instant, limit: z.number().int().min(1).max(50_000).optional() }),
    'The recorded segments of one camera in a time range (at most 31 days), with holds and the retention line.',
  ),
  'playback.url': op<PlaybackView>()(
    z.strictObject({ kind: z.enum(FOOTAGE_KINDS), id }),
    "A URL that streams a segment, an archived clip, or an access request's clip or masked copy (the viewing is audit-logged).",
  ),
  'thumbnails.get': op<StillView>()(z.strictObject({ segment: id }), "A recording's still for the timeline (its first keyframe, 240 px wide), made on first use and deleted with the recording (the viewing is audit-logged)."),
  'cameras.frame': op<StillView>()(z.strictObject({ camera: cameraId }), "The camera's current picture, full size, to draw privacy masks on (from its newest readable recording; the viewing is audit-logged)."),

  'holds.list': op<{ holds: HoldView[] }>()(z.strictObject({ all: z.boolean().optional() }), 'Active holds (with `all`, released ones too).'),
  'holds.add': op<HoldView>()(
    z.strictObject({ cameras: z.array(cameraId).min(1).max(100), from: Instant, to: Instant, reason: text(2000) }),
    'Keep recordings of cameras in a time window from deletion.',
  ),
  'holds.release': op<HoldView>()(z.strictObject({ id, reason: text(2000) }), 'Release a hold, saying why.'),

  'incidents.list': op<{ incidents: IncidentSummaryView[] }>()(empty, 'Incidents, overdue ones first.'),
  'incidents.show': op<IncidentDetailView>()(z.strictObject({ ref: incidentRef }), "An incident's clips, hashes, gaps and history."),
  'incidents.create': op<IncidentSummaryView>()(
    z.strictObject({
      reason: z.enum(INCIDENT_REASONS),
      justification: text(4000),
      title: text(200),
      from: Instant,
      to: Instant,
      cameras: z.array(cameraId).min(1).max(100),
      reviewBy: Instant.optional(),
    }),
    "Create an incident for one of the policy's reasons; its window is held at once (archive it next).",
  ),
  'incidents.archive': op<IncidentDetailView>()(
    z.strictObject({ ref: incidentRef }),
    "Copy an incident's footage into the archive (resumes after a failure); progress is pushed as events.",
  ),
  'incidents.extend': op<IncidentSummaryView>()(z.strictObject({ ref: incidentRef, reviewBy: Instant, reason: text(2000) }), 'Move the review date, saying why the material is still needed.'),
  'incidents.close': op<IncidentCloseView>()(z.strictObject({ ref: incidentRef, reason: text(2000) }), 'Close without handover: the archived material is deleted and the deletion logged.'),
  'exports.create': op<ExportView>()(
    z.strictObject({ ref: incidentRef, audience: z.enum(['police', 'hr']), zip: z.boolean().optional() }),
    "Write a signed evidence package of an archived incident for the Police or HR (into the data folder's exports/); progress is pushed as events.",
  ),
  'handover.record': op<HandoverResultView>()(
    z.strictObject({ ref: incidentRef, to: z.enum(['police', 'hr']), packageId: z.string().min(1).max(100), recipient: text(200), reference: text(200), method: text(200).optional(), note: text(2000).optional() }),
    'Record that a package was handed over (who, to whom, reference); the archived material is then deleted and the deletion logged.',
  ),
  'packages.discard': op<PackageDiscardView>()(
    z.strictObject({ packageId: z.string().min(1).max(100), reason: text(2000) }),
    'Record that a package will not be handed over, saying why; its copy is deleted, and the material too if it was the last package waiting after a handover.',
  ),
  'packages.verifyStart': op<VerifyStartView>()(
    z.strictObject({ kind: z.enum(['zip', 'folder']), name: text(300) }),
    "Begin checking a package (a zip, or a folder's files) against this site's key: the files are then uploaded to the address given, one request each.",
  ),
  'packages.verifyFinish': op<VerifyView>()(
    z.strictObject({ uploadId: z.string().min(1).max(100) }),
    "Check what was uploaded and answer the verdict (valid, intact or not whole), the signer's key fingerprint and every problem; the upload is then forgotten.",
  ),
  'clips.reclassify': op<ClipReclassifyView>()(z.strictObject({ clip: id, subjects: z.enum(ZONES), reason: text(2000) }), "Correct an archived clip's staff/visitor/mixed classification."),

  'requests.list': op<{ requests: RequestSummaryView[] }>()(empty, 'Access requests (GDPR art. 15): each with its deadline and where it stands, the ones to answer first on top.'),
  'requests.show': op<RequestDetailView>()(z.strictObject({ ref: requestRef }), "An access request: the requester, the windows it froze, the clips marked, their masks, the answer, the delivery and its history."),
  'requests.create': op<RequestIntakeView>()(
    z.strictObject({
      received: Instant,
      name: text(200),
      contact: text(500),
      identityCheckedBy: text(200),
      identityMethod: text(500),
      description: text(4000),
      language: z.enum(['sv', 'en']).optional(),
      windows: z.array(RequestWindow).min(1).max(20),
    }),
    'Register a signed access request (reference DSR-YYYY-NNNN): due one calendar month after receipt; the windows it names are held at once.',
  ),
  'requests.addWindow': op<RequestIntakeView>()(z.strictObject({ ref: requestRef, ...RequestWindow.shape }), 'Add a time and place to an open access request; it is held at once.'),
  'requests.extend': op<RequestDetailView>()(
    z.strictObject({ ref: requestRef, reason: text(2000), told: Instant, until: Instant.optional() }),
    'Extend an access request once, before its first deadline, by at most two months, with the reason and when the requester was told.',
  ),
  'requests.mark': op<RequestMarkView>()(
    z.strictObject({ ref: requestRef, camera: cameraId, from: Instant, to: Instant }),
    'Mark where the requester appears (a camera, from–to, inside a window of the request): archived at once as hashed clips; progress is pushed as events.',
  ),
  'requests.unmark': op<RequestCloseView>()(z.strictObject({ ref: requestRef, clip: id, reason: text(2000) }), "Take back a mark: its clip and masked copy are deleted and the deletion logged."),
  'requests.notFound': op<RequestDetailView>()(z.strictObject({ ref: requestRef, note: text(2000) }), 'Answer that no recordings of the requester were found: the holds are released at once.'),
  'requests.masks': op<RequestMasksView>()(z.strictObject({ ref: requestRef, clip: id }), "A clip's mask tracks (the ones kept visible are the requester's) and its masked copy."),
  'requests.propose': op<RequestProposalView>()(
    z.strictObject({ ref: requestRef, clip: id }),
    "Propose mask tracks for every person in a clip with the offline detector (the requester's are then picked); progress is pushed as events. Without the detector, says so: masks drawn by hand still work.",
  ),
  'requests.saveMasks': op<RequestMasksView>()(
    z.strictObject({ ref: requestRef, clip: id, tracks: z.array(MaskTrackSchema).max(5000), keep: z.array(z.string().max(64)).max(5000) }),
    'Save the mask tracks drawn or corrected on a clip, and which of them are the requester (left visible); an empty set says nobody else is in it.',
  ),
  'requests.render': op<RequestMasksView>()(
    z.strictObject({ ref: requestRef, clip: id }),
    'Burn the saved masks into a masked copy of the clip (re-encoded, irreversible): the preview, and what the answer holds; progress is pushed as events.',
  ),
  'requests.answer': op<RequestDetailView>()(
    z.strictObject({ ref: requestRef }),
    "Make the answer: a signed package for the data subject with the masked clips and the letter (or the letter alone when nothing was found); progress is pushed as events.",
  ),
  'requests.deliver': op<RequestCloseView>()(
    z.strictObject({ ref: requestRef, method: text(200), note: text(2000).optional() }),
    "Record how the answer was delivered (once); then the holds are released and the request's material deleted, each deletion logged.",
  ),
  'requests.withdraw': op<RequestCloseView>()(z.strictObject({ ref: requestRef, reason: text(2000) }), 'The requester withdrew: the holds are released and what was made for the request deleted.'),
  'requests.letter': op<RequestFileView>()(z.strictObject({ ref: requestRef }), 'The letter that answers a request (PDF), made from the record.'),
  'requests.package': op<RequestPackageChunkView>()(
    z.strictObject({ ref: requestRef, offset: z.number().int().min(0).optional() }),
    "The data subject's package as a zip, one chunk of at most 4 MB per call (pass `offset` for the next), to carry to the requester; audit-logged.",
  ),
  'requests.register': op<{ requests: RequestRegisterRow[] }>()(empty, "The DPO's register of access requests: received, due, extended, answered, days taken, outcome."),
  'requests.download': op<LogDownloadView>()(z.strictObject({ format: z.enum(['csv', 'json']) }), 'The register of access requests as CSV or JSON (one chunk).'),

  'alarms.list': op<{ alarms: AlarmView[] }>()(z.strictObject({ all: z.boolean().optional() }), 'Open alarms (with `all`, those acknowledged in the last 90 days too).'),
  'alarms.ack': op<AlarmView>()(z.strictObject({ id, note: text(2000).optional() }), 'Acknowledge an alarm (for a paused deletion: lets the next sweep go ahead once).'),

  'logs.deletions': op<DeletionLogPageView>()(
    z.strictObject({
      ...deletionFilter,
      /** The same as `from` (older clients). */
      since: Instant.optional(),
      after: DeletionCursor.optional(),
      limit: z.number().int().min(1).max(5000).optional(),
      totals: z.boolean().optional(),
    }),
    'The deletion log in deletion order, a page at a time (keyset `after`), with due time, lateness and, when asked, totals for the filter (it names no person).',
  ),
  'logs.handovers': op<{ handovers: HandoverLogEntryView[] }>()(
    z.strictObject({ since: Instant.optional() }),
    'The handover log: what went to whom, when, how, with which reference and checksums, what each package held (clips, cameras, staff/visitor/mixed, masking) and whether its receipt can be fetched.',
  ),
  'logs.views': op<FootageViewsPageView>()(
    z.strictObject({ from: Instant.optional(), to: Instant.optional(), user: z.string().min(1).max(64).optional(), camera: cameraId.optional(), after: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional(), totals: z.boolean().optional() }),
    'Who viewed which footage when (the audit log\'s footage views), a page at a time.',
  ),
  'logs.download': op<LogDownloadView>()(
    z.strictObject({
      log: z.enum(['deletions', 'handovers', 'views']),
      format: z.enum(['csv', 'json']),
      ...deletionFilter,
      user: z.string().min(1).max(64).optional(),
      after: z.string().max(100).optional(),
      /** Rows per chunk (default 5000). */
      limit: z.number().int().min(1).max(5000).optional(),
    }),
    'A log as CSV or JSON, one chunk per call (pass `after` for the next; the last chunk has `next: null`); only logs the role may read.',
  ),
  'handovers.receipt': op<ReceiptView>()(z.strictObject({ id, format: z.enum(['html', 'pdf']) }), "A handover's receipt (HTML or PDF), as kept in the data folder."),
  'reports.compliance': op<ComplianceReportView>()(z.strictObject({ from: Instant.optional(), to: Instant.optional() }), 'The compliance report for a period (default the last 90 days) with a verdict per policy clause.'),

  'roots.propose': op<LayoutProposal>()(
    z.strictObject({ path: text(4096).min(1) }),
    'Look at a folder that is to become a recording root: the layout that explains its names, what it reads from a few real files, how many it cannot place, whether it is in doubt, or why the folder is refused; registers nothing.',
  ),
  'roots.add': op<RootAddedView>()(
    z.strictObject({ path: text(4096).min(1), layout: text(500).min(1), layoutTimeZone: text(64).optional() }),
    'Register a recording root with the layout a person confirmed after roots.propose (stores whose files must never be deleted one by one are refused); it is indexed at the next scan.',
  ),

  'settings.get': op<SettingsView>()(empty, 'All site settings.'),
  'settings.set': op<SettingChangedView>()(z.strictObject({ key: z.enum(SETTING_KEYS), value: z.unknown() }), 'Change one setting (audit-logged with the old and new value); program paths and the archive folder only on the command line.'),

  'users.list': op<{ users: UserView[] }>()(empty, 'Users, their roles, and whether they are disabled or locked.'),
  'users.add': op<UserView>()(z.strictObject({ name: userName, role: z.enum(ROLES), password }), 'Add a user with a role and a first password.'),
  'users.setRole': op<UserView>()(z.strictObject({ name: userName, role: z.enum(ROLES) }), "Change a user's role: their sessions and event streams end at once, and they log in again with the new role."),
  'users.disable': op<UserView>()(z.strictObject({ name: userName }), 'Disable a user: their sessions end at once and they cannot log in.'),
  'users.unlock': op<UserView>()(z.strictObject({ name: userName }), 'Lift the lock that failed logins put on a user (before its 15 minutes are over).'),
  'users.setPassword': op<UserView>()(z.strictObject({ name: userName, password }), "Give a user a new password (an administrator's reset): their sessions end and a lock from failed logins is lifted."),

  'sweep.dryRun': op<SweepPreviewView>()(empty, 'What the retention sweep would delete now, and when the next deletion is due; deletes nothing.'),
} as const;

export type Contract = typeof CONTRACT;
export type OperationName = keyof Contract;
/** Operations that need a session: all but logging in. */
export type GuardedOperation = { [K in OperationName]: Contract[K] extends { public: true } ? never : K }[OperationName];
/** What a caller sends (before defaults are applied). */
export type RequestOf<Op extends OperationName> = z.input<Contract[Op]['request']>;
/** What a handler receives (after parsing). */
export type ParsedRequestOf<Op extends OperationName> = z.output<Contract[Op]['request']>;
export type ResponseOf<Op extends OperationName> = Contract[Op] extends OperationDef<z.ZodType, infer R> ? R : never;

export const OPERATION_NAMES = Object.keys(CONTRACT) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(CONTRACT, name);
}

export function isPublicOperation(name: OperationName): boolean {
  const def: OperationDef<z.ZodType, unknown> = CONTRACT[name];
  return def.public === true;
}

/** The operations as a Markdown table (docs/users-and-server.md carries exactly this). */
export function operationsMarkdown(): string {
  const rows = OPERATION_NAMES.map((name) => `| \`${name}\` | ${CONTRACT[name].summary.replace(/\|/g, '\\|')} |`);
  return ['| operation | what it does |', '|---|---|', ...rows].join('\n');
}
