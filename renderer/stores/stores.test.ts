import { translator } from '../../common/i18n/catalog.js';
import { describe, expect, it, vi } from 'vitest';
import type { IncidentDetailView, IncidentSummaryView, PackageView, SegmentsView, SessionView } from '../../common/api/types.js';
import { ACTIONS, allowedActions, ROLES, type Role } from '../../common/permissions.js';
import { fakeApi } from '../lib/fake-api.js';
import { DAY, HOUR } from '../lib/timeline.js';
import { createStores } from './app.js';
import { afterHandover, byReviewDate, filterIncidents, pendingPackages } from './incidents.js';
import { createJobsStore } from './jobs.js';
import { screensFor } from './session.js';
import { MAX_FETCH_MS, requestWindow } from './timeline.js';
import { formatHash, NOTICE_ERROR_MS, NOTICE_INFO_MS, parseHash } from './ui.js';

const session = (role: Role): SessionView => ({ user: { name: role, role }, operations: allowedActions(role).filter((a) => a !== 'footage.view'), footage: allowedActions(role).includes('footage.view'), idleMinutes: 30 });

describe('what each role sees', () => {
  it('gives each role the screens its work needs, and no more', () => {
    expect(screensFor(session('officer'))).toEqual(['overview', 'cameras', 'incidents', 'requests', 'verify']);
    expect(screensFor(session('hr'))).toEqual(['incidents', 'verify']);
    expect(screensFor(session('dpo'))).toEqual(['dpo', 'requests', 'incidents', 'verify']);
    expect(screensFor(session('admin'))).toEqual(['overview', 'settings', 'verify']);
  });
  it('never shows the timeline to a role without footage, whatever else it may do', () => {
    for (const role of ROLES) {
      const s = { ...session(role), operations: [...ACTIONS] as string[], footage: false };
      expect(screensFor(s)).not.toContain('cameras');
    }
  });
});

describe('session store', () => {
  it('logs in, keeps what the server said, and expires on a session-ended event', async () => {
    const api = fakeApi({
      'session.me': () => ({ ok: false, error: { code: 'unauthenticated', message: 'no' } }),
      'auth.login': (req) => (req.password === 'right password' ? session('officer') : { ok: false, error: { code: 'unauthenticated', message: 'Wrong user name or password.' } }),
    });
    const s = createStores(api);
    await s.session.getState().restore();
    expect(s.session.getState().phase).toBe('anonymous');
    expect(await s.session.getState().login('officer', 'wrong')).toBe(false);
    expect(s.session.getState().error).toBe('login.failed');
    expect(await s.session.getState().login('officer', 'right password')).toBe(true);
    expect(s.session.getState().session?.user.role).toBe('officer');
    api.emit({ type: 'session-ended', reason: 'idle for 30 minutes' });
    expect(s.session.getState()).toMatchObject({ phase: 'anonymous', session: null, ended: 'idle for 30 minutes' });
    // An event with its sentence as a Msg is worded in the page's language, not in the log's English.
    expect(await s.session.getState().login('officer', 'right password')).toBe(true);
    api.emit({ type: 'session-ended', reason: 'The server is stopping.', msg: { key: 'server:serverStopping' } });
    expect(s.session.getState().ended).toBe(translator('sv')('server:serverStopping'));
    expect(s.session.getState().ended).not.toBe('The server is stopping.');
  });
});

