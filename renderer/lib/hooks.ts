/** Small hooks the screens share: language, time zone and formatters bound to them. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSlice, useStores } from '../stores/context.js';
import { translator, type Msg } from '../../common/i18n/catalog.js';
import { fmtBytes, fmtDate, fmtDateTime, fmtIso, fmtIsoDate, fmtNumber, type Lang } from './format.js';

export interface Formatters {
  lang: Lang;
  tz: string;
  dateTime(ms: number | null | undefined): string;
  date(ms: number | null | undefined): string;
  iso(iso: string | null | undefined): string;
  isoDate(iso: string | null | undefined): string;
  bytes(n: number | null | undefined): string;
  num(n: number, digits?: number): string;
  /** A sentence from the core (a catalogue Msg) in the page's language; `fallback` when there is none (an old record's own text). */
  msg(m: Msg | null | undefined, fallback?: string): string;
}

export function useFormat(): Formatters {
  const { ui } = useStores();
  const lang = useSlice(ui, (s) => s.lang);
  const tz = useSlice(ui, (s) => s.tz);
  return useMemo(
    () => ({
      lang,
      tz,
      dateTime: (ms) => fmtDateTime(ms, tz, lang),
      date: (ms) => fmtDate(ms, tz, lang),
      iso: (iso) => fmtIso(iso, lang),
      isoDate: (iso) => fmtIsoDate(iso, lang),
      bytes: (n) => fmtBytes(n, lang),
      num: (n, digits) => fmtNumber(n, lang, digits),
      msg: (m, fallback = '') => (m ? translator(lang)(m) : fallback),
    }),
    [lang, tz],
  );
}

export { useTranslation };
