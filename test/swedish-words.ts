/**
 * Is this text Swedish all the way through? What the "Swedish in every sentence" tests (issue 15)
 * ask of every screen and document a Swedish reader sees: no catalogue key, no raw code the
 * record keeps (an audit action such as `alarm.raised`, an actor such as `os:root`), no
 * unfilled `{{parameter}}`, no time in the record's ISO 8601 form, and no English sentence.
 *
 * English is found two independent ways, so neither decides alone what the test expects:
 * - the catalogue's own English: every literal run of words of an English sentence that the
 *   Swedish catalogue does not also contain (a sentence leaking untranslated from the core);
 * - a list of common English words (function words and the words the record is written in),
 *   which catches English the catalogue never had (a library's message, a literal in code).
 * Its own test (test/swedish-words.test.ts) checks it against the catalogue both ways: every
 * English sentence is caught, no Swedish one is.
 */
import { resources } from '../common/i18n/catalog.js';

/** Common English words no Swedish sentence of ours uses (case-insensitive, whole words). */
export const ENGLISH_WORDS: readonly string[] = [
  'the', 'and', 'of', 'to', 'is', 'are', 'was', 'were', 'not', 'has', 'have', 'been', 'could', 'would', 'should', 'cannot',
  'with', 'from', 'this', 'that', 'there', 'which', 'what', 'when', 'will', 'your', 'you', 'its', 'or', 'into', 'than',
  'deleted', 'pending', 'handed', 'retention', 'sign', 'signed', 'recording', 'recordings', 'package', 'packages',
  'missing', 'changed', 'failed', 'please', 'error', 'invalid', 'request', 'found', 'already', 'yet', 'run',
  'released', 'acknowledged', 'archived', 'exported', 'masks', 'edit', 'save', 'print', 'try', 'see', 'stops', 'watching',
  'camera', 'cameras', 'clip', 'clips', 'zone', 'staff', 'visitors', 'mixed', 'unknown', 'intact', 'download',
  'space', 'seconds', 'forward', 'slower', 'faster', 'card', 'window', 'delivered',
];

