/**
 * `custodian log deletions|handovers|views`: the logs the data protection officer reviews, as
 * JSON or CSV (core/logs.ts writes them; CSV cells never start like a formula).
 */
import type { Command } from 'commander';
import { CustodianError } from '../../common/errors.js';
import { parseUserTime } from '../../common/time.js';
import { REASON_CLASSES, type ReasonClass } from '../../common/api/report.js';
import type { Ctx } from '../../core/context.js';
import { DELETION_LOG_COLUMNS, deletionLogEntries, footageViews, HANDOVER_LOG_COLUMNS, handoverCsvRow, handoverLogEntries, VIEW_COLUMNS, type DeletionQuery } from '../../core/logs.js';
import { positiveInt, registerLog, type CliContext, type LogOptions } from './shared.js';

const KINDS = ['segment', 'clip', 'package'] as const;

function str(opts: LogOptions, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

/** --from (or --since) and --to as instants in site time. */
function period(ctx: Ctx, sinceMs: number, opts: LogOptions): { fromMs?: number; toMs?: number } {
  const tz = ctx.settings().siteTimeZone;
  const from = str(opts, 'from');
  const to = str(opts, 'to');
  return {
    ...(from ? { fromMs: parseUserTime(from, tz) } : sinceMs > 0 ? { fromMs: sinceMs } : {}),
    ...(to ? { toMs: parseUserTime(to, tz) } : {}),
  };
}

function deletionQuery(ctx: Ctx, sinceMs: number, opts: LogOptions): DeletionQuery {
  const reason = str(opts, 'reason');
  const kind = str(opts, 'kind');
  const root = str(opts, 'root');
  const camera = str(opts, 'camera');
  if (reason !== undefined && !(REASON_CLASSES as readonly string[]).includes(reason)) throw new CustodianError('invalid_request', `--reason must be one of ${REASON_CLASSES.join(', ')}, not "${reason}".`);
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new CustodianError('invalid_request', `--kind must be one of ${KINDS.join(', ')}, not "${kind}".`);
  return {
    ...period(ctx, sinceMs, opts),
    ...(reason !== undefined ? { reason: reason as ReasonClass } : {}),
    ...(kind !== undefined ? { kind: kind as (typeof KINDS)[number] } : {}),
    ...(camera !== undefined ? { camera } : {}),
    ...(root !== undefined ? { root: positiveInt(root) } : {}),
    ...(opts.late === true ? { lateOnly: true } : {}),
  };
}

const PERIOD: readonly (readonly [string, string])[] = [
  ['--from <time>', 'from this time (ISO 8601; same as --since)'],
  ['--to <time>', 'until this time'],
];

export function registerDpoLogs(log: Command, c: CliContext): void {
  registerLog(log, c, {
    name: 'deletions',
    description: 'every deletion: what, recorded when, due when, deleted when and how late, why',
    options: [...PERIOD, ['--reason <class>', `why: ${REASON_CLASSES.join(', ')}`], ['--kind <kind>', KINDS.join(', ')], ['--camera <id>', 'one camera'], ['--root <id>', 'one recording root'], ['--late', 'only those deleted later than due plus one sweep interval']],
    read: (ctx, since, opts) => deletionLogEntries(ctx, deletionQuery(ctx, since, opts)),
    columns: DELETION_LOG_COLUMNS,
  });
  registerLog(log, c, {
    name: 'handovers',
    description: 'every handover: to whom, their reference, when, how, by whom, which package and what it held',
    read: async (ctx, since) => (await handoverLogEntries(ctx, since)).map(handoverCsvRow),
    columns: HANDOVER_LOG_COLUMNS,
  });
  registerLog(log, c, {
    name: 'views',
    description: 'who viewed which footage when (from the audit log)',
    options: [...PERIOD, ['--user <name>', 'one user'], ['--camera <id>', 'one camera']],
    read: (ctx, since, opts) => {
      const user = str(opts, 'user');
      const camera = str(opts, 'camera');
      return footageViews(ctx, { ...period(ctx, since, opts), ...(user !== undefined ? { user } : {}), ...(camera !== undefined ? { camera } : {}) });
    },
    columns: VIEW_COLUMNS,
  });
}
