/**
 * The application frame: login, then the screens the person's role needs (see
 * stores/session.ts screensFor), a language switch, and notices. The route lives in the URL
 * hash so the browser's back button works in browser mode.
 */
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { screensFor, type Screen } from './stores/session.js';
import { useSlice, useStores } from './stores/context.js';
import { formatHash, parseHash } from './stores/ui.js';
import { Cameras } from './views/Cameras.js';
import { Dpo } from './views/Dpo.js';
import { Incidents } from './views/Incidents.js';
import { LanguageSwitch } from './views/LanguageSwitch.js';
import { Login } from './views/Login.js';
import { Overview } from './views/Overview.js';
import { Requests } from './views/Requests.js';
import { Settings } from './views/Settings.js';
import { Verify } from './views/Verify.js';

export function App(): ReactNode {
  const { t } = useTranslation();
  const { session } = useStores();
  const phase = useSlice(session, (s) => s.phase);
  useEffect(() => {
    void session.getState().restore();
  }, [session]);
  if (phase === 'checking') {
    return (
      <main className="splash" id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  }
  if (phase === 'anonymous') return <Login />;
  return <Shell />;
}

function Shell(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const s = useSlice(stores.session, (x) => x.session);
  const route = useSlice(stores.ui, (x) => x.route);
  const notices = useSlice(stores.ui, (x) => x.notices);
  const screens = s ? screensFor(s) : [];
  const first = screens[0];

  // Cameras by name and zone, for every screen that names one (roles that may list them).
  useEffect(() => {
    if (s?.operations.includes('cameras.list')) void stores.cameras.getState().load();
  }, [s, stores]);

  // Site time zone for formatting instants (roles that may read the status).
  useEffect(() => {
    if (!s || !s.operations.includes('status')) return;
    void stores.api.call('status', {}).then((r) => {
      if (r.ok) stores.ui.getState().setTz(r.data.siteTimeZone);
    });
  }, [s, stores]);

  // URL hash ⇄ route.
  useEffect(() => {
    const fromHash = (): void => {
      const r = parseHash(window.location.hash);
      if (r && screens.includes(r.screen)) stores.ui.getState().go(r);
      else if (first) stores.ui.getState().go({ screen: first });
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);
    return () => window.removeEventListener('hashchange', fromHash);
  }, [s, stores, first, screens.join(',')]);
  useEffect(() => {
    const h = formatHash(route);
    if (window.location.hash !== h) window.history.replaceState(null, '', h);
  }, [route]);

  if (!s) return null;
  const current: Screen | undefined = screens.includes(route.screen) ? route.screen : first;
  return (
    <div className={`shell screen-${current ?? 'none'}`}>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      {/* The chrome stays at the top: notices sit under the menu, never over the page's buttons. */}
      <div className="chrome">
      <header className="topbar">
        <div className="brand">
          <img src="./icon.svg" alt="" width={28} height={28} />
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul>
            {screens.map((sc) => (
              <li key={sc}>
                <a href={formatHash({ screen: sc })} aria-current={current === sc ? 'page' : undefined} onClick={(e) => {
                  e.preventDefault();
                  stores.ui.getState().go({ screen: sc });
                }}>
                  {t(`nav.${sc}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <LanguageSwitch />
          <span className="user" data-testid="whoami">
            {s.user.name} · {t(`roles.${s.user.role}`)}
          </span>
          <button type="button" onClick={() => void stores.session.getState().logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`toast ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
            <span>{n.text}</span>
            <button type="button" aria-label={t('common.dismiss')} onClick={() => stores.ui.getState().dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
      </div>
      <main id="main" tabIndex={-1}>
        {current === 'overview' ? <Overview /> : null}
        {current === 'cameras' ? <Cameras /> : null}
        {current === 'incidents' ? <Incidents /> : null}
        {current === 'requests' ? <Requests /> : null}
        {current === 'dpo' ? <Dpo /> : null}
        {current === 'settings' ? <Settings /> : null}
        {current === 'verify' ? <Verify /> : null}
        {current === undefined ? <p>{t('app.nothingForRole')}</p> : null}
      </main>
    </div>
  );
}
