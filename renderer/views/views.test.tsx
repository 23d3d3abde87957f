/**
 * The views that carry logic, rendered to markup under Node (react-dom/server): what each role
 * is shown, Swedish first, and the pieces of arithmetic behind the drawings.
 */
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { IncidentDetailView, SessionView, StatusView } from '../../common/api/types.js';
import { allowedActions, type Role } from '../../common/permissions.js';
import { normaliseMask } from '../components/MaskEditor.js';
import { StoredHoursChart } from '../components/StoredHoursChart.js';
import { TimelineRow } from '../components/Timeline.js';
import en from '../../common/i18n/ui.en.json';
import { createI18n } from '../i18n/index.js';
import sv from '../../common/i18n/ui.sv.json';
import { hoursPerDay, siteDays } from '../lib/chart.js';
import { fakeApi } from '../lib/fake-api.js';
import { addSiteDays, fromLocalInput } from '../lib/format.js';
import { previewLayout } from '../lib/layout-preview.js';
import { HOUR, MINUTE } from '../lib/timeline.js';
import { createStores, type Stores } from '../stores/app.js';
import { StoresProvider } from '../stores/context.js';
import { App } from '../App.js';
import { Incidents } from './Incidents.js';
import { draftProblems } from './NewIncident.js';
import { Overview } from './Overview.js';

const TZ = 'Europe/Stockholm';

function sessionOf(role: Role): SessionView {
  const all = allowedActions(role);
  return { user: { name: role, role }, operations: all.filter((a) => a !== 'footage.view'), footage: all.includes('footage.view'), idleMinutes: 30 };
}

function render(node: ReactNode, stores: Stores, lang: 'sv' | 'en' = 'sv'): string {
  return renderToStaticMarkup(
    <I18nextProvider i18n={createI18n(lang)}>
      <StoresProvider stores={stores}>{node}</StoresProvider>
    </I18nextProvider>,
  );
}

function storesAs(role: Role): Stores {
  const s = createStores(fakeApi({}));
  s.session.setState({ phase: 'ready', session: sessionOf(role) });
  return s;
}

describe('translations', () => {
  const flat = (o: object, p = ''): [string, unknown][] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? flat(v as object, `${p}${k}.`) : [[`${p}${k}`, v] as [string, unknown]]));
  it('has exactly the same keys in Swedish and English, none empty', () => {
    const a = flat(sv);
    const b = flat(en);
    expect(a.map(([k]) => k).sort()).toEqual(b.map(([k]) => k).sort());
    for (const [k, v] of [...a, ...b]) expect([k, typeof v === 'string' && v.trim().length > 0]).toEqual([k, true]);
  });
  it('uses the same placeholders in both languages', () => {
    const vars = (s: unknown): string[] => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
    const enMap = new Map(flat(en));
    for (const [k, v] of flat(sv)) expect([k, vars(v)]).toEqual([k, vars(enMap.get(k))]);
  });
});

describe('login', () => {
  it('is in Swedish first, English when chosen', () => {
    const s = createStores(fakeApi({}));
    s.session.setState({ phase: 'anonymous' });
    const html = render(<App />, s);
    expect(html).toContain('Användarnamn');
    expect(html).toContain('Lösenord');
    expect(html).toContain('Logga in');
    expect(render(<App />, s, 'en')).toContain('User name');
  });
});

const status: StatusView = {
  siteTimeZone: TZ,
  retentionMonths: 2,
  roots: [
    { id: 1, path: '/rec/a', layout: 'camera-date-time', online: true, offlineReason: null, segments: 10, lastScan: '2026-11-25T12:00:00+01:00' },
    { id: 2, path: '/rec/b', layout: 'frigate', online: false, offlineReason: 'the sentinel is missing', segments: 3, lastScan: null },
  ],
  cameras: [{ id: 'entrance', name: 'Entré', zone: 'visitor', classified: true, segments: 10, oldest: '2026-09-20T08:00:00+02:00', newest: '2026-11-25T12:00:00+01:00', bytes: 2_500_000_000 }],
  segments: 13,
  unrecognised: 0,
  unrecognisedSample: [],
  audioSegments: 1,
  pendingDeletions: 0,
  retentionHorizon: '2026-09-25T12:00:00+02:00',
  nextDeletion: '2026-11-25T12:10:00+01:00',
  alarms: [],
};

