/**
 * A root is deleted in only while it is demonstrably the root Custodian registered: its sentinel
 * is there, with the same UUID, and the root folder and sentinel file are the very ones trusted
 * (inodes). The guard is checked inside every write transaction that unlinks, so storage that
 * goes away mid-sweep (a share dropping, `umount -l`) or a sentinel copied onto an empty mount
 * point stops deletion before the next file, and nothing is logged as gone because of it.
 */
import { english, type Msg } from '../../common/i18n/catalog.js';
import type { RootRow } from '../../db/roots.js';
import type { Ctx } from '../context.js';
import { getRoot } from '../../db/roots.js';
import { checkRoot, checkSentinel, type SentinelCheck } from '../roots.js';

export type GuardProblem = { kind: 'root-offline' | 'root-identity'; reason: string; msg: Msg };

export class RootGuard {
  private constructor(
    readonly root: RootRow,
    private readonly rootIno: number,
    private readonly sentinelIno: number,
  ) {}

  static problemOf(check: Exclude<SentinelCheck, { online: true }>): GuardProblem {
    return check.identity
      ? { kind: 'root-identity', reason: check.reason, msg: { key: 'deletion:refusedIdentity', params: { reason: check.reason } } }
      : { kind: 'root-offline', reason: check.reason, msg: { key: 'deletion:refusedOffline', params: { reason: check.reason } } };
  }

  static open(ctx: Ctx, root: RootRow): RootGuard | GuardProblem {
    const c = checkRoot(ctx, root);
    if (!c.online) return RootGuard.problemOf(c);
    return new RootGuard(getRoot(ctx.db, root.id) ?? root, c.rootIno, c.sentinelIno);
  }

  /** Still the same root, online, now. */
  check(): true | GuardProblem {
    const c = checkSentinel(this.root);
    if (!c.online) return RootGuard.problemOf(c);
    if (c.rootIno !== this.rootIno || c.sentinelIno !== this.sentinelIno) {
      return RootGuard.problemOf({ online: false, identity: true, reason: english({ key: 'media:sentinelChanged' }) });
    }
    return true;
  }
}
