/**
 * The UI's words: Swedish first (the site's language, and the fallback), English switchable.
 * Every string a person reads comes from sv.json / en.json, never from code; the keys are typed
 * from sv.json so a missing Swedish string fails the type check, and a test checks en.json has
 * exactly the same keys.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import sv from './sv.json';

export const resources = { sv: { translation: sv }, en: { translation: en } } as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof sv };
  }
}

export function createI18n(lang: 'sv' | 'en'): i18n {
  const inst = i18next.createInstance();
  void inst.use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: 'sv',
    supportedLngs: ['sv', 'en'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return inst;
}