describe('overview', () => {
  it('says from when recordings are deleted, in site time, and which roots are offline', () => {
    const s = storesAs('officer');
    s.overview.setState({ status, alarms: [] });
    const html = render(<Overview />, s);
    expect(html).toContain('Raderas från: inspelningar som slutade före 25 sep. 2026 12:00');
    expect(html).toContain('1 frånkopplad');
    expect(html).toContain('the sentinel is missing');
    expect(html).toContain('2,5 GB');
    expect(html).toContain('1 inspelning har ljud');
  });
  it('offers to acknowledge alarms to the admin only', () => {
    const alarm = { id: 7, kind: 'mass-deletion', message: 'A sweep would delete 40 %.', msg: null, raised: '2026-11-25T12:00:00+01:00', acknowledged: null, acknowledgedBy: null, conditionEnded: false, details: {} };
    for (const [role, shown] of [['admin', true], ['officer', false], ['dpo', false]] as const) {
      const s = storesAs(role);
      s.overview.setState({ status, alarms: [alarm] });
      const html = render(<Overview />, s);
      expect(html).toContain('Stor radering pausad');
      expect([role, html.includes('Kvittera')]).toEqual([role, shown]);
    }
  });
});

describe('incident detail', () => {
  const detail: IncidentDetailView = {
    ref: 'INC-2026-0001',
    title: 'Stöld',
    reason: 'crime-against-organisation',
    justification: 'En dator försvann.',
    status: 'archived',
    from: '2026-11-25T15:00:00+01:00',
    to: '2026-11-25T15:10:00+01:00',
    cameras: ['staff-corridor'],
    reviewBy: '2026-12-25T00:00:00+01:00',
    overdue: false,
    ageDays: 0,
    created: '2026-11-25T15:20:00+01:00',
    createdBy: 'officer',
    closed: null,
    closedReason: null,
    cameraInfo: [{ id: 'staff-corridor', name: 'Personalkorridor', zone: 'staff' }],
    hold: null,
    packages: [
      { packageId: 'pkg-police', audience: 'police', exported: '2026-11-25T15:20:00+01:00', exportedBy: 'officer', fingerprint: 'f'.repeat(64), manifestSha256: 'm'.repeat(64), clips: 1, location: 'data', dir: '/d/exports/p', zip: true, state: 'handed-over', handover: { id: 3, handedOver: '2026-11-25T16:00:00+01:00', organisation: 'Polismyndigheten', recipient: 'Insp. Berg', reference: 'K-77', method: 'USB', recordedBy: 'officer', recipientCopy: null, keyFingerprint: 'f'.repeat(64) }, discarded: null, held: true, copyDeleted: null },
      { packageId: 'pkg-hr', audience: 'hr', exported: '2026-11-25T15:21:00+01:00', exportedBy: 'officer', fingerprint: 'f'.repeat(64), manifestSha256: 'n'.repeat(64), clips: 1, location: 'data', dir: '/d/exports/h', zip: false, state: 'pending', handover: null, discarded: null, held: true, copyDeleted: null },
    ],
    gaps: [],
    clips: [{ id: 1, camera: 'staff-corridor', subjects: 'staff', path: 'INC-2026-0001/staff/x.mp4', status: 'complete', error: null, start: '2026-11-25T15:00:00+01:00', end: '2026-11-25T15:10:00+01:00', sha256: 'a'.repeat(64), size: 1000, sourceHadAudio: false, sources: [] }],
    history: [{ at: '2026-11-25T15:21:00+01:00', actor: 'officer', action: 'export', details: { package: 'pkg-1', audience: 'hr' } }],
  };
  const at = (role: Role): string => {
    const s = storesAs(role);
    s.ui.setState({ route: { screen: 'incidents', ref: detail.ref } });
    s.incidents.setState({ list: [detail], listLoaded: true, detail });
    return render(<Incidents />, s);
  };
  it('lets the officer correct the classification, play, export and hand over', () => {
    const html = at('officer');
    // Cameras by name with their zone, never the internal id alone.
    expect(html).toContain('Innehåll i klippet från Personalkorridor (Personal)');
    expect(html).toContain('<span data-testid="incident-cameras">Personalkorridor (Personal)</span>');
    expect(html).not.toContain('>staff-corridor<');
    expect(html).toContain('>Spela<');
    expect(html).toContain('Exportera');
    expect(html).toContain('Registrera överlämning');
    expect(html).toContain('Exportpaket skapat');
    // Per audience: the Police handed over (receipts), HR pending (download, discard); the fingerprint beside each.
    expect(html).toContain('Överlämnat 25 nov. 2026 16:00 till Insp. Berg, Polismyndigheten, referens K-77');
    expect(html).toContain('Väntar på överlämning');
    expect(html).toContain('href="/download/receipt/3.pdf"');
    expect(html).toContain('href="/download/package/pkg-hr"');
    expect(html).toContain('Kassera …');
    expect(html.split('f'.repeat(64)).length - 1).toBe(2);
  });
  it('gives the DPO the receipts but no download, discard or export', () => {
    const html = at('dpo');
    expect(html).toContain('href="/download/receipt/3.pdf"');
    for (const word of ['/download/package/', 'Kassera', '>Exportera<']) expect([word, html.includes(word)]).toEqual([word, false]);
  });
  it('shows HR what HR received of a handed-over incident: package id, fingerprint, receipt; not "Raderat"', () => {
    const hrPkg = detail.packages.find((p) => p.audience === 'hr');
    if (!hrPkg) throw new Error('fixture has an HR package');
    const handedOver: IncidentDetailView = {
      ...detail,
      status: 'handed-over',
      clips: detail.clips.map((c) => ({ ...c, status: 'deleted' as const })),
      packages: [{ ...hrPkg, state: 'handed-over', handover: { id: 4, handedOver: '2026-11-26T10:00:00+01:00', organisation: 'HR', recipient: 'Anna Andersson', reference: 'HR-2026-17', method: 'USB', recordedBy: 'officer', recipientCopy: null, keyFingerprint: 'e'.repeat(64) } }],
    };
    const s = storesAs('hr');
    s.ui.setState({ route: { screen: 'incidents', ref: detail.ref } });
    s.incidents.setState({ list: [handedOver], listLoaded: true, detail: handedOver });
    const html = render(<Incidents />, s);
    expect(html).toContain('Vad HR har fått');
    expect(html).toContain('<code data-testid="hr-package-id">pkg-hr</code>');
    expect(html).toContain('e'.repeat(64));
    expect(html).toContain('Nr 4: överlämnat 26 nov. 2026 10:00 till Anna Andersson, HR, referens HR-2026-17 (USB)');
    expect(html).toContain('I HR:s paket');
    expect(html).not.toContain('>Raderat<');
    expect(html).toContain('data-testid="hr-intro"');
  });
  it('shows HR and the DPO the metadata only: no footage, no changes', () => {
    for (const role of ['hr', 'dpo'] as const) {
      const html = at(role);
      expect(html).toContain('INC-2026-0001');
      for (const word of ['>Spela<', '>Exportera<', 'Registrera överlämning', 'Förläng', 'Arkivera nu', '<select']) expect([role, word, html.includes(word)]).toEqual([role, word, false]);
    }
  });
});