describe('timeline store', () => {
  const seg = (i: number, base: number) => ({ id: i, startMs: base + i * 600_000, endMs: base + (i + 1) * 600_000, endSource: 'probe' as const, size: 1, state: 'present' as const, held: false, hasAudio: false, nameEndMs: null, eventKind: null, timeFrom: null, dueMs: 0 });

  it('fetches a window around the view once, and not again for small pans', async () => {
    const now = Date.UTC(2026, 10, 25, 12);
    const api = fakeApi({
      'segments.list': (req): SegmentsView => ({ camera: req.camera, fromMs: Number(req.from), toMs: Number(req.to), retentionCutoffMs: now - 61 * DAY, segments: [seg(0, now - 2 * HOUR), seg(1, now - 2 * HOUR)], holds: [], truncated: false, windows: [] }),
    });
    const s = createStores(api, { now: () => now });
    const tl = s.timeline;
    await tl.getState().ensure('entrance');
    expect(api.calls.filter((c) => c.op === 'segments.list')).toHaveLength(1);
    const req = api.calls[0]?.request as { from: number; to: number };
    expect(req.from).toBeLessThanOrEqual(tl.getState().view.fromMs);
    expect(req.to).toBeGreaterThanOrEqual(tl.getState().view.toMs);
    tl.getState().pan(0.1);
    await tl.getState().ensure('entrance');
    expect(api.calls.filter((c) => c.op === 'segments.list')).toHaveLength(1);
    expect(tl.getState().tracks.entrance?.segments).toHaveLength(2);
    tl.getState().pan(5);
    await tl.getState().ensure('entrance');
    expect(api.calls.filter((c) => c.op === 'segments.list')).toHaveLength(2);
  });

  it('drops an answer that arrives after a newer request', async () => {
    const now = Date.UTC(2026, 10, 25, 12);
    let release: () => void = () => undefined;
    let n = 0;
    const api = fakeApi({
      'segments.list': async (req): Promise<SegmentsView> => {
        n++;
        const mine = n;
        if (mine === 1) await new Promise<void>((r) => (release = r));
        return { camera: req.camera, fromMs: 0, toMs: 0, retentionCutoffMs: 0, segments: [seg(mine, now)], holds: [], truncated: false, windows: [] };
      },
    });
    const s = createStores(api, { now: () => now });
    const first = s.timeline.getState().ensure('cam');
    s.timeline.getState().pan(-20);
    const second = s.timeline.getState().ensure('cam');
    await second;
    release();
    await first;
    expect(s.timeline.getState().tracks.cam?.segments[0]?.id).toBe(2);
  });

  it('never asks for more than the API allows in one request', () => {
    const w = requestWindow({ fromMs: 0, toMs: 31 * DAY });
    expect(w.toMs - w.fromMs).toBeLessThanOrEqual(Math.max(MAX_FETCH_MS, 31 * DAY));
    const small = requestWindow({ fromMs: 10 * DAY, toMs: 10 * DAY + HOUR });
    expect(small.toMs - small.fromMs).toBeLessThanOrEqual(4 * HOUR);
  });

  it('orders a selection and keeps it per camera', () => {
    const s = createStores(fakeApi({}));
    s.timeline.getState().select('entrance', 5000, 1000);
    expect(s.timeline.getState().selection).toEqual({ camera: 'entrance', startMs: 1000, endMs: 5000 });
  });
});

describe('jobs store', () => {
  it('shows progress that only moves forward and keeps the end state against late events', () => {
    const j = createJobsStore();
    j.getState().start('export', 'INC-1');
    j.getState().onEvent({ type: 'progress', task: 'export', ref: 'INC-1', fraction: 0.5, label: 'clip 1' });
    j.getState().onEvent({ type: 'progress', task: 'export', ref: 'INC-1', fraction: 0.3, label: 'clip 1' });
    expect(j.getState().jobs['export:INC-1']?.fraction).toBe(0.5);
    j.getState().finish('export', 'INC-1');
    j.getState().onEvent({ type: 'progress', task: 'export', ref: 'INC-1', fraction: 0.9, label: 'late' });
    expect(j.getState().jobs['export:INC-1']).toMatchObject({ state: 'done', fraction: 1 });
  });

  it('reports archive progress from pushed events while the call runs', async () => {
    let finish: () => void = () => undefined;
    const detail = { ref: 'INC-2026-0001', status: 'archived', history: [], clips: [] } as unknown as IncidentDetailView;
    const api = fakeApi({
      'incidents.archive': async () => {
        await new Promise<void>((r) => (finish = r));
        return detail;
      },
      'incidents.list': () => ({ incidents: [] }),
    });
    const s = createStores(api);
    const p = s.incidents.getState().archive('INC-2026-0001');
    api.emit({ type: 'progress', task: 'archive', ref: 'INC-2026-0001', fraction: 0.4, label: 'staff-corridor' });
    expect(s.jobs.getState().jobs['archive:INC-2026-0001']).toMatchObject({ state: 'running', fraction: 0.4 });
    finish();
    await p;
    expect(s.jobs.getState().jobs['archive:INC-2026-0001']?.state).toBe('done');
    expect(s.incidents.getState().detail?.ref).toBe('INC-2026-0001');
  });
});

