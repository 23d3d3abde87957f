/** Small hooks the screens share: language, time zone and formatters bound to them. */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraInfo } from '../stores/cameras.js';
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

/**
 * A camera as people know it: "Personalkorridor (Personal)" — its name and zone, the id only when
 * nobody named it. `extra`: cameras an answer named (an incident's cameraInfo), for roles that
 * may not list cameras.
 */
export function useCameraLabel(extra?: readonly CameraInfo[]): (id: string) => string {
  const { t } = useTranslation();
  const { cameras } = useStores();
  const byId = useSlice(cameras, (s) => s.byId);
  return useCallback(
    (id: string) => {
      const c = extra?.find((x) => x.id === id) ?? byId[id];
      if (!c) return id;
      return t('cameraLabel', { name: c.name ?? id, zone: t(`zones.${c.zone}`) });
    },
    [byId, extra, t],
  );
}

/** Who did something, as a person reads it: the service running as root is "Custodian-tjänsten". */
export function useActorLabel(): (actor: string) => string {
  const { t } = useTranslation();
  return useCallback((actor: string) => actorLabel(actor, (k, p) => t(k, p)), [t]);
}

export function actorLabel(actor: string, t: (key: 'actors.service' | 'actors.commandLine', params?: Record<string, string>) => string): string {
  if (actor === 'os:root' || actor === 'os:SYSTEM') return t('actors.service');
  if (actor.startsWith('os:')) return t('actors.commandLine', { user: actor.slice(3) });
  return actor;
}

export { useTranslation };
