/**
 * The data protection officer's screen: read-only. The deletion log and the footage views are
 * paged by keyset (they can hold millions of rows) under the filters the DPO sets, with totals
 * for the whole filter; alarms include acknowledged ones; overdue incidents come from the list.
 * Downloads (CSV/JSON) are fetched a chunk at a time through the API and joined here; saving the
 * file is the view's (it needs the DOM).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RequestOf } from '../../common/api/contract.js';
import type { ComplianceReportView, DeletionLogEntryView, DeletionTotalsView, FootageViewEntry, HandoverLogEntryView, ReasonClass } from '../../common/api/report.js';
import type { AlarmView, CameraView, IncidentSummaryView } from '../../common/api/types.js';
import { errorText, unwrap, type Api } from '../lib/api.js';

export interface DeletionFilter {
  fromMs?: number;
  toMs?: number;
  reason?: ReasonClass;
  camera?: string;
  root?: number;
  late?: boolean;
}

export interface ViewFilter {
  fromMs?: number;
  toMs?: number;
  user?: string;
  camera?: string;
}

/** A finished download: its name, type and text, for the view to save. */
export interface DownloadedFile {
  filename: string;
  contentType: string;
  parts: string[];
  rows: number;
}

export interface DpoState {
  deletions: DeletionLogEntryView[];
  deletionFilter: DeletionFilter;
  deletionsNext: { at: number; id: number } | null;
  deletionsDone: boolean;
  loadingDeletions: boolean;
  totals: DeletionTotalsView | null;
  views: FootageViewEntry[];
  viewFilter: ViewFilter;
  viewsNext: number | null;
  viewsDone: boolean;
  viewsTotal: number | null;
  loadingViews: boolean;
  alarms: AlarmView[];
  overdue: IncidentSummaryView[];
  incidents: IncidentSummaryView[];
  handovers: HandoverLogEntryView[];
  cameras: CameraView[];
  roots: { id: number; path: string }[];
  report: ComplianceReportView | null;
  reportLoading: boolean;
  downloading: string | null;
  error: string | null;
  load(): Promise<void>;
  loadReport(fromMs?: number, toMs?: number): Promise<void>;
  setDeletionFilter(f: DeletionFilter): Promise<void>;
  moreDeletions(): Promise<void>;
  setViewFilter(f: ViewFilter): Promise<void>;
  moreViews(): Promise<void>;
  download(log: 'deletions' | 'handovers' | 'views', format: 'csv' | 'json'): Promise<DownloadedFile | null>;
  receipt(id: number, format: 'html' | 'pdf'): Promise<{ filename: string; contentType: string; base64: string } | null>;
}

export type DpoStore = StoreApi<DpoState>;

const PAGE = 500;

function deletionRequest(f: DeletionFilter): Pick<RequestOf<'logs.deletions'>, 'from' | 'to' | 'reason' | 'camera' | 'root' | 'late'> {
  return {
    ...(f.fromMs !== undefined ? { from: f.fromMs } : {}),
    ...(f.toMs !== undefined ? { to: f.toMs } : {}),
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    ...(f.camera !== undefined ? { camera: f.camera } : {}),
    ...(f.root !== undefined ? { root: f.root } : {}),
    ...(f.late ? { late: true } : {}),
  };
}

function viewRequest(f: ViewFilter): Pick<RequestOf<'logs.views'>, 'from' | 'to' | 'user' | 'camera'> {
  return {
    ...(f.fromMs !== undefined ? { from: f.fromMs } : {}),
    ...(f.toMs !== undefined ? { to: f.toMs } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.camera !== undefined ? { camera: f.camera } : {}),
  };
}

