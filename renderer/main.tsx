/**
 * The renderer's entry: picks the transport (the desktop app's bridge when the preload put one
 * there, else HTTP to `custodian serve`), makes the stores, and renders the app in Swedish
 * unless the person chose English on this computer.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createHttpApi } from './api/client.js';
import { App } from './App.js';
import { createI18n, currentLanguage } from './i18n/index.js';
import type { Lang } from './lib/format.js';
import { bridgeApi, getBridge } from './lib/bridge.js';
import { createStores } from './stores/app.js';
import { StoresProvider } from './stores/context.js';
import './styles.css';
import { LANG_KEY } from './views/LanguageSwitch.js';

function savedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'sv';
  } catch {
    return 'sv';
  }
}

const lang = savedLang();
document.documentElement.lang = lang;
const bridge = getBridge();
const api = bridge ? bridgeApi(bridge) : createHttpApi({ language: currentLanguage });
const stores = createStores(api, { lang });
const i18n = createI18n(lang);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <StoresProvider stores={stores}>
          <App />
        </StoresProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
