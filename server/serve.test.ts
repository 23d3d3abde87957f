/**
 * The command line side of people and browser mode: `custodian user …` and `custodian serve`,
 * in-process with a scripted password input, and as a real process with a piped password and a
 * real listening socket.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUsers, type PasswordInput } from '../cli/commands/users.js';
import { runCli } from '../cli/main.js';
import type { Io } from '../cli/io.js';
import { listAudit } from '../db/audit.js';
import { openCtx } from '../core/context.js';
import { tempDir } from '../test/helpers.js';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = pathToFileURL(path.join(TOP, 'cli', 'main.ts')).href;

function memoryIo(): { io: Io; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {} }, out: () => out.join(''), err: () => err.join('') };
}

/** A program with only the user commands, reading passwords from `input`. */
async function userCli(data: string, args: string[], input: PasswordInput): Promise<{ code: number; out: string; err: string }> {
  const m = memoryIo();
  let code = 0;
  const program = new Command('custodian').option('--data <dir>').option('--json').exitOverride().configureOutput({ writeOut: m.io.out, writeErr: m.io.err });
  registerUsers(program, { io: m.io, setExit: (c) => (code = c) }, input);
  for (const c of program.commands) {
    c.exitOverride();
    for (const s of c.commands) s.exitOverride();
  }
  try {
    await program.parseAsync(['--data', data, ...args], { from: 'user' });
  } catch (e) {
    m.io.err(`${(e as Error).message}\n`);
    code = code || 1;
  }
  return { code, out: m.out(), err: m.err() };
}

const stdinWith = (text: string): PasswordInput => ({ readAll: async () => text, prompt: () => null });
const terminalTyping = (...answers: string[]): PasswordInput => ({ readAll: async () => '', prompt: () => Promise.resolve(answers.shift() ?? '') });

describe('custodian user and custodian serve', () => {
  let t: ReturnType<typeof tempDir>;
  let data: string;

  beforeAll(async () => {
    t = tempDir();
    data = path.join(t.dir, 'data');
    const rec = path.join(t.dir, 'rec');
    mkdirSync(rec);
    const m = memoryIo();
    expect(await runCli(['--data', data, 'init', '--storage', rec, '--layout', 'camera-date-time'], m.io)).toBe(0);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it('adds, lists, re-roles, disables users and sets passwords; the command line acts as the OS user', async () => {
    expect((await userCli(data, ['user', 'add', 'anna', '--role', 'officer', '--password-stdin'], stdinWith('anna has a long password\n'))).code).toBe(0);
    expect((await userCli(data, ['user', 'add', 'bo', '--role', 'hr'], terminalTyping('bo has a long password', 'bo has a long password'))).code).toBe(0);
    const differ = await userCli(data, ['user', 'add', 'cid', '--role', 'hr'], terminalTyping('one long password', 'another long one'));
    expect(differ.err).toMatch(/two passwords differ/);
    const noTty = await userCli(data, ['user', 'add', 'cid', '--role', 'hr'], stdinWith(''));
    expect(noTty.err).toMatch(/--password-stdin/);
    expect((await userCli(data, ['user', 'add', 'cid', '--role', 'boss', '--password-stdin'], stdinWith('cid has a long password'))).err).toMatch(/--role must be one of officer, hr, dpo, admin/);
    expect((await userCli(data, ['user', 'add', 'cid', '--role', 'hr', '--password-stdin'], stdinWith('short'))).err).toMatch(/at least 10 characters/);

    const list = JSON.parse((await userCli(data, ['--json', 'user', 'list'], stdinWith(''))).out) as { users: { name: string; role: string; disabled: boolean }[] };
    expect(list.users.filter((u) => u.name !== 'admin').map((u) => [u.name, u.role, u.disabled])).toEqual([
      ['anna', 'officer', false],
      ['bo', 'hr', false],
    ]);
    expect((await userCli(data, ['user', 'set-role', 'bo', 'dpo'], stdinWith(''))).out).toBe('bo now has the role dpo; their sessions have ended.\n');
    expect((await userCli(data, ['user', 'disable', 'bo'], stdinWith(''))).out).toMatch(/bo is disabled/);
    expect((await userCli(data, ['user', 'passwd', 'anna', '--password-stdin'], stdinWith('anna has a new password'))).code).toBe(0);
    const text = (await userCli(data, ['user', 'list'], stdinWith(''))).out;
    expect(text).toMatch(/bo\s+dpo\s+disabled/);

    const ctx = openCtx({ dataDir: data, mustExist: true });
    try {
      const actors = new Set(listAudit(ctx.db, { sinceMs: 0, limit: 1000 }).filter((a) => a.action.startsWith('user.')).map((a) => a.actor));
      expect([...actors].every((a) => a.startsWith('os:'))).toBe(true);
    } finally {
      ctx.close();
    }
  });

  it('serve refuses any address but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '192.168.0.1', 'localhost']) {
      const m = memoryIo();
      expect(await runCli(['--data', data, 'serve', '--host', host, '--port', '0'], m.io)).toBe(1);
      expect(m.err()).toMatch(/only on 127\.0\.0\.1/);
    }
  });

  it('a real `custodian serve` prints its URL, lets a user added with --password-stdin log in, and stops on SIGTERM', async () => {
    const cli = (args: string[], input?: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main())`, '--', 'custodian', ...args], { input, encoding: 'utf8', cwd: TOP });
    const add = cli(['--data', data, 'user', 'add', 'dora', '--role', 'dpo', '--password-stdin'], 'dora has a long password\n');
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe('User dora added with the role dpo.\n');

    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main())`, '--', 'custodian', '--data', data, '--json', 'serve', '--port', '0'], { cwd: TOP });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /\{"url":"(http:\/\/127\.0\.0\.1:\d+\/)"\}/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    try {
      const login = await fetch(`${url}api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'dora', password: 'dora has a long password' }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const me = await fetch(`${url}api/session.me`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
      expect(await me.json()).toMatchObject({ ok: true, data: { user: { name: 'dora', role: 'dpo' }, footage: false } });
      const evil = await fetch(`${url}api/session.me`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' }, body: '{}' });
      expect(evil.status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`${url}api/session.me`, { method: 'POST' })).rejects.toThrow();
    const ctx = openCtx({ dataDir: data, mustExist: true });
    try {
      const actions = listAudit(ctx.db, { sinceMs: 0, limit: 1000 }).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['server.started', 'login.succeeded', 'server.stopped']));
    } finally {
      ctx.close();
    }
  }, 90_000);
});
