/**
 * The UI's words come from the one catalogue (common/i18n): the namespace "ui" is the default,
 * so `t('overview.title')` is the app's own sentence, and every other namespace is there too
 * (`t('evidence:verdictIntact')`, or a Msg from the core through `translator`). Swedish first
 * (the site's language, and the fallback), English switchable. Keys are flat and typed from the
 * Swedish catalogue, so a missing Swedish string fails the type check; a test checks English has
 * exactly the same keys.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { NAMESPACE_NAMES, resources, type Language } from '../../common/i18n/catalog.js';
import type { sv as uiSv } from '../../common/i18n/ui.js';

export { resources };

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'ui';
    keySeparator: false;
    resources: { ui: typeof uiSv };
  }
}

let current: Language = 'sv';

/** The language the page shows now (for the few places that render outside React, e.g. an error sentence). */
export function currentLanguage(): Language {
  return current;
}

export function createI18n(lang: Language): i18n {
  const inst = i18next.createInstance();
  current = lang;
  inst.on('languageChanged', (l) => {
    if (l === 'sv' || l === 'en') current = l;
  });
  void inst.use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: 'sv',
    supportedLngs: ['sv', 'en'],
    ns: [...NAMESPACE_NAMES],
    defaultNS: 'ui',
    keySeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return inst;
}