export interface Finding {
  kind: 'key' | 'code' | 'placeholder' | 'iso-time' | 'english-sentence' | 'english-word';
  what: string;
  /** The text around it, to find it on the page. */
  near: string;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Oracle {
  /** Literal runs of the English catalogue (lower case), each at least two words. */
  runs: string[];
  keys: RegExp;
  codes: RegExp;
  words: RegExp;
}

let oracle: Oracle | null = null;

/** Lower case, commas as spaces, one space between words: how runs and texts are compared. */
function norm(s: string): string {
  return s.toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
}

function build(): Oracle {
  const svText = norm(Object.values(resources.sv).flatMap((t) => Object.values(t)).join('\n'));
  const runs = new Set<string>();
  for (const table of Object.values(resources.en)) {
    for (const text of Object.values(table)) {
      for (const part of text.split(/\{\{[^}]*\}\}|\$t\([^)]*\)/)) {
        // Runs of words between parameters and punctuation that ends a clause.
        for (const piece of part.split(/[.:;!?()"«»—–\n]/)) {
          const run = norm(piece);
          if (run.split(' ').filter((w) => /^[a-z']{2,}$/.test(w)).length >= 2 && !svText.includes(run)) runs.add(run);
        }
      }
    }
  }
  const namespaces = Object.keys(resources.sv).map(escapeRe).join('|');
  // A dotted key of the catalogue (the UI's nested keys: "overview.title") or any "ns:key".
  const dotted = Object.values(resources.sv).flatMap((t) => Object.keys(t)).filter((k) => k.includes('.') && /^[\w.-]+$/.test(k));
  const actions = dotted.filter((k) => k.startsWith('auditActions.')).map((k) => k.slice('auditActions.'.length));
  const keyAlternatives = [...new Set(dotted)].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  return {
    runs: [...runs].sort((a, b) => b.length - a.length),
    keys: new RegExp(`(?<![\\w.-])(?:(?:${namespaces}):[A-Za-z][\\w.-]*|${keyAlternatives})(?![\\w-])`, 'g'),
    codes: new RegExp(`(?<![\\w.-])(?:os:[a-z_][\\w-]*|${actions.filter((a) => a.includes('.')).map(escapeRe).join('|')})(?![\\w-])`, 'g'),
    words: new RegExp(`(?<![\\p{L}\\d_-])(?:${ENGLISH_WORDS.map(escapeRe).join('|')})(?![\\p{L}\\d_-])`, 'giu'),
  };
}

function around(text: string, at: number, len: number): string {
  return text.slice(Math.max(0, at - 40), at + len + 40).replace(/\s+/g, ' ');
}

/**
 * What in `text` is not Swedish. `text` is what a reader sees (a page's innerText, a PDF's
 * text), with what is not language taken out by the caller: file paths, hashes, ids and what a
 * person typed are theirs to drop (see `withoutData`).
 */
export function notSwedish(text: string): Finding[] {
  oracle ??= build();
  const o = oracle;
  const out: Finding[] = [];
  for (const m of text.matchAll(/\{\{\w+\}\}|\$t\(/g)) out.push({ kind: 'placeholder', what: m[0], near: around(text, m.index, m[0].length) });
  // A time as the record writes it (ISO 8601), not as a Swedish reader reads it ("2 dec. 2026 15:10").
  for (const m of text.matchAll(/\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:?\d\d|Z)?/g)) out.push({ kind: 'iso-time', what: m[0], near: around(text, m.index, m[0].length) });
  for (const m of text.matchAll(o.keys)) out.push({ kind: 'key', what: m[0], near: around(text, m.index, m[0].length) });
  for (const m of text.matchAll(o.codes)) out.push({ kind: 'code', what: m[0], near: around(text, m.index, m[0].length) });
  const lower = norm(text);
  for (const run of o.runs) {
    const at = lower.indexOf(run);
    if (at >= 0) out.push({ kind: 'english-sentence', what: run, near: around(lower, at, run.length) });
  }
  for (const m of text.matchAll(o.words)) out.push({ kind: 'english-word', what: m[0], near: around(text, m.index, m[0].length) });
  return out;
}

/**
 * Takes out of a text what is data, not language: paths ("/x/y", "a/b.mp4"), file names,
 * hex digests, base64, e-mail addresses, URLs, and each string of `data` (names and sentences
 * the test itself typed, camera ids, user names).
 */
export function withoutData(text: string, data: readonly string[] = []): string {
  let t = text;
  for (const d of [...data].sort((a, b) => b.length - a.length)) if (d.length > 0) t = t.split(d).join(' ');
  return t
    // Quoted text is what a person typed or a name to type (a command, a field), quoted back.
    .replace(/"[^"\n]{0,80}"/g, ' ')
    // The same in Swedish quotation marks (”…”, and “…” as typed elsewhere).
    .replace(/[”“][^”“\n]{0,80}[”“]/g, ' ')
    // A layout's parts ({camera}, {yyyy-MM-dd}) are a pattern's syntax.
    .replace(/\{[\w.:' -]+\}/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S*\/\S*/g, ' ')
    .replace(/\b[\w.-]+\.(?:mp4|mkv|json|html|pdf|zip|csv|sig|pem|txt|sqlite)\b/gi, ' ')
    .replace(/\b[0-9a-f]{16,}\b/gi, ' ')
    .replace(/\b[A-Za-z0-9+/]{40,}={0,2}/g, ' ')
    .replace(/\S+@\S+/g, ' ');
}

export function describeFindings(where: string, f: readonly Finding[]): string {
  return f.map((x) => `${where}: ${x.kind} "${x.what}" in «${x.near}»`).join('\n');
}
