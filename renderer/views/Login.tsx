/** Logging in: a name and a password; the server limits attempts and logs them. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSlice, useStores } from '../stores/context.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function Login(): ReactNode {
  const { t } = useTranslation();
  const { session } = useStores();
  const busy = useSlice(session, (s) => s.busy);
  const error = useSlice(session, (s) => s.error);
  const ended = useSlice(session, (s) => s.ended);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void session.getState().login(name.trim(), password);
  };
  return (
    <main className="login" id="main">
      <div className="login-card">
        <div className="login-top">
          <h1>{t('app.name')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('app.tagline')}</p>
        {ended ? (
          <p className="notice" role="status">
            {t('login.ended', { reason: ended })}
          </p>
        ) : null}
        <form onSubmit={submit} className="form" aria-label={t('login.title')}>
          <label>
            {t('login.name')}
            <input name="username" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </label>
          <label>
            {t('login.password')}
            <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          {error ? (
            <p className="error" role="alert">
              {error === 'login.failed' ? t('login.failed') : error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
        <p className="muted small">{t('login.policy')}</p>
      </div>
    </main>
  );
}
