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
  layouts,
  requests,
  desk,
  records,
} as const;

export type Namespace = keyof typeof NAMESPACES;
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

/** A sentence as data: a catalogue key ("ns:key") and its parameters. */
export interface Msg {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * i18next's TFunction as this module calls it. Its typed form takes the key types of whichever
 * i18next augmentation is in scope (the renderer declares its own UI keys), which would refuse
 * the catalogue's "ns:key" strings there; the catalogue's keys are checked by hasKey and
 * common/i18n/catalog.test.ts instead.
 */
type CatalogT = (key: string, options: Record<string, unknown>) => string;

const cache = new Map<Language, CatalogT>();

/** A function that renders a `Msg` (or a key and parameters) in `lang`. */
export function translator(lang: Language): (msg: Msg | string, params?: Msg['params']) => string {
  let t = cache.get(lang);
  if (!t) {
    const inst = i18next.createInstance();
    void inst.init({
      resources,
      lng: lang,
      fallbackLng: 'sv',
      ns: Object.keys(NAMESPACES),
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
    return String(tf(m.key, { ...(m.params ?? {}) }));
  };
}

/** True when `key` ("ns:key") is in the Swedish catalogue. */
export function hasKey(key: string): boolean {
  const i = key.indexOf(':');
  if (i < 0) return false;
  const ns = resources.sv[key.slice(0, i)];
  return ns !== undefined && Object.prototype.hasOwnProperty.call(ns, key.slice(i + 1));
}

/** English rendering, for logs and for the `message` field older callers read. */
export function english(msg: Msg): string {
  return translator('en')(msg);
}
