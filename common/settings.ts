/**
 * Site settings: one zod schema with the defaults the policy implies. Every change is
 * audit-logged by core; the schema is the single place a default is written down.
 */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './time.js';

const rule = z.enum(['include', 'mask', 'exclude']);
/** What each audience receives of each kind of clip (POLICY P4). */
export const AudienceRulesSchema = z.object({
  police: z.object({ staff: rule, visitor: rule, mixed: rule }),
  hr: z.object({ staff: rule, visitor: rule, mixed: rule }),
});
export type AudienceRules = z.infer<typeof AudienceRulesSchema>;
export const DEFAULT_AUDIENCE_RULES: AudienceRules = {
  police: { staff: 'include', visitor: 'include', mixed: 'include' },
  hr: { staff: 'include', visitor: 'exclude', mixed: 'mask' },
};

export const SettingsSchema = z.object({
  siteTimeZone: z.string().refine(isValidTimeZone, 'not a time zone name').default(DEFAULT_TIME_ZONE),
  language: z.enum(['sv', 'en']).default('sv'),
  /** Policy P2: recordings are kept this many calendar months. */
  retentionMonths: z.number().int().min(1).max(24).default(2),
  sweepIntervalMinutes: z.number().int().min(1).max(1440).default(5),
  scanIntervalMinutes: z.number().int().min(1).max(1440).default(10),
  /** Safety rule 2: a sweep that would delete more than this share of a root waits for a person. */
  massDeletionShare: z.number().gt(0).max(1).default(0.25),
  /** Safety rule 3: a scan that would mark more than this share of a root missing does not. */
  massMissingShare: z.number().gt(0).max(1).default(0.2),
  /** Safety rule 2: a sweep that finds more than this many due files already gone (in one root) stops. */
  massVanishedCount: z.number().int().min(1).max(1_000_000).default(50),
  /** One sweeper at a time: its lease lasts this long unless renewed (a stalled sweeper loses it). */
  sweepLeaseSeconds: z.number().int().min(1).max(3600).default(600),
  /**
   * Clock check: deletion pauses when the newest recording on every online root started more than
   * this long before the wall clock's "now" (a clock set ahead, or every recorder silent).
   */
  clockCheckHours: z.number().min(0.25).max(24 * 366).default(12),
  /** A new file is indexed once it has not grown for this long. */
  settleSeconds: z.number().min(0).max(600).default(1),
  /** Longest segment a recorder writes; bounds end estimates and range queries. */
  maxSegmentMinutes: z.number().int().min(1).max(24 * 60).default(60),
  /** The deletion log's own retention (POLICY G2). */
  deletionLogRetentionMonths: z.number().int().min(1).max(120).default(24),
  handoverLogRetentionMonths: z.number().int().min(1).max(120).default(60),
  incidentReviewDays: z.number().int().min(1).max(365).default(30),
  maxIncidentWindowHours: z.number().int().min(1).max(24 * 31).default(24 * 7),
  sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(30),
  controller: z.string().default('SOS Alarm Sverige AB'),
  dpoContact: z.string().default('dataskyddsombud@example.se'),
  ffmpegPath: z.string().nullable().default(null),
  ffprobePath: z.string().nullable().default(null),
  archiveDir: z.string().nullable().default(null),
  /** Where the person detector's model files are for assisted masking (null: the ones Custodian ships). */
  maskingModelDir: z.string().nullable().default(null),
  /** How long an access request's own record is kept after it was answered or withdrawn (POLICY G2). */
  requestRecordRetentionMonths: z.number().int().min(1).max(120).default(36),
  /** Where the service puts a daily backup of the database (null: no daily backup). */
  backupDir: z.string().nullable().default(null),
  /** How many of its own daily backups the service keeps in backupDir (older ones are removed). */
  backupKeep: z.number().int().min(1).max(3650).default(14),
  audienceRules: AudienceRulesSchema.default(DEFAULT_AUDIENCE_RULES),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

export function parseSettings(raw: Record<string, unknown>): Settings {
  // Unknown keys from a newer version are ignored rather than fatal.
  return SettingsSchema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => k in SettingsSchema.shape)));
}