describe('incidents', () => {
  const inc = (ref: string, status: IncidentSummaryView['status'], reviewBy: string, overdue = false): IncidentSummaryView =>
    ({ ref, title: ref, reason: 'other', justification: '', status, from: '', to: '', cameras: [], reviewBy, overdue, ageDays: 1, created: '', createdBy: '', closed: null, closedReason: null, cameraInfo: [] }) as IncidentSummaryView;
  const list = [inc('A', 'archived', '2026-12-01T00:00:00+01:00'), inc('B', 'open', '2026-11-28T00:00:00+01:00', true), inc('C', 'handed-over', '2026-11-01T00:00:00+01:00'), inc('D', 'deleted', '2026-10-01T00:00:00+02:00')];

  it('filters and sorts by review date', () => {
    expect(filterIncidents(list, 'open').map((i) => i.ref)).toEqual(['A', 'B']);
    expect(filterIncidents(list, 'overdue').map((i) => i.ref)).toEqual(['B']);
    expect(filterIncidents(list, 'closed').map((i) => i.ref)).toEqual(['C', 'D']);
    expect(byReviewDate(list).map((i) => i.ref)).toEqual(['B', 'A']);
  });

  it('knows which packages still wait, and whether a handover deletes the material or keeps it for them', () => {
    const pkg = (packageId: string, audience: PackageView['audience'], state: PackageView['state']): PackageView =>
      ({ packageId, audience, state, exported: '', exportedBy: 'o', fingerprint: null, manifestSha256: '', clips: 1, location: 'data', dir: '', zip: false, handover: null, discarded: null, held: true, copyDeleted: null }) as PackageView;
    const d = { packages: [pkg('p-1', 'police', 'handed-over'), pkg('p-2', 'hr', 'pending'), pkg('p-3', 'hr', 'pending'), pkg('p-4', 'police', 'discarded')] } as unknown as IncidentDetailView;
    expect(pendingPackages(d).map((p) => p.packageId)).toEqual(['p-2', 'p-3']);
    expect(afterHandover(d, 'p-2')).toEqual({ deletes: false, waiting: ['hr'] });
    const one = { packages: [pkg('p-1', 'police', 'handed-over'), pkg('p-2', 'hr', 'pending')] } as unknown as IncidentDetailView;
    expect(afterHandover(one, 'p-2')).toEqual({ deletes: true, waiting: [] });
  });
});

describe('overview store', () => {
  it('asks only for what the role may read', async () => {
    const api = fakeApi({
      status: () => ({ siteTimeZone: 'Europe/Stockholm', retentionMonths: 2, roots: [], cameras: [], segments: 0, unrecognised: 0, unrecognisedSample: [], audioSegments: 0, pendingDeletions: 0, retentionHorizon: '2026-09-25T12:00:00+02:00', nextDeletion: null, alarms: [] }),
      'alarms.list': () => ({ alarms: [] }),
      'sweep.dryRun': () => ({ cutoff: '', due: 0, held: 0, refused: null, nextDue: null, roots: [], wouldDelete: [] }),
    });
    const s = createStores(api);
    await s.overview.getState().load(new Set(session('admin').operations));
    expect(api.calls.map((c) => c.op).sort()).toEqual(['alarms.list', 'status', 'sweep.dryRun']);
    expect(s.overview.getState().status?.retentionMonths).toBe(2);
  });
});

describe('routes in the URL', () => {
  it('round-trips screens and incidents, and ignores anything else', () => {
    expect(parseHash('#/incidents/INC-2026-0001')).toEqual({ screen: 'incidents', ref: 'INC-2026-0001' });
    expect(formatHash({ screen: 'incidents', ref: 'INC-2026-0001' })).toBe('#/incidents/INC-2026-0001');
    expect(parseHash('#/dpo')).toEqual({ screen: 'dpo' });
    expect(parseHash('#/nowhere')).toBeNull();
    expect(parseHash('#/incidents/<script>')).toEqual({ screen: 'incidents' });
  });
});

describe('notices', () => {
  it('go away by themselves, an error later than information', () => {
    vi.useFakeTimers();
    try {
      const s = createStores(fakeApi({}));
      s.ui.getState().notify('info', 'Sparat.');
      s.ui.getState().notify('error', 'Det gick inte.');
      expect(s.ui.getState().notices.map((n) => n.text)).toEqual(['Sparat.', 'Det gick inte.']);
      vi.advanceTimersByTime(NOTICE_INFO_MS + 1);
      expect(s.ui.getState().notices.map((n) => n.text)).toEqual(['Det gick inte.']);
      vi.advanceTimersByTime(NOTICE_ERROR_MS - NOTICE_INFO_MS);
      expect(s.ui.getState().notices).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
