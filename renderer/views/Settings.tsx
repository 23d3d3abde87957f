/**
 * Settings (admin): site (time zone, controller and DPO contact, retention and review defaults),
 * recording roots (a new one added by looking at its folder, views/AddRoot.tsx) and layouts with
 * a live preview of how files are recognised, cameras (names,
 * zones, privacy masks), and users. Every change is one contract call, audit-logged by core.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView, Mask } from '../../common/api/types.js';
import { ZONES, type Zone } from '../../common/domain.js';
import { LAYOUT_PRESETS } from '../../common/layout.js';
import { ROLES, type Role } from '../../common/permissions.js';
import type { AudienceRules, SettingKey } from '../../common/settings.js';
import { newRuleDeviations, POLICY_RETENTION_MONTHS, retentionDeviates, ruleChanges } from '../../common/policy-guard.js';
import { charsLeft, Waits } from '../components/Waits.js';
import { unwrap } from '../lib/api.js';
import { Dialog } from '../components/Dialog.js';
import { MaskEditor } from '../components/MaskEditor.js';
import { Badge, ErrorText, Loading, Section } from '../components/ui.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { errorText } from '../lib/api.js';
import { fmt } from '../lib/format.js';
import { useFormat } from '../lib/hooks.js';
import { PASSWORD_MIN } from '../../common/api/contract.js';
import { previewLayout } from '../lib/layout-preview.js';
import { useSlice, useStores } from '../stores/context.js';
import { can } from '../stores/session.js';
import { AddRoot } from './AddRoot.js';

type Tab = 'site' | 'roots' | 'cameras' | 'users';
const TABS: readonly Tab[] = ['site', 'roots', 'cameras', 'users'];

export function Settings(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const error = useSlice(stores.settings, (s) => s.error);
  const settings = useSlice(stores.settings, (s) => s.settings);
  const [tab, setTab] = useState<Tab>('site');
  useEffect(() => {
    if (session) void stores.settings.getState().load(new Set(session.operations));
  }, [session, stores]);
  return (
    <div className="screen settings">
      <h1>{t('settings.title')}</h1>
      <div className="tabs" role="tablist" aria-label={t('settings.title')}>
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" id={`stab-${x}`} aria-selected={tab === x} aria-controls={`spanel-${x}`} tabIndex={tab === x ? 0 : -1} onClick={() => setTab(x)} onKeyDown={(e) => {
            const i = TABS.indexOf(x);
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length] as Tab;
              setTab(next);
              document.getElementById(`stab-${next}`)?.focus();
            }
          }}>
            {t(`settings.tabs.${x}`)}
          </button>
        ))}
      </div>
      <ErrorText text={error} />
      {!settings ? (
        <Loading text={t('common.loading')} />
      ) : (
        <div role="tabpanel" id={`spanel-${tab}`} aria-labelledby={`stab-${tab}`}>
          {tab === 'site' ? <SiteSettings /> : null}
          {tab === 'roots' ? <Roots /> : null}
          {tab === 'cameras' ? <Cameras /> : null}
          {tab === 'users' && can(session, 'users.list') ? <Users /> : null}
        </div>
      )}
    </div>
  );
}

const SITE_FIELDS: readonly { key: SettingKey; kind: 'text' | 'number' | 'tz' | 'lang'; min?: number; max?: number }[] = [
  { key: 'siteTimeZone', kind: 'tz' },
  { key: 'controller', kind: 'text' },
  { key: 'dpoContact', kind: 'text' },
  { key: 'retentionMonths', kind: 'number', min: 1, max: 24 },
  { key: 'incidentReviewDays', kind: 'number', min: 1, max: 365 },
  { key: 'maxIncidentWindowHours', kind: 'number', min: 1, max: 744 },
  { key: 'sessionIdleMinutes', kind: 'number', min: 1, max: 1440 },
  { key: 'deletionLogRetentionMonths', kind: 'number', min: 1, max: 120 },
  { key: 'handoverLogRetentionMonths', kind: 'number', min: 1, max: 120 },
  { key: 'language', kind: 'lang' },
];

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? ['Europe/Stockholm', 'UTC'];
  } catch {
    return ['Europe/Stockholm', 'UTC'];
  }
}

function SiteSettings(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const settings = useSlice(stores.settings, (s) => s.settings);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const zones = useMemo(timeZones, []);
  if (!settings) return null;
  const value = (k: SettingKey): string => draft[k] ?? String(settings[k] ?? '');
  const changed = SITE_FIELDS.filter((f) => draft[f.key] !== undefined && draft[f.key] !== String(settings[f.key] ?? ''));
  const newMonths = draft.retentionMonths !== undefined ? Number(draft.retentionMonths) : settings.retentionMonths;
  const breaksP2 = changed.some((c) => c.key === 'retentionMonths') && retentionDeviates(newMonths);
  const save = async (): Promise<void> => {
    setConfirming(false);
    setBusy(true);
    setErr(null);
    try {
      for (const fld of changed) {
        const raw = draft[fld.key] ?? '';
        await stores.settings.getState().change(fld.key, fld.kind === 'number' ? Number(raw) : raw);
      }
      setDraft({});
      stores.ui.getState().notify('info', t('settings.saved'));
      const tz = stores.settings.getState().settings?.siteTimeZone;
      if (tz) stores.ui.getState().setTz(tz);
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('settings.tabs.site')} id="set-site">
      <form
        className="form grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          // A change away from the policy is made only knowingly: the clause it breaks is named first.
          if (breaksP2) setConfirming(true);
          else void save();
        }}
      >
        {SITE_FIELDS.map((fld) => (
          <label key={fld.key}>
            {t(`settings.fields.${fld.key as 'controller'}`)}
            {fld.kind === 'tz' ? (
              <select value={value(fld.key)} onChange={(e) => setDraft({ ...draft, [fld.key]: e.target.value })}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            ) : fld.kind === 'lang' ? (
              <select value={value(fld.key)} onChange={(e) => setDraft({ ...draft, [fld.key]: e.target.value })}>
                <option value="sv">Svenska</option>
                <option value="en">English</option>
              </select>
            ) : (
              <input type={fld.kind === 'number' ? 'number' : 'text'} min={fld.min} max={fld.max} value={value(fld.key)} onChange={(e) => setDraft({ ...draft, [fld.key]: e.target.value })} />
            )}
          </label>
        ))}
        <p className="small muted full">{t('settings.retentionNote')}</p>
        <ErrorText text={err} />
        <div className="buttons full">
          <button type="submit" className="primary" disabled={busy || changed.length === 0}>
            {t('settings.saveChanges', { count: changed.length })}
          </button>
          <button type="button" onClick={() => setDraft({})} disabled={changed.length === 0}>
            {t('common.undo')}
          </button>
        </div>
      </form>
      {confirming ? (
        <PolicyConfirm
          clause="P2"
          quote={t('policy.p2Quote')}
          effect={t('policy.p2Effect', { months: newMonths, policy: POLICY_RETENTION_MONTHS })}
          onConfirm={() => void save()}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
      <AudienceRulesEditor />
    </Section>
  );
}

function Roots(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const status = useSlice(stores.settings, (s) => s.status);
  const settings = useSlice(stores.settings, (s) => s.settings);
  const session = useSlice(stores.session, (s) => s.session);
  const siteTz = settings?.siteTimeZone ?? f.tz;
  const firstLayout = status?.roots[0]?.layout ?? 'camera-date-time';
  const [pattern, setPattern] = useState(firstLayout);
  const [layoutTz, setLayoutTz] = useState('');
  const preset = LAYOUT_PRESETS.find((p) => p.name === pattern);
  const defaultSamples = useMemo(() => [...LAYOUT_PRESETS.map((p) => p.example), ...(status?.unrecognisedSample ?? []).map((u) => u.path)].join('\n'), [status]);
  const [samples, setSamples] = useState<string>(defaultSamples);
  const preview = previewLayout(pattern, siteTz, layoutTz || undefined, samples.split('\n'), f.lang);
  return (
    <>
      <Section title={t('settings.roots')} id="set-roots">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('overview.root')}</th>
              <th scope="col">{t('settings.layout')}</th>
              <th scope="col">{t('overview.state')}</th>
              <th scope="col" className="num">{t('overview.segments')}</th>
            </tr>
          </thead>
          <tbody>
            {(status?.roots ?? []).map((r) => (
              <tr key={r.id}>
                <td className="path">{r.path}</td>
                <td>
                  <code>{r.layout}</code>
                </td>
                <td>{r.online ? <Badge tone="ok">{t('overview.online')}</Badge> : <Badge tone="bad">{t('overview.offline')}</Badge>}</td>
                <td className="num">{f.num(r.segments)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted">{t('settings.rootsNote', { count: status?.unrecognised ?? 0 })}</p>
      </Section>
      {session && can(session, 'roots.add') ? <AddRoot siteTimeZone={siteTz} onAdded={() => void stores.settings.getState().load(new Set(session.operations))} /> : null}
      <Section title={t('settings.preview')} id="set-preview">
        <div className="form grid-form">
          <label>
            {t('settings.layoutPattern')}
            <input value={pattern} onChange={(e) => setPattern(e.target.value)} list="layout-presets" spellCheck={false} />
            <datalist id="layout-presets">
              {LAYOUT_PRESETS.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.pattern}
                </option>
              ))}
            </datalist>
          </label>
          <label>
            {t('settings.layoutTz')}
            <input value={layoutTz} onChange={(e) => setLayoutTz(e.target.value)} placeholder={preset?.timeZone === 'UTC' ? 'UTC' : siteTz} spellCheck={false} />
          </label>
          {preset ? <p className="small muted full">{preset.pattern} — {preset.description}</p> : null}
          <label className="full">
            {t('settings.samples')}
            <textarea value={samples} onChange={(e) => setSamples(e.target.value)} rows={6} spellCheck={false} />
          </label>
        </div>
        <ErrorText text={preview.error} />
        <table className="table compact" data-testid="layout-preview">
          <thead>
            <tr>
              <th scope="col">{t('settings.path')}</th>
              <th scope="col">{t('settings.readAs')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.lines.map((l, i) => (
              <tr key={`${i}:${l.path}`}>
                <td className="path">{l.path}</td>
                <td>
                  {l.ok ? (
                    <>
                      <Badge tone="ok">{t('settings.recognised')}</Badge> {t('settings.cameraAt', { camera: l.camera, when: fmt(l.startMs, siteTz, f.lang, 'd MMM yyyy HH:mm:ss') })}
                    </>
                  ) : (
                    <>
                      <Badge tone="muted">{t('settings.notRecognised')}</Badge> <span className="small">{l.reason}</span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}

function Cameras(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const cameras = useSlice(stores.settings, (s) => s.cameras);
  const [editing, setEditing] = useState<CameraView | null>(null);
  return (
    <Section title={t('settings.tabs.cameras')} id="set-cameras">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('settings.cameraId')}</th>
            <th scope="col">{t('settings.cameraName')}</th>
            <th scope="col">{t('overview.zone')}</th>
            <th scope="col">{t('settings.masks')}</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((c) => (
            <CameraLine key={c.id} camera={c} onMasks={() => setEditing(c)} />
          ))}
        </tbody>
      </table>
      {editing ? <MaskDialog camera={editing} onClose={() => setEditing(null)} /> : null}
    </Section>
  );
}

function CameraLine({ camera, onMasks }: { camera: CameraView; onMasks(): void }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [name, setName] = useState(camera.name ?? '');
  const [err, setErr] = useState<string | null>(null);
  const save = async (patch: { name?: string | null; zone?: Zone }): Promise<void> => {
    try {
      setErr(null);
      await stores.settings.getState().setCamera(camera.id, patch);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <tr>
      <th scope="row">
        <code>{camera.id}</code>
      </th>
      <td>
        <input aria-label={t('settings.nameOf', { camera: camera.id })} value={name} onChange={(e) => setName(e.target.value)} onBlur={() => name !== (camera.name ?? '') && void save({ name: name.trim() || null })} />
        <ErrorText text={err} />
      </td>
      <td>
        <select aria-label={t('settings.zoneOf', { camera: camera.id })} value={camera.zone} onChange={(e) => void save({ zone: e.target.value as Zone })}>
          {ZONES.map((z) => (
            <option key={z} value={z}>
              {t(`zones.${z}`)}
            </option>
          ))}
        </select>
        {camera.classified ? null : <Badge tone="warn">{t('overview.unclassified')}</Badge>}
      </td>
      <td>
        <button type="button" onClick={onMasks}>
          {t('settings.editMasks', { count: camera.masks.length })}
        </button>
      </td>
    </tr>
  );
}

function MaskDialog({ camera, onClose }: { camera: CameraView; onClose(): void }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [masks, setMasks] = useState<Mask[]>(camera.masks);
  const [err, setErr] = useState<string | null>(null);
  const [frame, setFrame] = useState<{ url: string; width: number; height: number; atMs: number } | null>(null);
  const [frameErr, setFrameErr] = useState<string | null>(null);
  const f = useFormat();
  useEffect(() => {
    let live = true;
    void unwrap(stores.api.call('cameras.frame', { camera: camera.id }))
      .then((r) => live && setFrame({ url: r.image, width: r.width, height: r.height, atMs: r.atMs }))
      .catch((e: unknown) => live && setFrameErr(errorText(e)));
    return () => {
      live = false;
    };
  }, [camera.id, stores]);
  const save = async (): Promise<void> => {
    try {
      await stores.settings.getState().setCamera(camera.id, { masks });
      onClose();
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Dialog open title={t('settings.masksFor', { camera: camera.name ?? camera.id })} onClose={onClose} wide>
      <p className="small muted">{t('settings.masksHelp')}</p>
      {frame ? <p className="small muted" data-testid="mask-frame-time">{t('settings.frameFrom', { when: f.dateTime(frame.atMs) })}</p> : frameErr ? <p className="small warn">{frameErr}</p> : <p className="small muted">{t('settings.frameLoading')}</p>}
      <MaskEditor
        masks={masks}
        onChange={setMasks}
        frameUrl={frame?.url ?? null}
        frameSize={frame}
        labels={{ area: t('settings.maskArea'), remove: t('common.remove'), noFrame: frameErr ? t('settings.noFrame') : t('settings.frameLoading'), mask: (n) => t('settings.maskN', { n }) }}
      />
      <ErrorText text={err} />
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void save()}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

function Users(): ReactNode {
  const { t } = useTranslation();
  const f = useFormat();
  const stores = useStores();
  const session = useSlice(stores.session, (s) => s.session);
  const users = useSlice(stores.settings, (s) => s.users);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const mayEdit = can(session, 'users.add');
  const add = async (): Promise<void> => {
    try {
      setErr(null);
      await stores.settings.getState().addUser(name.trim(), role, password);
      setName('');
      setPassword('');
      stores.ui.getState().notify('info', t('settings.userAdded'));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Section title={t('settings.tabs.users')} id="set-users">
      <VirtualTable
        label={t('settings.tabs.users')}
        rows={users}
        rowKey={(u) => u.name}
        height={300}
        rowHeight={44}
        columns={[
          { key: 'name', header: t('settings.userName'), width: 'minmax(8rem,1fr)', render: (u) => <strong>{u.name}</strong> },
          {
            key: 'role',
            header: t('settings.role'),
            width: 'minmax(12rem, 1fr)',
            render: (u) =>
              mayEdit && !u.disabled && u.name !== session?.user.name ? (
                <select aria-label={t('settings.roleOf', { user: u.name })} value={u.role} onChange={(e) => void stores.settings.getState().setRole(u.name, e.target.value as Role).catch((x: unknown) => setErr(errorText(x)))}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`roles.${r}`)}
                    </option>
                  ))}
                </select>
              ) : (
                t(`roles.${u.role}`)
              ),
          },
          { key: 'state', header: t('overview.state'), width: '11rem', render: (u) => (u.disabled ? <Badge tone="muted">{t('settings.disabled')}</Badge> : u.lockedUntil ? <span title={t('settings.lockedUntil', { when: f.iso(u.lockedUntil) })}><Badge tone="warn">{t('settings.locked')}</Badge></span> : <Badge tone="ok">{t('settings.active')}</Badge>) },
          { key: 'last', header: t('settings.lastLogin'), width: '10rem', render: (u) => f.iso(u.lastLogin) },
          {
            key: 'act',
            header: t('incidents.actions'),
            width: 'minmax(20rem, 1.5fr)',
            render: (u) =>
              mayEdit && !u.disabled ? (
                <div className="row-actions">
                  {u.lockedUntil ? (
                    <button type="button" onClick={() => void stores.settings.getState().unlockUser(u.name).then(() => stores.ui.getState().notify('info', t('settings.unlocked', { user: u.name }))).catch((x: unknown) => setErr(errorText(x)))} aria-label={t('settings.unlockUser', { user: u.name })}>
                      {t('settings.unlock')}
                    </button>
                  ) : null}
                  <button type="button" onClick={() => setResetting(u.name)} aria-label={t('settings.resetPasswordOf', { user: u.name })}>
                    {t('settings.resetPassword')}
                  </button>
                  {u.name !== session?.user.name ? (
                    <button type="button" className="danger" onClick={() => void stores.settings.getState().disableUser(u.name).catch((x: unknown) => setErr(errorText(x)))} aria-label={t('settings.disableUser', { user: u.name })}>
                      {t('settings.disable')}
                    </button>
                  ) : null}
                </div>
              ) : null,
          },
        ]}
      />
      {mayEdit ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label>
            {t('settings.userName')}
            <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
          </label>
          <label>
            {t('settings.role')}
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('settings.firstPassword')}
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
          </label>
          <button type="submit" className="primary">
            {t('settings.addUser')}
          </button>
        </form>
      ) : null}
      <ErrorText text={err} />
      {resetting ? <ResetPassword name={resetting} onClose={() => setResetting(null)} /> : null}
    </Section>
  );
}

/** An administrator gives a user a new password (they are told it in person); their sessions end. */
function ResetPassword({ name, onClose }: { name: string; onClose(): void }): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const left = charsLeft(pw, PASSWORD_MIN);
  const waits = [...(left !== null ? [t('forms.needChars', { min: PASSWORD_MIN, left })] : []), ...(pw !== again ? [t('settings.passwordsDiffer')] : [])];
  const submit = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      await stores.settings.getState().setPassword(name, pw);
      stores.ui.getState().notify('info', t('settings.passwordReset', { user: name }));
      onClose();
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open title={t('settings.resetPasswordTitle', { user: name })} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (waits.length === 0) void submit();
        }}
      >
        <p className="small">{t('settings.resetPasswordHelp')}</p>
        <label>
          {t('settings.newPassword')}
          <input type="password" value={pw} onChange={(e) => setPw(e.target.value)} autoComplete="new-password" />
        </label>
        <label>
          {t('settings.newPasswordAgain')}
          <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" />
        </label>
        <ErrorText text={err} />
        <Waits id="reset-waits" items={waits} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy || waits.length > 0} aria-describedby={waits.length > 0 ? 'reset-waits' : undefined}>
            {t('settings.setPassword')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * A change the policy does not allow, made only knowingly: the clause it breaks, quoted; what
 * the change means; that the DPO's compliance report will show it; and a box to tick.
 */
function PolicyConfirm({ clause, quote, effect, onConfirm, onCancel }: { clause: 'P2' | 'P4'; quote: string; effect: string; onConfirm(): void; onCancel(): void }): ReactNode {
  const { t } = useTranslation();
  const [sure, setSure] = useState(false);
  return (
    <Dialog open title={t('policy.confirmTitle', { clause })} onClose={onCancel}>
      <div className="form" data-testid="policy-confirm">
        <p>{t('policy.breaks', { clause })}</p>
        <blockquote className="policy-quote">{quote}</blockquote>
        <p>{effect}</p>
        <p className="small muted">{t('policy.shownInReport', { clause })}</p>
        <label className="check">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />
          {t('policy.understand', { clause })}
        </label>
        <Waits id="policy-waits" items={sure ? [] : [t('policy.waitUnderstand')]} />
        <div className="buttons">
          <button type="button" className="danger" disabled={!sure} onClick={onConfirm} aria-describedby={sure ? undefined : 'policy-waits'}>
            {t('policy.changeAnyway')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

const RULES = ['include', 'mask', 'exclude'] as const;

/** What each recipient receives of staff, visitor and mixed clips (POLICY P4); loosening it needs the confirmation. */
function AudienceRulesEditor(): ReactNode {
  const { t } = useTranslation();
  const stores = useStores();
  const settings = useSlice(stores.settings, (s) => s.settings);
  const [draft, setDraft] = useState<AudienceRules | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  if (!settings) return null;
  const current = settings.audienceRules;
  const rules = draft ?? current;
  const changes = ruleChanges(current, rules);
  const breaks = newRuleDeviations(current, rules);
  const save = async (): Promise<void> => {
    setConfirming(false);
    setErr(null);
    try {
      await stores.settings.getState().change('audienceRules', rules);
      setDraft(null);
      stores.ui.getState().notify('info', t('settings.saved'));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <div className="box" data-testid="audience-rules">
      <h3>{t('settings.audienceRules')}</h3>
      <p className="small muted">{t('settings.audienceRulesHelp')}</p>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">{t('exports.audience')}</th>
            {ZONES.map((z) => (
              <th key={z} scope="col">
                {t(`zones.${z}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['police', 'hr'] as const).map((a) => (
            <tr key={a}>
              <th scope="row">{t(`audiences.${a}`)}</th>
              {ZONES.map((z) => (
                <td key={z}>
                  <select aria-label={t('settings.ruleFor', { audience: t(`audiences.${a}`), zone: t(`zones.${z}`) })} value={rules[a][z]} onChange={(e) => setDraft({ ...rules, [a]: { ...rules[a], [z]: e.target.value as (typeof RULES)[number] } })}>
                    {RULES.map((r) => (
                      <option key={r} value={r}>
                        {t(`settings.rules.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorText text={err} />
      <div className="buttons">
        <button type="button" className="primary" disabled={changes.length === 0} onClick={() => (breaks.length > 0 ? setConfirming(true) : void save())}>
          {t('settings.saveRules')}
        </button>
        <button type="button" disabled={changes.length === 0} onClick={() => setDraft(null)}>
          {t('common.undo')}
        </button>
      </div>
      {confirming ? <PolicyConfirm clause="P4" quote={t('policy.p4Quote')} effect={breaks.map((b) => t(`policy.p4Effect.${b}`)).join(' ')} onConfirm={() => void save()} onCancel={() => setConfirming(false)} /> : null}
    </div>
  );
}
