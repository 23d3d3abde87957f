/** Svenska / English: the choice is remembered on this computer. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lang } from '../lib/format.js';
import { useSlice, useStores } from '../stores/context.js';

export const LANG_KEY = 'custodian.lang';

export function LanguageSwitch(): ReactNode {
  const { t, i18n } = useTranslation();
  const { ui } = useStores();
  const lang = useSlice(ui, (s) => s.lang);
  const choose = (l: Lang): void => {
    ui.getState().setLang(l);
    void i18n.changeLanguage(l);
    document.documentElement.lang = l;
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // storage may be off; the choice lasts for this window
    }
  };
  return (
    <div className="lang" role="group" aria-label={t('lang.label')}>
      {(['sv', 'en'] as const).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => choose(l)}>
          {l === 'sv' ? 'Svenska' : 'English'}
        </button>
      ))}
    </div>
  );
}
