import type { Command } from 'commander';
import { translator } from '../../common/i18n/catalog.js';
import { checkInvariants } from '../../core/check.js';
import { withCtx } from '../context.js';
import { EXIT, printJson } from '../io.js';
import { globals, type CliContext } from './shared.js';

/** `custodian check`: proves the deletion invariants on this data folder (reads only). */
export function registerCheck(program: Command, c: CliContext): void {
  program
    .command('check')
    .description('prove on this data folder that no held recording was deleted, nothing outside a root, nothing logged twice; index against disk')
    .action((_opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      withCtx(g, c.io, (ctx) => {
        const r = checkInvariants(ctx);
        const t = translator(ctx.settings().language);
        if (g.json) {
          printJson(c.io, { ok: r.ok, checked: r.checked, findings: r.findings.map((f) => ({ ...f, text: t(f.msg) })) });
        } else {
          c.io.out(`${t('check:summary', r.checked)}\n`);
          if (r.findings.length === 0) c.io.out(`${t('check:allHeld')}\n`);
          for (const f of r.findings) {
            c.io.out(`${f.severity === 'violation' ? '✗' : f.severity === 'warning' ? '!' : '·'} ${t(f.msg)}\n`);
            for (const e of f.examples) c.io.out(`    ${e}\n`);
          }
        }
        if (!r.ok) c.setExit(EXIT.failed);
      });
    });
}
