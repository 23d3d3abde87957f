/**
 * Dates and times as a person reads them: the Swedish way ("2 dec. 2026 15:10", 24-hour) or the
 * British English one ("2 Dec 2026 15:10"), always on the site's wall clock, never the reader's
 * computer's. JSON and logs keep ISO 8601; these are for sentences, tables and documents.
 *
 * Runtime-neutral (the renderer formats with the same functions).
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { enGB } from 'date-fns/locale/en-GB';
import { sv } from 'date-fns/locale/sv';

export type DateLanguage = 'sv' | 'en';

const LOCALES = { sv, en: enGB } as const;

export const PATTERNS = {
  /** 2 dec. 2026 15:10 */
  dateTime: 'd MMM yyyy HH:mm',
  /** 2 dec. 2026 15:10:05 */
  dateTimeSeconds: 'd MMM yyyy HH:mm:ss',
  /** 2 dec. 2026 */
  date: 'd MMM yyyy',
} as const;
export type DatePattern = keyof typeof PATTERNS;

/** An instant on the wall clock of `timeZone` (an IANA name or an offset like "+01:00"). */
export function formatWhen(ms: number, timeZone: string, lang: DateLanguage, pattern: DatePattern | string = 'dateTime'): string {
  const p = pattern in PATTERNS ? PATTERNS[pattern as DatePattern] : pattern;
  return format(new TZDate(ms, timeZone), p, { locale: LOCALES[lang] });
}

/** ISO 8601 with an offset or Z: what the core writes for every instant (common/time.ts formatInstant). */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** A calendar day, yyyy-MM-dd. */
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoInstant(text: string): boolean {
  return ISO_INSTANT.test(text);
}

export function isIsoDay(text: string): boolean {
  return ISO_DAY.test(text);
}

function zoneOf(offset: string): string {
  if (offset === 'Z') return 'UTC';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * An ISO 8601 instant shown as the wall time it names: the core writes the site's offset into
 * every time, so this needs no time zone (HR and the DPO see exactly the site's clock). A bare
 * day (yyyy-MM-dd) is shown as a date. Text that is neither comes back as it is.
 */
export function formatIso(iso: string, lang: DateLanguage, pattern: DatePattern | string = 'dateTime'): string {
  const m = ISO_INSTANT.exec(iso.trim());
  if (!m) {
    const d = ISO_DAY.exec(iso.trim());
    if (!d) return iso;
    const day = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
    // 2026-02-31 is not a day: shown as written.
    if (day.getUTCMonth() !== Number(d[2]) - 1) return iso;
    return formatWhen(day.getTime(), 'UTC', lang, 'date');
  }
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return formatWhen(ms, zoneOf(m[5] ?? 'Z'), lang, pattern);
}
