/**
 * Turning what the record holds into words for a reader: the catalogue sentence a stored row
 * carries (an alarm's details.msg), or — for rows written as English text before they carried
 * one, and for text columns that hold the log form (a root's offline reason, a clip's error) —
 * that English read back into its catalogue key and parameters; the actors, audit actions and
 * deletion reasons the record names. A face renders the result with `translator(lang)`.
 *
 * Runtime-neutral (the renderer uses it too).
 */
import { hasKey, isMsg, resources, type Msg, type MsgParam } from './catalog.js';

interface Template {
  key: string;
  re: RegExp;
  names: string[];
  plural: boolean;
}

let templates: Template[] | null = null;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every English sentence of the catalogue as a pattern: its words literally, each {{param}} a
 * capture. Sentences with too little text of their own (a bare "{{a}}: {{b}}") or with nested
 * $t(…) are left out: they would match anything.
 */
function compile(): Template[] {
  const out: Template[] = [];
  for (const [ns, table] of Object.entries(resources.en)) {
    for (const [rawKey, text] of Object.entries(table)) {
      if (text.includes('$t(')) continue;
      const names: string[] = [];
      const literal = text.replace(/\{\{(\w+)\}\}/g, '');
      if (literal.replace(/[\s\p{P}]/gu, '').length < 6) continue;
      const body = text
        .split(/(\{\{\w+\}\})/)
        .map((part) => {
          const m = /^\{\{(\w+)\}\}$/.exec(part);
          if (!m) return escapeRe(part);
          const name = m[1] as string;
          if (names.includes(name)) return `(?:.+?)`;
          names.push(name);
          return '(.+?)';
        })
        .join('');
      const plural = /_(one|other)$/.test(rawKey);
      out.push({ key: `${ns}:${plural ? rawKey.replace(/_(one|other)$/, '') : rawKey}`, re: new RegExp(`^${body}$`, 's'), names, plural });
    }
  }
  // Longer sentences first: a short template that is the start of a longer one must not win.
  return out.sort((a, b) => b.re.source.length - a.re.source.length);
}

const found = new Map<string, Msg | null>();

/** The catalogue sentence an English text is, with its parameters (nested sentences read back too), or null. */
export function msgFromEnglish(text: string, depth = 0): Msg | null {
  const cached = found.get(text);
  if (cached !== undefined) return cached;
  templates ??= compile();
  let result: Msg | null = null;
  for (const t of templates) {
    const m = t.re.exec(text);
    if (!m) continue;
    const params: Record<string, MsgParam> = {};
    t.names.forEach((name, i) => {
      const v = m[i + 1] ?? '';
      const nested = depth < 2 && v.length >= 12 ? msgFromEnglish(v, depth + 1) : null;
      params[name] = nested ?? (name === 'count' && /^\d+$/.test(v) ? Number(v) : v);
    });
    result = { key: t.key, params };
    break;
  }
  if (found.size > 5_000) found.clear();
  found.set(text, result);
  return result;
}

/** A stored sentence: the Msg it carries when that is one, else its English text read back, else null. */
export function storedMsg(msg: unknown, english: string | null | undefined): Msg | null {
  if (isMsg(msg)) return msg;
  return english ? msgFromEnglish(english) : null;
}

/** A text from the record as a Msg to render: read back when it is a catalogue sentence, else the text itself. */
export function textMsg(text: string): Msg {
  return msgFromEnglish(text) ?? { key: 'core:text', params: { text } };
}

/**
 * Who did it, in words: the Custodian service (the retention service and the command line act
 * as the OS user "os:<login>", usually root) or the person's user name.
 */
export function actorMsg(actor: string): Msg {
  if (actor === 'os:root' || actor === 'os:unknown' || actor === 'system') return { key: 'core:actorService' };
  if (actor.startsWith('os:')) return { key: 'core:actorOs', params: { user: actor.slice(3) } };
  return { key: 'core:text', params: { text: actor } };
}

/** An audit action in words ("alarm.raised" → "Larm utlöst"); an action without words is named as it is. */
export function auditActionMsg(action: string): Msg {
  const key = `ui:auditActions.${action}`;
  return hasKey(key) ? { key } : { key: 'core:auditUnknown', params: { action } };
}

/**
 * The deletion log's reason text (written by the sweep, handover, discard and close; the log
 * cannot be rewritten, so its text is read, not changed) in words.
 */
export function deletionReasonMsg(reason: string): Msg {
  if (reason === 'retention') return { key: 'deletion:reason.retention' };
  let m = /^handed over to (.+)$/s.exec(reason);
  if (m) return { key: 'deletion:reason.handover', params: { recipients: recipientsMsg(m[1] as string) } };
  m = /^incident closed without handover: (.*)$/s.exec(reason);
  if (m) return { key: 'deletion:reason.closed', params: { reason: m[1] as string } };
  m = /^incident closed after handover to (.+?): (.*)$/s.exec(reason);
  if (m) return { key: 'deletion:reason.closedAfterHandover', params: { recipients: recipientsMsg(m[1] as string), reason: m[2] as string } };
  m = /^package discarded: (.*)$/s.exec(reason);
  if (m) return { key: 'deletion:reason.discarded', params: { reason: m[1] as string } };
  return textMsg(reason);
}

/** The deletion log's outcome in words ("deleted" → "raderad"); an outcome without words as it is. */
export function deletionOutcomeMsg(outcome: string): Msg {
  const key = `deletion:outcome.${outcome}`;
  return hasKey(key) ? { key } : { key: 'core:text', params: { text: outcome } };
}

/** How material was handed over, in words: the default ("in person", once stored in both languages) by its key, else as typed. */
const IN_PERSON: ReadonlySet<string> = new Set(['personligen / in person', 'personligen', 'in person']);
export function methodMsg(method: string): Msg {
  return IN_PERSON.has(method.trim()) ? { key: 'evidence:methodInPerson' } : { key: 'core:text', params: { text: method } };
}

/** "Polismyndigheten (K-1) and HR (intern utredning) (HR-2)" → the same joined the reader's way. */
function recipientsMsg(list: string): Msg {
  const parts = list.split(' and ');
  if (parts.length === 1) return { key: 'core:text', params: { text: list } };
  return { key: 'core:and', params: { first: parts.slice(0, -1).join(', '), last: parts[parts.length - 1] as string } };
}

/** The organisations a handover row names (written in Swedish at the handover): the reader's words for them. */
const ORGANISATIONS: Readonly<Record<string, string>> = { Polismyndigheten: 'evidence:audience-police', 'HR (intern utredning)': 'evidence:audience-hr' };

export function organisationMsg(organisation: string): Msg {
  const key = ORGANISATIONS[organisation];
  return key ? { key } : { key: 'core:text', params: { text: organisation } };
}
