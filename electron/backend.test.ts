/**
 * The service process as its own process: the built electron/backend.js, started the way the
 * desktop app starts it (here by Node's fork instead of Electron's utilityProcess), opens the
 * data folder, runs the retention service, answers API calls and stops cleanly on request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../core/users.js';
import { tempDir, testCtx } from '../test/helpers.js';
import { BackendClient } from './backend-client.js';
import type { FromBackend, Port, ToBackend, TrayStatus } from './backend-protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.resolve(here, '..', 'dist', 'electron', 'backend.js');

function childPort(child: ChildProcess): Port<FromBackend, ToBackend> {
  return {
    post: (m) => void child.send(m),
    onMessage: (l) => {
      const h = (m: unknown): void => l(m as FromBackend);
      child.on('message', h);
      return () => child.off('message', h);
    },
  };
}

describe.skipIf(!existsSync(built))('the service process (built backend.js under Node)', () => {
  let t: ReturnType<typeof tempDir>;
  let child: ChildProcess;
  let client: BackendClient;
  const trays: TrayStatus[] = [];

  beforeAll(async () => {
    t = tempDir();
    const data = path.join(t.dir, 'data');
    const ctx = testCtx(data, { now: Date.now() });
    await addUser(ctx, { name: 'officer', role: 'officer', password: 'service process password' });
    ctx.close();
    child = fork(built, ['--custodian-backend', '--data', data], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    client = new BackendClient(childPort(child));
    client.onTray((s) => trays.push(s));
    await client.ready;
  }, 60_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill();
    t?.cleanup();
  });

  it('answers API calls through the core and reports the tray status', async () => {
    const anon = await client.call(undefined, 'status', {});
    expect(anon.result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const login = await client.call(undefined, 'auth.login', { name: 'officer', password: 'service process password' });
    expect(login.result).toMatchObject({ ok: true, data: { user: { name: 'officer', role: 'officer' } } });
    expect(login.session && 'set' in login.session).toBe(true);
    const token = login.session && 'set' in login.session ? login.session.set : undefined;
    const status = await client.call(token, 'status', {});
    expect(status.result).toMatchObject({ ok: true, data: { siteTimeZone: 'Europe/Stockholm', retentionMonths: 2 } });
    await new Promise((r) => setTimeout(r, 50));
    expect(trays[0]).toMatchObject({ rootsTotal: 0, alarms: expect.any(Number) });
  });

  it('stops the service and closes the database when asked', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    client.stop();
    expect(await exited).toBe(0);
  });

  it('refuses to start on a folder that is not a Custodian data folder', async () => {
    const other = fork(built, ['--custodian-backend', '--data', path.join(t.dir, 'nothing-here')], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const c = new BackendClient(childPort(other));
    await expect(c.ready).rejects.toThrow(/no Custodian data folder/);
    other.kill();
  });
});
