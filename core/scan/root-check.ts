/** Before a root is scanned: is it the disk we know (safety rule 1), and is it nearly full? */
import { statfsSync } from 'node:fs';
import { setRootOnline, type RootRow } from '../../db/roots.js';
import { conditionEnded, raiseAlarm } from '../alarms.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { checkRoot } from '../roots.js';
import { textMsg } from '../../common/i18n/words.js';
import type { ScanReport } from './report.js';

/** False when the root is offline: then nothing in it is indexed, marked missing or deleted. */
export function rootOnline(ctx: Ctx, root: RootRow, report: ScanReport): boolean {
  const alarmKey = `root-offline:${root.id}`;
  const sentinel = checkRoot(ctx, root);
  if (!sentinel.online) {
    setRootOnline(ctx.db, root.id, false, sentinel.reason);
    if (sentinel.identity) {
      // Not the disk Custodian registered (a copied sentinel, a swapped folder): the same alarm the sweep raises.
      raiseAlarm(ctx, { kind: 'root-identity', key: `root-identity:${root.id}`, rootId: root.id, msg: { key: 'deletion:alarmRootIdentity', params: { root: root.path, reason: textMsg(sentinel.reason) } }, details: { root: root.id, reason: sentinel.reason } });
    } else {
      raiseAlarm(ctx, { kind: 'root-offline', key: alarmKey, rootId: root.id, msg: { key: 'alarm:rootOffline', params: { root: root.path, reason: textMsg(sentinel.reason) } }, details: { root: root.id, path: root.path } });
    }
    report.online = false;
    report.offlineReason = sentinel.reason;
    return false;
  }
  if (!root.online) {
    setRootOnline(ctx.db, root.id, true, null);
    audit(ctx, 'root.online', { root: root.id, path: root.path });
  }
  conditionEnded(ctx, alarmKey);
  return true;
}

/**
 * A nearly full recorder disk is an alarm for a person. Custodian never answers it by deleting
 * more (held footage stays held whatever the disk says).
 */
export function checkFreeSpace(ctx: Ctx, root: RootRow): void {
  const key = `disk-full:${root.id}`;
  let free: number;
  try {
    const st = statfsSync(root.path);
    free = st.blocks > 0 ? st.bavail / st.blocks : 1;
  } catch {
    return;
  }
  if (free < 0.02) {
    raiseAlarm(ctx, { kind: 'disk-full', key, rootId: root.id, msg: { key: 'alarm:diskFull', params: { root: root.path, used: Math.round((1 - free) * 100) } }, details: { root: root.id, free } });
  } else {
    conditionEnded(ctx, key);
  }
}