export function createDpoStore(api: Api): DpoStore {
  return createStore<DpoState>()((set, get) => ({
    deletions: [],
    deletionFilter: {},
    deletionsNext: null,
    deletionsDone: false,
    loadingDeletions: false,
    totals: null,
    views: [],
    viewFilter: {},
    viewsNext: null,
    viewsDone: false,
    viewsTotal: null,
    loadingViews: false,
    alarms: [],
    overdue: [],
    incidents: [],
    handovers: [],
    cameras: [],
    roots: [],
    report: null,
    reportLoading: false,
    downloading: null,
    error: null,
    async load() {
      try {
        const [alarms, incidents, handovers, cameras, status] = await Promise.all([
          unwrap(api.call('alarms.list', { all: true })),
          unwrap(api.call('incidents.list', {})),
          unwrap(api.call('logs.handovers', {})),
          unwrap(api.call('cameras.list', {})),
          unwrap(api.call('status', {})),
        ]);
        set({
          alarms: alarms.alarms,
          incidents: incidents.incidents,
          overdue: incidents.incidents.filter((i) => i.overdue),
          handovers: handovers.handovers,
          cameras: cameras.cameras,
          roots: status.roots.map((r) => ({ id: r.id, path: r.path })),
          error: null,
        });
      } catch (e) {
        set({ error: errorText(e) });
      }
      await Promise.all([get().setDeletionFilter(get().deletionFilter), get().setViewFilter(get().viewFilter)]);
    },
    async loadReport(fromMs, toMs) {
      set({ reportLoading: true });
      try {
        const report = await unwrap(api.call('reports.compliance', { ...(fromMs !== undefined ? { from: fromMs } : {}), ...(toMs !== undefined ? { to: toMs } : {}) }));
        set({ report, reportLoading: false });
      } catch (e) {
        set({ reportLoading: false, error: errorText(e) });
      }
    },
    async setDeletionFilter(f) {
      set({ deletionFilter: f, deletions: [], deletionsNext: null, deletionsDone: false, totals: null, loadingDeletions: true });
      try {
        const r = await unwrap(api.call('logs.deletions', { ...deletionRequest(f), limit: PAGE, totals: true }));
        // A newer filter may have been set while this one was answered.
        if (get().deletionFilter !== f) return;
        set({ deletions: r.deletions, deletionsNext: r.next, deletionsDone: r.next === null, totals: r.totals, loadingDeletions: false });
      } catch (e) {
        set({ loadingDeletions: false, error: errorText(e) });
      }
    },
    async moreDeletions() {
      const s = get();
      if (s.loadingDeletions || s.deletionsDone || s.deletionsNext === null) return;
      set({ loadingDeletions: true });
      try {
        const f = s.deletionFilter;
        const r = await unwrap(api.call('logs.deletions', { ...deletionRequest(f), after: s.deletionsNext, limit: PAGE }));
        if (get().deletionFilter !== f) return;
        set({ deletions: [...get().deletions, ...r.deletions], deletionsNext: r.next, deletionsDone: r.next === null, loadingDeletions: false });
      } catch (e) {
        set({ loadingDeletions: false, error: errorText(e) });
      }
    },
    async setViewFilter(f) {
      set({ viewFilter: f, views: [], viewsNext: null, viewsDone: false, viewsTotal: null, loadingViews: true });
      try {
        const r = await unwrap(api.call('logs.views', { ...viewRequest(f), limit: PAGE, totals: true }));
        if (get().viewFilter !== f) return;
        set({ views: r.views, viewsNext: r.next, viewsDone: r.next === null, viewsTotal: r.total, loadingViews: false });
      } catch (e) {
        set({ loadingViews: false, error: errorText(e) });
      }
    },
    async moreViews() {
      const s = get();
      if (s.loadingViews || s.viewsDone || s.viewsNext === null) return;
      set({ loadingViews: true });
      try {
        const f = s.viewFilter;
        const r = await unwrap(api.call('logs.views', { ...viewRequest(f), after: s.viewsNext, limit: PAGE }));
        if (get().viewFilter !== f) return;
        set({ views: [...get().views, ...r.views], viewsNext: r.next, viewsDone: r.next === null, loadingViews: false });
      } catch (e) {
        set({ loadingViews: false, error: errorText(e) });
      }
    },
    async download(log, format) {
      if (get().downloading) return null;
      set({ downloading: `${log}.${format}` });
      const filters: Omit<RequestOf<'logs.download'>, 'log' | 'format'> =
        log === 'deletions' ? deletionRequest(get().deletionFilter) : log === 'views' ? viewRequest(get().viewFilter) : {};
      const out: DownloadedFile = { filename: '', contentType: '', parts: [], rows: 0 };
      try {
        let after: string | undefined;
        for (;;) {
          const c = await unwrap(api.call('logs.download', { log, format, ...filters, ...(after !== undefined ? { after } : {}) }));
          out.parts.push(c.text);
          out.rows += c.rows;
          out.filename = c.filename;
          out.contentType = c.contentType;
          if (c.next === null) break;
          after = c.next;
        }
        set({ downloading: null });
        return out;
      } catch (e) {
        set({ downloading: null, error: errorText(e) });
        return null;
      }
    },
    async receipt(id, format) {
      try {
        return await unwrap(api.call('handovers.receipt', { id, format }));
      } catch (e) {
        set({ error: errorText(e) });
        return null;
      }
    },
  }));
}
