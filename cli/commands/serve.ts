/**
 * `custodian serve [--port P]`: browser mode. The same UI and API as the desktop app, served on
 * 127.0.0.1 only (any other --host is refused), for machines without the Electron binary and
 * for end-to-end tests. People log in as users (see `custodian user`); the permission matrix
 * applies to them. SIGINT/SIGTERM stop it cleanly.
 */
import type { Command } from 'commander';
import { CustodianError } from '../../common/errors.js';
import { audit } from '../../core/audit.js';
import { openCtx } from '../../core/context.js';
import { listUsers } from '../../core/users.js';
import { CustodianServer, DEFAULT_PORT } from '../../server/server.js';
import { clockFrom, dataDirFrom } from '../context.js';
import { UsageError } from '../io.js';
import { globals, type CliContext } from './shared.js';

export function registerServe(program: Command, c: CliContext): void {
  program
    .command('serve')
    .description('browser mode: the app on http://127.0.0.1:PORT/ for a browser on this machine (Ctrl-C stops it)')
    .option('--port <port>', 'the port (0: any free one)', String(DEFAULT_PORT))
    .option('--host <address>', 'only 127.0.0.1 is accepted: footage never goes on the network', '127.0.0.1')
    .option('--exit-after <seconds>', 'stop by itself after this long (tests, demos)')
    .action(async (opts: { port: string; host: string; exitAfter?: string }, cmd: Command) => {
      const g = globals(cmd);
      if (opts.host !== '127.0.0.1') {
        throw new CustodianError('invalid_request', `Custodian serves only on 127.0.0.1 (this machine); --host ${opts.host} is refused. Footage must not be reachable from the network.`);
      }
      if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${opts.port}".`);
      const now = clockFrom(c.io);
      const ctx = openCtx({ dataDir: dataDirFrom(g, c.io), mustExist: true, ...(now ? { now } : {}) });
      const server = new CustodianServer({ ctx, port: Number(opts.port), log: (line) => c.io.err(`${line}\n`) });
      let url: string;
      try {
        url = (await server.start()).url;
      } catch (e) {
        ctx.close();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CustodianError('conflict', `Port ${opts.port} is in use (another Custodian?): choose another with --port.`);
        if (code === 'EACCES') throw new CustodianError('invalid_request', `Port ${opts.port} may not be used by this user: choose one above 1023.`);
        throw e;
      }
      audit(ctx, 'server.started', { url, pid: process.pid });
      if (g.json) c.io.out(`${JSON.stringify({ url })}\n`);
      else {
        c.io.out(`Custodian in browser mode: ${url}\n`);
        if (listUsers(ctx).length === 0) c.io.out('There are no users yet: add one with "custodian user add NAME --role ROLE".\n');
        c.io.out('Log in as a user (custodian user list). Ctrl-C stops the server.\n');
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        if (opts.exitAfter) setTimeout(stop, Number(opts.exitAfter) * 1000).unref();
      });
      await server.stop();
      audit(ctx, 'server.stopped', { url, pid: process.pid });
      ctx.close();
      if (!g.json) c.io.out('Stopped.\n');
    });
}
