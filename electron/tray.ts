/**
 * The tray's status lines (roots online, next deletion, alarms), in the app's language, from the
 * main process's own translation files (electron/i18n). No `electron` import.
 */
import type { TrayStatus } from './backend-protocol.js';
import en from './i18n/en.json' with { type: 'json' };
import sv from './i18n/sv.json' with { type: 'json' };

export type MainLang = 'sv' | 'en';
type Strings = typeof sv;
const STRINGS: Record<MainLang, Strings> = { sv, en };

export function mainText(lang: MainLang, key: `${'tray' | 'errors'}.${string}`, vars: Record<string, string | number> = {}): string {
  const [group, name] = key.split('.') as [keyof Strings, string];
  const table = STRINGS[lang][group] as Record<string, string>;
  const template = table[name] ?? (STRINGS.sv[group] as Record<string, string>)[name] ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, v: string) => String(vars[v] ?? ''));
}

/** "2026-11-25T14:30:00+01:00" → "2026-11-25 14:30" (the site's wall time, as written). */
export function wallTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
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
    status.nextDeletion ? mainText(lang, 'tray.next', { when: wallTime(status.nextDeletion) }) : mainText(lang, 'tray.nothingDue'),
    status.alarms > 0 ? mainText(lang, 'tray.alarms', { count: status.alarms }) : mainText(lang, 'tray.noAlarms'),
  ];
  if (status.blocking > 0) lines.push(mainText(lang, 'tray.paused'));
  const warn = status.alarms > 0 || status.rootsOnline < status.rootsTotal;
  return { tooltip: `${mainText(lang, 'tray.tooltip')}\n${lines.join('\n')}`, lines, warn };
}
