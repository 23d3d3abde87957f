/** What `custodian status` and the overview show. */
import { formatInstant } from '../common/time.js';
import { listCameras } from '../db/cameras.js';
import { listRoots } from '../db/roots.js';
import { cameraStats, countMarked, countSegments, countWithAudio } from '../db/segments.js';
import { countUnrecognised, listUnrecognised } from '../db/unrecognised.js';
import { alarmMsg, openAlarms } from './alarms.js';
import type { Ctx } from './context.js';
import { nextDueMs } from './retention.js';
import { retentionCutoff } from '../common/time.js';
import type { StatusView } from '../common/api/types.js';


/** The shape the API contract names (common/api/types.ts). */
export type Status = StatusView;

export function status(ctx: Ctx): Status {
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  const iso = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms, tz));
  const stats = new Map(cameraStats(ctx.db).map((c) => [c.camera_id, c]));
  const next = nextDueMs(ctx);
  return {
    siteTimeZone: tz,
    retentionMonths: s.retentionMonths,
    roots: listRoots(ctx.db).map((r) => ({
      id: r.id,
      path: r.path,
      layout: r.layout,
      online: r.online === 1,
      offlineReason: r.offline_reason,
      segments: countSegments(ctx.db, r.id),
      lastScan: iso(r.last_scan_ms),
    })),
    cameras: listCameras(ctx.db).map((c) => {
      const st = stats.get(c.id);
      return {
        id: c.id,
        name: c.name,
        zone: c.zone,
        classified: c.classified === 1,
        segments: st?.segments ?? 0,
        oldest: iso(st?.oldest ?? null),
        newest: iso(st?.newest ?? null),
        bytes: st?.bytes ?? null,
      };
    }),
    segments: countSegments(ctx.db),
    unrecognised: countUnrecognised(ctx.db),
    unrecognisedSample: listUnrecognised(ctx.db, 20).map((u) => ({ root: u.root_id, path: u.dir_rel === '' ? u.name : `${u.dir_rel}/${u.name}`, reason: u.reason })),
    audioSegments: countWithAudio(ctx.db),
    pendingDeletions: countMarked(ctx.db),
    retentionHorizon: formatInstant(retentionCutoff(ctx.now(), s.retentionMonths, tz), tz),
    nextDeletion: iso(next),
    alarms: openAlarms(ctx).map((a) => ({ id: a.id, kind: a.kind, message: a.message, msg: alarmMsg(a), raised: formatInstant(a.raised_ms, tz), conditionEnded: a.cleared_ms !== null })),
  };
}
