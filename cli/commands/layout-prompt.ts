/**
 * `roots add DIR` and `init --storage DIR` without --layout: Custodian looks at the folder
 * (core/layout-detect.ts), prints what it proposes and what it would read from a few real files,
 * and asks. Nothing is registered until a person says yes at the prompt, or a script passes
 * --yes (taken only for a proposal that is not in doubt) or names the layout with --layout.
 * A store whose files must never be deleted one by one is refused (exit 3).
 */
import { createInterface } from 'node:readline';
import { failure } from '../../common/errors.js';
import { translator, type Language, type Msg } from '../../common/i18n/catalog.js';
import { proposalTakenAsIs, type LayoutCandidate, type LayoutProposal } from '../../common/layout-proposal.js';
import { formatLocal } from '../../common/time.js';
import { printJson, table, type Io } from '../io.js';

export interface ConfirmInput {
  /** Asks on the terminal; null when there is no terminal to ask on. */
  ask(question: string): Promise<string> | null;
}

function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

export const processConfirmInput: ConfirmInput = {
  ask: (question) => (process.stdin.isTTY ? askOnTerminal(question) : null),
};

/** The layout a person confirmed (or named). */
export interface ChosenLayout {
  readonly layout: string;
  readonly layoutTimeZone?: string;
}

/** A layout as a shell takes it: a pattern in single quotes. */
function shellWord(layout: string): string {
  return /^[\w.-]+$/.test(layout) ? layout : `'${layout.replace(/'/g, "'\\''")}'`;
}

type Words = ReturnType<typeof translator>;

function readingRows(c: LayoutCandidate, siteTimeZone: string, words: Words): string[][] {
  const w = (key: string): string => words({ key: `layouts:${key}` });
  const when = (ms: number): string => formatLocal(ms, siteTimeZone, 'yyyy-MM-dd HH:mm:ssXXX');
  const head = [w('col.path'), w('col.camera'), w('col.start'), w('col.end'), w('col.kind')];
  return [
    head,
    ...c.examples.map((r) => [
      r.path,
      r.camera,
      when(r.startMs),
      r.endMs === null ? '' : `${formatLocal(r.endMs, siteTimeZone, 'HH:mm:ss')} (${w(`end.${r.endFrom}`)})`,
      r.kind === null ? '' : (['scheduled', 'motion', 'alarm', 'smart'].includes(r.kind) ? w(`kind.${r.kind}`) : r.kind),
    ]),
  ];
}

/** The proposal as people read it, in `lang` (the command line's default is English, --lang sv for Swedish). */
export function proposalText(p: LayoutProposal, siteTimeZone: string, lang: Language = 'en'): string {
  const words = translator(lang);
  const lines = p.messages.map((m) => words(m));
  const best = p.best;
  if (best) {
    if (best.examples.length > 0) lines.push('', words({ key: 'layouts:proposal.examples' }), table(readingRows(best, siteTimeZone, words)));
    if (best.unplacedExamples.length > 0) {
      lines.push('', words({ key: 'layouts:proposal.unplaced' }), table([[words({ key: 'layouts:col.path' }), words({ key: 'layouts:col.reason' })], ...best.unplacedExamples.map((u) => [u.path, u.reason])]));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Shows the proposal and returns the layout a person confirmed, or null when nothing is to be
 * registered (the exit code and the sentence are already given). Throws for a store (refused),
 * a folder whose layout cannot be found, and a proposal --yes may not take.
 */
export async function confirmProposal(
  io: Io,
  input: ConfirmInput,
  p: LayoutProposal,
  opts: { yes: boolean; json: boolean; siteTimeZone: string; lang?: Language; setExit(code: number): void },
): Promise<ChosenLayout | null> {
  const words = translator(opts.lang ?? 'en');
  if (p.verdict === 'store' && p.store) throw failure('refused_by_safety_rule', p.store.msg.key, p.store.msg.params);
  const best = p.best;
  if (!best || p.verdict === 'empty' || p.verdict === 'none') {
    const m = p.messages[0] ?? { key: 'layouts:proposal.none', params: { folder: p.folder, files: p.files } };
    throw failure('invalid_request', m.key, m.params);
  }
  const chosen: ChosenLayout = { layout: best.layout, ...(best.layoutTimeZone ? { layoutTimeZone: best.layoutTimeZone } : {}) };
  const refuse = (m: Msg): null => {
    if (opts.json) {
      const e = failure('invalid_request', m.key, m.params);
      printJson(io, { ok: false, proposal: p, error: { code: e.code, message: e.message } });
      io.err(`${e.message}\n`);
      opts.setExit(1);
      return null;
    }
    throw failure('invalid_request', m.key, m.params);
  };
  if (!opts.json) io.out(proposalText(p, opts.siteTimeZone, opts.lang));
  if (p.verdict === 'ambiguous') return refuse({ key: 'layouts:proposal.ambiguous', params: { others: p.others.map((o) => o.layout).join(', ') } });
  if (opts.yes) {
    if (!proposalTakenAsIs(p)) return refuse({ key: 'layouts:proposal.fewPlaced', params: { placed: best.placed, files: best.placed + best.unplaced } });
    return chosen;
  }
  const asked = opts.json ? null : input.ask(words({ key: 'layouts:confirm.question', params: { folder: p.folder, layout: best.layout } }));
  if (asked === null) return refuse({ key: 'layouts:confirm.needed', params: { layout: shellWord(best.layout) } });
  const answer = (await asked).trim();
  if (/^(y|yes|j|ja)$/i.test(answer)) return chosen;
  io.out(`${words({ key: 'layouts:confirm.declined' })}\n`);
  opts.setExit(1);
  return null;
}
