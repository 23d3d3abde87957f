/**
 * Dates, sizes and durations for people: date-fns with the Swedish or British locale, always in
 * the site's time zone (never the browser's), so every screen shows what the recorder's clock
 * showed.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { enGB } from 'date-fns/locale/en-GB';
import { sv } from 'date-fns/locale/sv';

export type Lang = 'sv' | 'en';

const locales = { sv, en: enGB } as const;

export function fmt(ms: number, tz: string, lang: Lang, pattern: string): string {
  return format(new TZDate(ms, tz), pattern, { locale: locales[lang] });
}

/**
 * An ISO 8601 time from the API, shown as the wall time it names (the API writes the site's
 * offset into every time, so this needs no time zone on the client: HR and the DPO see exactly
 * the site's clock).
 */
export function fmtIso(iso: string | null | undefined, lang: Lang, pattern = 'd MMM yyyy HH:mm'): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const m = /([+-]\d{2}:?\d{2}|Z)$/.exec(iso.trim());
  const zone = m && m[1] !== 'Z' ? (m[1] as string) : 'UTC';
  return format(new TZDate(ms, zone.includes(':') || zone === 'UTC' ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`), pattern, { locale: locales[lang] });
}

export function fmtIsoDate(iso: string | null | undefined, lang: Lang): string {
  return fmtIso(iso, lang, 'd MMM yyyy');
}

/** 25 nov. 2026 14:30 (sv) / 25 Nov 2026 14:30 (en). */
export function fmtDateTime(ms: number | null | undefined, tz: string, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  return fmt(ms, tz, lang, 'd MMM yyyy HH:mm');
}

export function fmtDateTimeSeconds(ms: number, tz: string, lang: Lang): string {
  return fmt(ms, tz, lang, 'd MMM yyyy HH:mm:ss');
}

export function fmtDate(ms: number | null | undefined, tz: string, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  return fmt(ms, tz, lang, 'd MMM yyyy');
}

/** 2026-11-25: for inputs and file names. */
export function isoDay(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'yyyy-MM-dd');
}

/** The value of an <input type="datetime-local"> for an instant, in site time. */
export function toLocalInput(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), "yyyy-MM-dd'T'HH:mm");
}

/** Parses an <input type="datetime-local"> or type="date" value as site time; NaN if empty or bad. */
export function fromLocalInput(value: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m;
  const t = new TZDate(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), tz);
  return t.getTime();
}

/** Start of the site-local day containing `ms`. */
export function startOfSiteDay(ms: number, tz: string): number {
  const d = new TZDate(ms, tz);
  return new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), 0, 0, 0, tz).getTime();
}

/** Start of the site-local day `days` after the day containing `ms` (DST-correct). */
export function addSiteDays(ms: number, days: number, tz: string): number {
  const d = new TZDate(ms, tz);
  return new TZDate(d.getFullYear(), d.getMonth(), d.getDate() + days, d.getHours(), d.getMinutes(), d.getSeconds(), tz).getTime();
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function fmtBytes(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return '—';
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  const digits = u === 0 || v >= 100 ? 0 : 1;
  return `${v.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${UNITS[u]}`;
}

export function fmtNumber(n: number, lang: Lang, digits = 0): string {
  return n.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** 1:02:03 or 2:03 for a player clock. */
export function fmtClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** A short hash for tables; the full one goes in a title and the copy button. */
export function shortHash(sha: string | null | undefined): string {
  if (!sha) return '—';
  return `${sha.slice(0, 12)}…`;
}