describe('new incident form', () => {
  const now = fromLocalInput('2026-11-25T12:00', TZ);
  const ok = { title: 'Stöld', reason: 'crime-on-premises' as const, justification: 'En besökare blev bestulen i entrén.', cameras: ['entrance'], from: '2026-11-25T10:00', to: '2026-11-25T10:30', reviewBy: '2026-12-25' };
  it('accepts a complete draft', () => expect(draftProblems(ok, TZ, now)).toEqual([]));
  it('says what the server would refuse, before asking it', () => {
    expect(draftProblems({ ...ok, reason: '' }, TZ, now)).toEqual(['newIncident.errReason']);
    expect(draftProblems({ ...ok, reason: 'other', justification: 'För att jag vill.' }, TZ, now)).toEqual(['newIncident.errOther']);
    expect(draftProblems({ ...ok, to: '2026-11-25T09:00' }, TZ, now)).toEqual(['newIncident.errWindow']);
    expect(draftProblems({ ...ok, cameras: [] }, TZ, now)).toEqual(['newIncident.errCameras']);
    expect(draftProblems({ ...ok, reviewBy: '2026-11-01' }, TZ, now)).toEqual(['newIncident.errReview']);
  });
});

describe('drawings', () => {
  it('counts stored and held hours per site day, 23 and 25 hours on DST days', () => {
    const from = fromLocalInput('2026-10-24', TZ);
    const to = fromLocalInput('2026-10-27', TZ) - 1;
    const days = siteDays(from, to, TZ);
    expect(days).toHaveLength(3);
    const segs = [{ startMs: from, endMs: to + 1 }];
    const held = [{ startMs: fromLocalInput('2026-10-25T10:00', TZ), endMs: fromLocalInput('2026-10-25T12:00', TZ) }];
    const b = hoursPerDay(segs, held, days, (d) => addSiteDays(d, 1, TZ));
    expect(b.map((x) => x.hours)).toEqual([24, 25, 24]);
    expect(b.map((x) => x.heldHours)).toEqual([0, 2, 0]);
  });

  it('draws a timeline row with its runs, the gap between them, the held band and the retention line', () => {
    const t0 = fromLocalInput('2026-11-25T00:00', TZ);
    const segs = [
      { startMs: t0, endMs: t0 + 10 * MINUTE, held: false },
      { startMs: t0 + 10 * MINUTE, endMs: t0 + 20 * MINUTE, held: true },
      { startMs: t0 + 40 * MINUTE, endMs: t0 + 50 * MINUTE, held: false },
    ];
    const html = renderToStaticMarkup(
      <TimelineRow label="Entré" view={{ fromMs: t0 - HOUR, toMs: t0 + HOUR }} width={600} segments={segs} holds={[{ startMs: t0 + 10 * MINUTE, endMs: t0 + 20 * MINUTE }]} cutoffMs={t0 - 30 * MINUTE} selection={null} moment={t0 + 5 * MINUTE} loading={false} valueText={() => '00:05'} onSeek={() => undefined} onSelect={() => undefined} onZoom={() => undefined} onPlay={() => undefined} />,
    );
    expect(html).toContain('data-runs="2"');
    // between the runs, and after the last one up to the end of the view
    expect(html).toContain('data-gaps="2"');
    expect(html.match(/class="tl-held"/g)).toHaveLength(1);
    expect(html).toContain('class="tl-cutoff"');
    expect(html).toContain('aria-valuetext="00:05"');
  });

  it('draws one strip per camera in the chart, with a table for screen readers', () => {
    const days = siteDays(fromLocalInput('2026-11-20', TZ), fromLocalInput('2026-11-22', TZ), TZ);
    const series = ['a', 'b'].map((c) => ({ camera: c, name: c.toUpperCase(), days: days.map((d) => ({ dayMs: d, hours: 24, heldHours: c === 'a' ? 1 : 0 })) }));
    const labels = { title: 't', hours: 'h', held: 'held', horizon: 'z', day: 'd', camera: 'c', summary: (n: number, m: number) => `${n} kameror, ${m} dagar` };
    const html = renderToStaticMarkup(<StoredHoursChart series={series} days={days} horizonMs={days[1] ?? null} dayLabel={() => 'x'} labels={labels} />);
    expect(html).toContain('aria-label="2 kameror, 3 dagar"');
    expect(html.match(/class="chart-bar"/g)).toHaveLength(6);
    expect(html.match(/class="chart-held"/g)).toHaveLength(3);
    expect(html).toContain('<table>');
  });

  it('keeps masks inside the picture, as fractions', () => {
    expect(normaliseMask(0.8, 0.9, 0.2, 0.1)).toEqual({ x: 0.2, y: 0.1, w: 0.6, h: 0.8 });
    expect(normaliseMask(-0.5, 0.5, 0.3, 1.5)).toEqual({ x: 0, y: 0.5, w: 0.3, h: 0.5 });
    expect(normaliseMask(0.5, 0.5, 0.501, 0.9)).toBeNull();
  });
});

describe('layout preview', () => {
  it('reads sample paths as the indexer will, and says why others are left alone', () => {
    const r = previewLayout('frigate', TZ, undefined, ['2026-11-25/13/entrance/30.00.mp4', 'entrance/2026-11-25/14-30-00.mp4', '']);
    expect(r.error).toBeNull();
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatchObject({ ok: true, camera: 'entrance', startMs: Date.UTC(2026, 10, 25, 13, 30) });
    expect(r.lines[1]).toMatchObject({ ok: false, reason: 'inte på det djup mönstret väntar sig' });
    expect(previewLayout('{yyyy}/{camera}.mp4', TZ, undefined, []).error).toMatch(/saknar en hel starttid/);
    expect(previewLayout('{yyyy}/{camera}.mp4', TZ, undefined, [], 'en').error).toMatch(/full start time/);
  });
});
