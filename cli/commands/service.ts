import type { Command } from 'commander';
import path from 'node:path';
import { formatInstant } from '../../common/time.js';
import { audit } from '../../core/audit.js';
import { setCamera } from '../../core/cameras.js';
import { openCtx } from '../../core/context.js';
import { scanAll } from '../../core/indexer.js';
import { nextDueMs } from '../../core/retention.js';
import { addRoot } from '../../core/roots.js';
import { RetentionService } from '../../core/service.js';
import { addUser, generatePassword } from '../../core/users.js';
import { writeFileSync } from 'node:fs';
import { clockFrom, dataDirFrom } from '../context.js';
import { printJson } from '../io.js';
import { globals, type CliContext } from './shared.js';

export function registerService(program: Command, c: CliContext): void {
  program
    .command('run')
    .description('the service: watch the roots, index new segments, rescan, sweep on schedule (Ctrl-C stops it)')
    .option('--no-probe', 'do not run ffprobe in the background')
    .option('--exit-after <seconds>', 'stop by itself after this long (tests, demos)')
    .action(async (opts: { probe: boolean; exitAfter?: string }, cmd: Command) => {
      const g = globals(cmd);
      const now = clockFrom(c.io);
      const ctx = openCtx({ dataDir: dataDirFrom(g, c.io), mustExist: true, ...(now ? { now } : {}) });
      const tz = ctx.settings().siteTimeZone;
      const log = (line: string): void => {
        if (g.json) c.io.out(`${JSON.stringify({ event: 'log', at: formatInstant(ctx.now(), tz), message: line })}\n`);
        else c.io.out(`[${formatInstant(ctx.now(), tz).slice(11, 19)}] ${line}\n`);
      };
      const emit = (event: string, data: unknown): void => {
        if (g.json) c.io.out(`${JSON.stringify({ event, at: formatInstant(ctx.now(), tz), ...(data as object) })}\n`);
      };
      const service = new RetentionService(
        ctx,
        {
          log,
          scanned(reports) {
            emit('scan', { roots: reports });
            if (!g.json) {
              for (const r of reports) {
                if (!r.online) log(`${r.path}: OFFLINE (${r.offlineReason ?? ''}) — nothing indexed or deleted there`);
                else if (r.added || r.missing || r.changed || r.missingRefused) log(`${r.path}: indexed ${r.added} new, ${r.missing} gone, ${r.changed} changed, ${r.unrecognised} unrecognised (${r.durationMs} ms)`);
              }
            }
          },
          swept(r) {
            emit('sweep', { deleted: r.deleted, held: r.held, due: r.due, deferred: r.deferred, refused: r.refused, durationMs: r.durationMs, nextDue: r.nextDueMs === null ? null : formatInstant(r.nextDueMs, tz) });
            if (!g.json) {
              // Point to the alarms only when an alarm stands behind the refusal.
              if (r.refused) log(`sweep REFUSED: ${r.refused}${r.alarms.length > 0 ? ` (alarm ${r.alarms.map((a) => `#${a}`).join(', ')}: see custodian alarms)` : ''}`);
              else if (r.deleted || r.deferred) log(`sweep: deleted ${r.deleted} recordings that turned ${ctx.settings().retentionMonths} months old; ${r.held} held${r.deferred ? `; ${r.deferred} to retry` : ''}`);
              log(`next deletion due ${r.nextDueMs === null ? '—' : formatInstant(r.nextDueMs, tz).replace('T', ' ')}`);
            }
          },
          indexed(file, result) {
            emit('indexed', { file, result });
            if (!g.json && result === 'indexed') log(`indexed ${file}`);
          },
        },
        { probe: opts.probe },
      );
      audit(ctx, 'service.started', { pid: process.pid });
      log(`Custodian service started on ${ctx.dataDir}`);
      await service.start();
      log(`watching ${service.watchedFolders().length} folders; Ctrl-C stops`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        if (opts.exitAfter) setTimeout(stop, Number(opts.exitAfter) * 1000).unref();
      });
      await service.stop();
      audit(ctx, 'service.stopped', { pid: process.pid });
      ctx.close();
      log('stopped');
    });

  program
    .command('demo')
    .description('make a demo recorder (4 cameras, ~70 days of recordings) and a data folder for it')
    .option('--out <dir>', 'where to put the demo', 'custodian-demo')
    .option('--live', 'keep the demo recorder recording (a new segment per camera every 10 minutes) until stopped')
    .action(async (opts: { out: string; live?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const out = path.resolve(opts.out);
      const now = clockFrom(c.io) ?? (() => Date.now());
      if (opts.live) {
        const { recordDemoUntil } = await import('../../fixtures/demo-live.js');
        const tick = (): void => {
          for (const f of recordDemoUntil({ out, nowMs: now() })) c.io.out(`recorded ${f}\n`);
        };
        tick();
        const timer = setInterval(tick, 30_000);
        await new Promise<void>((resolve) => {
          for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
        });
        clearInterval(timer);
        return;
      }
      if (!g.json) c.io.out(`Making a demo recorder in ${out} …\n`);
      // Loaded only here: the demo generator (fixtures/) is not part of everyday commands.
      const { buildDemo } = await import('../../fixtures/demo.js');
      const demo = await buildDemo({ out, nowMs: now(), onProgress: (m: string) => (g.json ? undefined : c.io.out(`  ${m}\n`)) });
      const dataDir = g.data ?? path.join(out, 'data');
      const ctx = openCtx({ dataDir, now });
      try {
        audit(ctx, 'demo.created', { recorder: demo.recorderRoot });
        const root = addRoot(ctx, { path: demo.recorderRoot, layout: 'camera-date-time' });
        const reports = scanAll(ctx);
        for (const cam of demo.cameras) setCamera(ctx, cam.id, { name: cam.name, zone: cam.zone });
        // One user per role, with passwords printed here and kept in <out>/logins.json (0600).
        const logins: Record<string, string> = {};
        for (const role of ['officer', 'hr', 'dpo', 'admin'] as const) {
          logins[role] = generatePassword();
          await addUser(ctx, { name: role, role, password: logins[role] });
        }
        writeFileSync(path.join(out, 'logins.json'), `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
        const next = nextDueMs(ctx);
        const tz = ctx.settings().siteTimeZone;
        const result = {
          dataDir: ctx.dataDir,
          recorder: demo.recorderRoot,
          root: root.id,
          cameras: demo.cameras,
          indexed: reports[0]?.added ?? 0,
          from: formatInstant(demo.from, tz),
          to: formatInstant(demo.to, tz),
          realFrom: formatInstant(demo.realFrom, tz),
          nextDue: next === null ? null : formatInstant(next, tz),
          logins,
        };
        if (g.json) printJson(c.io, result);
        else {
          c.io.out(`Demo recorder: ${demo.recorderRoot}\nData folder:   ${ctx.dataDir}\nIndexed ${result.indexed} segments from ${demo.cameras.length} cameras.\n`);
          c.io.out(`The last hour (from ${result.realFrom.slice(11, 16)}) is real footage with true times burned in.\n`);
          c.io.out(`Demo logins (user / password), also in ${path.join(out, 'logins.json')}:\n`);
          for (const [role, pw] of Object.entries(logins)) c.io.out(`  ${role.padEnd(8)} ${pw}\n`);
          c.io.out(`Try: custodian --data ${ctx.dataDir} status\n`);
        }
      } finally {
        ctx.close();
      }
    });
}
