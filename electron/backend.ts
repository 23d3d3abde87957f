/**
 * The service process of the desktop app: an Electron utility process (or, in tests, a Node
 * child process) that hosts the core — the retention service (watch, scan, sweep, probe,
 * pending archiving), the API call path, footage streaming — so that nothing long ever runs on
 * Electron's main thread. Only one process sweeps at a time (the lease in the database), so a
 * separate `custodian run` may run beside it.
 *
 * Started with `--data DIR` (or CUSTODIAN_DATA). start() opens the database and the service;
 * a `stop` message (or SIGTERM) stops the service and closes the database.
 */
import { formatInstant } from '../common/time.js';
import { blockingAlarms, openAlarms } from '../core/alarms.js';
import { CustodianApi } from '../core/api/index.js';
import { defaultDataDir, openCtx, type Ctx } from '../core/context.js';
import { nextDueMs } from '../core/retention.js';
import { roots } from '../core/roots.js';
import { RetentionService } from '../core/service.js';
import { BackendHost } from './backend-host.js';
import type { FromBackend, Port, ToBackend, TrayStatus } from './backend-protocol.js';

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** The channel to main: Electron's parentPort in a utility process, process.send under Node. */
export function parentChannel(): Port<ToBackend, FromBackend> {
  const pp = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (pp) {
    return {
      post: (m) => pp.postMessage(m),
      onMessage: (l) => {
        const h = (e: { data: unknown }): void => l(e.data as ToBackend);
        pp.on('message', h);
        return () => pp.off('message', h);
      },
    };
  }
  const send = process.send?.bind(process);
  if (send) {
    return {
      post: (m) => void send(m),
      onMessage: (l) => {
        const h = (m: unknown): void => l(m as ToBackend);
        process.on('message', h);
        return () => process.off('message', h);
      },
    };
  }
  throw new Error('The Custodian service process must be started by the desktop app.');
}

export function dataDirFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const i = argv.indexOf('--data');
  const v = i >= 0 ? argv[i + 1] : undefined;
  return v ?? env.CUSTODIAN_DATA ?? defaultDataDir();
}

export function trayStatus(ctx: Ctx): TrayStatus {
  const rs = roots(ctx);
  const next = nextDueMs(ctx);
  return {
    rootsOnline: rs.filter((r) => r.online === 1).length,
    rootsTotal: rs.length,
    nextDeletion: next === null ? null : formatInstant(next, ctx.settings().siteTimeZone),
    alarms: openAlarms(ctx).length,
    blocking: blockingAlarms(ctx).length,
  };
}

export async function runBackend(port: Port<ToBackend, FromBackend>, dataDir: string, opts: { service?: boolean; exitOnStop?: boolean } = {}): Promise<void> {
  let ctx: Ctx;
  try {
    ctx = openCtx({ dataDir, mustExist: true });
  } catch (e) {
    port.post({ t: 'fatal', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const log = (line: string): void => port.post({ t: 'log', line });
  const api = new CustodianApi(ctx, { onInternalError: (op, e) => log(`internal error in ${op}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`) });
  const service = opts.service === false ? null : new RetentionService(ctx, { log });
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const t of timers) clearInterval(t);
    await service?.stop();
    api.close();
    ctx.close();
    // Let the "stopped" message go out, then end: nothing of ours is left open.
    if (opts.exitOnStop) setTimeout(() => process.exit(0), 50);
  };
  const host = new BackendHost(api, port, { stop, trayStatus: () => trayStatus(ctx) });
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  port.post({ t: 'ready' });
  host.pushTray();
  timers.push(setInterval(() => api.pushStatus(), 5_000));
  // Incident pages follow archiving and handovers as they happen (issue 15).
  timers.push(setInterval(() => api.subscriberCount > 0 && api.pushIncidents(), 1_000));
  timers.push(setInterval(() => host.pushTray(), 15_000));
  if (service) {
    try {
      await service.start();
      log('service started: watching, scanning and sweeping');
      host.pushTray();
    } catch (e) {
      log(`the service could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

// Started as a process of its own (not imported by a test): run.
const isEntry = (process as unknown as { parentPort?: unknown }).parentPort !== undefined || (process.send !== undefined && process.argv.includes('--custodian-backend'));
if (isEntry) {
  const port = parentChannel();
  void runBackend(port, dataDirFromArgs(process.argv, process.env), { service: !process.argv.includes('--no-service'), exitOnStop: true });
}
