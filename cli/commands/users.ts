/**
 * `custodian user …`: the people who log in to the desktop app and browser mode. The command
 * line itself acts as the OS user with the admin role; these commands manage the others.
 * Passwords are asked for on the terminal without echo, or read from standard input with
 * --password-stdin (for scripts); never from an argument, which other users could see.
 */
import type { Command } from 'commander';
import { CustodianError } from '../../common/errors.js';
import { ROLES } from '../../common/permissions.js';
import { english } from '../../common/i18n/catalog.js';
import { addUser, changePassword, disableUser, listUsers, setUserRole, unlockUser } from '../../core/users.js';
import { withCtx, withCtxAsync } from '../context.js';
import { printJson, table, UsageError } from '../io.js';
import { globals, type CliContext } from './shared.js';

export interface PasswordInput {
  /** Everything on standard input (for --password-stdin). */
  readAll(): Promise<string>;
  /** Asks on the terminal without echo; null when there is no terminal. */
  prompt(question: string): Promise<string> | null;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UsageError('Cancelled.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

export const processPasswordInput: PasswordInput = {
  readAll: readAllStdin,
  prompt: (question) => (process.stdin.isTTY ? promptHidden(question) : null),
};

async function readPassword(input: PasswordInput, name: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    // One password; the newline a shell or echo adds is not part of it.
    const text = (await input.readAll()).replace(/\r?\n$/, '');
    if (text.includes('\n')) throw new CustodianError('invalid_request', 'Standard input has more than one line; give the password alone.');
    return text;
  }
  const noTerminal = (): never => {
    throw new UsageError('There is no terminal to ask for the password: pipe it in with --password-stdin.');
  };
  const first = (await input.prompt(`Password for ${name}: `)) ?? noTerminal();
  const again = (await input.prompt('Again: ')) ?? noTerminal();
  if (first !== again) throw new CustodianError('invalid_request', 'The two passwords differ; nothing was changed.');
  return first;
}

function checkRoleOption(role: string): string {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${role}".`);
  return role;
}

export function registerUsers(program: Command, c: CliContext, input: PasswordInput = processPasswordInput): void {
  const user = program.command('user').description(`people who log in to the app and browser mode, with a role (${ROLES.join(', ')})`);
  user
    .command('add <name>')
    .description('add a user (asks for the password, or reads it from standard input)')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const role = checkRoleOption(opts.role);
      const password = await readPassword(input, name, opts.passwordStdin ?? false);
      await withCtxAsync(g, c.io, async (ctx) => {
        const u = await addUser(ctx, { name, role, password });
        if (g.json) printJson(c.io, u);
        else c.io.out(`User ${u.name} added with the role ${u.role}.\n`);
      });
    });
  user
    .command('list')
    .description('users, their roles, and whether they are disabled or locked')
    .action((_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const users = listUsers(ctx);
        if (g.json) printJson(c.io, { users });
        else if (users.length === 0) c.io.out('No users yet: add one with "custodian user add NAME --role ROLE".\n');
        else {
          c.io.out(
            `${table([
              ['name', 'role', 'state', 'last login'],
              ...users.map((u) => [u.name, u.role, u.disabled ? 'disabled' : u.lockedUntil ? `locked until ${u.lockedUntil.slice(11, 16)}` : 'active', u.lastLogin ?? '—']),
            ])}\n`,
          );
        }
      });
    });
  user
    .command('set-role <name> <role>')
    .description("change a user's role (their sessions and event streams end at once)")
    .action((name: string, role: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      checkRoleOption(role);
      withCtx(g, c.io, (ctx) => {
        const u = setUserRole(ctx, name, role);
        if (g.json) printJson(c.io, u);
        else c.io.out(`${english({ key: 'server:roleChanged', params: { user: u.name, role: u.role } })}\n`);
      });
    });
  user
    .command('unlock <name>')
    .description('lift the lock that failed logins put on a user, before its 15 minutes are over')
    .action((name: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const { user: u, wasLocked } = unlockUser(ctx, name);
        if (g.json) printJson(c.io, { ...u, wasLocked });
        else c.io.out(`${english({ key: wasLocked ? 'server:userUnlocked' : 'server:userNotLocked', params: { user: u.name } })}\n`);
      });
    });
  user
    .command('disable <name>')
    .description('disable a user: their sessions end at once and they cannot log in')
    .action((name: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const u = disableUser(ctx, name);
        if (g.json) printJson(c.io, u);
        else c.io.out(`${u.name} is disabled; their sessions have ended.\n`);
      });
    });
  user
    .command('passwd <name>')
    .description("set a user's password (ends their sessions and lifts a lockout)")
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const password = await readPassword(input, name, opts.passwordStdin ?? false);
      await withCtxAsync(g, c.io, async (ctx) => {
        const u = await changePassword(ctx, name, password);
        if (g.json) printJson(c.io, u);
        else c.io.out(`New password set for ${u.name}; their open sessions have ended.\n`);
      });
    });
}
