/**
 * The one catalogue of sentences a person reads, for every face (CLI, server, desktop, packages,
 * receipts, reports). The core returns codes with parameters (a `Msg`); a face renders them in
 * the reader's language with `translator(lang)`. Swedish is the site's language and the
 * fallback. Each area keeps its sentences in its own namespace module (`common/i18n/<ns>.ts`,
 * `sv` and `en` with the same keys), listed here.
 *
 * Runtime-neutral: no Node built-ins, so the renderer can use it too.
 */
import i18next from 'i18next';
import * as check from './check.js';
import * as core from './core.js';
import { formatIso, isIsoDay, isIsoInstant } from './dates.js';
import * as deletion from './deletion.js';
import * as desk from './desk.js';
import * as evidence from './evidence.js';
import * as layouts from './layouts.js';
import * as masking from './masking.js';
import * as requests from './requests.js';
import * as records from './records.js';
import * as report from './report.js';
import * as scan from './scan.js';
import * as server from './server.js';
import * as desktop from './desktop.js';
import * as ui from './ui.js';
import * as incident from './incident.js';
import * as alarm from './alarm.js';
import * as media from './media.js';
import * as layout from './layout.js';
import * as cli from './cli.js';

/** Add a namespace here: `import * as x from './x.js'` and one line below (one a line: merges stay easy). */
const NAMESPACES = {
  core,
  deletion,
  check,
  scan,
  server,
  report,
  evidence,
  masking,
  ui,
  desktop,
  incident,
  alarm,
  media,
  layout,
  cli,
  layouts,
  requests,
  desk,
  records,
} as const;

export type Namespace = keyof typeof NAMESPACES;
export const NAMESPACE_NAMES: readonly Namespace[] = Object.keys(NAMESPACES) as Namespace[];
export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

type Resources = Record<Language, Record<string, Record<string, string>>>;

function buildResources(): Resources {
  const out: Resources = { sv: {}, en: {} };
  for (const [ns, mod] of Object.entries(NAMESPACES)) {
    out.sv[ns] = { ...mod.sv };
    out.en[ns] = { ...mod.en };
  }
  return out;
}

export const resources: Resources = buildResources();

/**
 * A sentence as data: a catalogue key ("ns:key") and its parameters. A parameter may itself be a
 * Msg (a reason inside an alarm's sentence), rendered in the same language first.
 */
export interface Msg {
  readonly key: string;
  readonly params?: Readonly<Record<string, MsgParam>>;
}
export type MsgParam = string | number | boolean | null | Msg;

export function isMsg(v: unknown): v is Msg {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string' && hasKey((v as { key: string }).key);
}

/**
 * How parameters are shown. `words` (every face): a nested Msg in the reader's language, an ISO
 * 8601 instant ("2026-12-02T15:10:00+01:00") as the wall time it names, the Swedish way
 * ("2 dec. 2026 15:10") or the English one, a bare day likewise — except a parameter named
 * `text` (what a person typed, quoted back) or ending in `Iso` (a time to be typed as shown),
 * which stay as they are. `log`: instants stay ISO 8601 (the English log form).
 */
export type ParamStyle = 'words' | 'log';

function renderParams(lang: Language, style: ParamStyle, params: Msg['params']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (typeof v === 'object' && v !== null) out[k] = translator(lang, style)(v);
    else if (style === 'words' && typeof v === 'string' && k !== 'text' && !k.endsWith('Iso') && (isIsoInstant(v) || isIsoDay(v))) out[k] = formatIso(v, lang);
    else out[k] = v;
  }
  return out;
}

/**
 * i18next's TFunction as this module calls it. Its typed form takes the key types of whichever
 * i18next augmentation is in scope (the renderer declares its own UI keys), which would refuse
 * the catalogue's "ns:key" strings there; the catalogue's keys are checked by hasKey and
 * common/i18n/catalog.test.ts instead.
 */
type CatalogT = (key: string, options: Record<string, unknown>) => string;

const cache = new Map<Language, CatalogT>();

export type Translate = (msg: Msg | string, params?: Msg['params']) => string;

/** A function that renders a `Msg` (or a key and parameters) in `lang`. */
export function translator(lang: Language, style: ParamStyle = 'words'): Translate {
  let t = cache.get(lang);
  if (!t) {
    const inst = i18next.createInstance();
    void inst.init({
      resources,
      lng: lang,
      fallbackLng: 'sv',
      ns: [...NAMESPACE_NAMES],
      defaultNS: 'core',
      // Keys are flat ("p2.late" is one key, not p2 → late): namespaces keep areas apart.
      keySeparator: false,
      interpolation: { escapeValue: false },
      initAsync: false,
      returnNull: false,
    });
    // See CatalogT: the same function, typed without the key augmentation.
    t = inst.t.bind(inst) as unknown as CatalogT;
    cache.set(lang, t);
  }
  const tf = t;
  return (msg, params) => {
    const m: Msg = typeof msg === 'string' ? { key: msg, ...(params ? { params } : {}) } : msg;
    return String(tf(m.key, renderParams(lang, style, m.params)));
  };
}

/** True when `key` ("ns:key") is in the Swedish catalogue (a plural key by its base: "ns:files" for files_one/files_other). */
export function hasKey(key: string): boolean {
  const i = key.indexOf(':');
  if (i < 0) return false;
  const ns = resources.sv[key.slice(0, i)];
  const k = key.slice(i + 1);
  const own = (x: string): boolean => ns !== undefined && Object.prototype.hasOwnProperty.call(ns, x);
  return own(k) || own(`${k}_one`) || own(`${k}_other`);
}

/** English rendering, for logs and for the `message` field older callers read (times stay ISO 8601). */
export function english(msg: Msg): string {
  return translator('en', 'log')(msg);
}

/** Is `lang` one of the catalogue's languages? */
export function isLanguage(lang: unknown): lang is Language {
  return lang === 'sv' || lang === 'en';
}
