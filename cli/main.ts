/**
 * `custodian [--data DIR] COMMAND [options] [--json]`. Thin: parse, call core, print.
 * Exit codes: 0 done, 1 failed or bad input, 2 usage error, 3 refused by a safety rule.
 */
import { Command, CommanderError } from 'commander';
import { isLanguage } from '../common/i18n/catalog.js';
import { errorLine, EXIT, printJson, type Io } from './io.js';
import { registerFoundation } from './commands/foundation.js';
import { registerRetention } from './commands/retention.js';
import { registerService } from './commands/service.js';
import { registerIncidents } from './commands/incidents.js';
import { registerHandover } from './commands/handover.js';
import { registerUsers } from './commands/users.js';
import { registerServe } from './commands/serve.js';
import { registerCheck } from './commands/check.js';
import { registerRequests } from './commands/requests.js';
import { registerRecords } from './commands/records.js';

export const VERSION = '0.1.0';

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('custodian')
    .description('Keeps CCTV recordings exactly as long as the published policy allows, and no longer.')
    .version(VERSION)
    .option('--data <dir>', 'data folder (default: $CUSTODIAN_DATA or the per-user application data folder)')
    .option('--json', 'print one JSON document on stdout')
    .option('--lang <sv|en>', "the language of text output (default: the data folder's language setting)")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const ctxt = { io, setExit };
  registerFoundation(program, ctxt);
  registerRetention(program, ctxt);
  registerService(program, ctxt);
  registerIncidents(program, ctxt);
  registerHandover(program, ctxt);
  registerUsers(program, ctxt);
  registerServe(program, ctxt);
  registerCheck(program, ctxt);
  registerRequests(program, ctxt);
  registerRecords(program, ctxt);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let exit: number = EXIT.ok;
  // --lang is read before anything else, so even a refusal before the data folder opens is in the reader's words.
  const i = argv.indexOf('--lang');
  const lang = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  if (isLanguage(lang)) io.language = lang;
  const program = buildProgram(io, (c) => {
    exit = c;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander has printed the message
    }
    const { message, text, msg, exit: code, code: errCode } = errorLine(e, io);
    const wantsJson = argv.includes('--json');
    if (wantsJson) printJson(io, { ok: false, error: { code: errCode, message, ...(msg ? { msg } : {}) } });
    io.err(`${text}\n`);
    return code;
  }
}

export async function main(): Promise<void> {
  // `custodian log deletions | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const io: Io = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  };
  const code = await runCli(process.argv.slice(2), io);
  process.exitCode = code;
}
