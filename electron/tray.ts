/**
 * The tray's status lines (roots online, next deletion, alarms), in the app's language, from the
 * catalogue's namespace "desktop" (common/i18n/desktop.*.json). No `electron` import.
 */
import { formatIso } from '../common/i18n/dates.js';
import { translator } from '../common/i18n/catalog.js';
import type { sv as desktopSv } from '../common/i18n/desktop.js';
import type { TrayStatus } from './backend-protocol.js';

export type MainLang = 'sv' | 'en';

export function mainText(lang: MainLang, key: keyof typeof desktopSv, vars: Record<string, string | number> = {}): string {
  return translator(lang)(`desktop:${key}`, vars);
}

/** "2026-11-25T14:30:00+01:00" → "25 nov. 2026 14:30" (the site's wall time, as written). */
export function wallTime(iso: string, lang: MainLang = 'sv'): string {
  return formatIso(iso, lang);
}

export interface TrayModel {
  tooltip: string;
  lines: string[];
  warn: boolean;
}

export function trayModel(status: TrayStatus | null, lang: MainLang): TrayModel {
  if (!status) return { tooltip: mainText(lang, 'tray.tooltip'), lines: [mainText(lang, 'tray.starting')], warn: false };
  const lines = [
    mainText(lang, 'tray.roots', { online: status.rootsOnline, total: status.rootsTotal }),
    status.nextDeletion ? mainText(lang, 'tray.next', { when: wallTime(status.nextDeletion, lang) }) : mainText(lang, 'tray.nothingDue'),
    status.alarms > 0 ? mainText(lang, 'tray.alarms', { count: status.alarms }) : mainText(lang, 'tray.noAlarms'),
  ];
  if (status.blocking > 0) lines.push(mainText(lang, 'tray.paused'));
  const warn = status.alarms > 0 || status.rootsOnline < status.rootsTotal;
  return { tooltip: `${mainText(lang, 'tray.tooltip')}\n${lines.join('\n')}`, lines, warn };
}
