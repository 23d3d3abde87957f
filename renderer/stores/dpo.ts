/**
 * The data protection officer's screen: read-only. The deletion log is paged (it can hold
 * millions of rows); alarms include acknowledged ones; overdue incidents come from the list.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlarmView, ComplianceReportView, DeletionRecordView, HandoverRecordView, IncidentSummaryView } from '../../common/api/types.js';
import { errorText, unwrap, type Api } from '../lib/api.js';

export interface DpoState {
  deletions: DeletionRecordView[];
  nextAfterId: number | null;
  deletionsDone: boolean;
  loadingDeletions: boolean;
  alarms: AlarmView[];
  overdue: IncidentSummaryView[];
  incidents: IncidentSummaryView[];
  handovers: HandoverRecordView[];
  report: ComplianceReportView | null;
  reportLoading: boolean;
  error: string | null;
  load(): Promise<void>;
  loadReport(fromMs?: number, toMs?: number): Promise<void>;
  moreDeletions(): Promise<void>;
}

export type DpoStore = StoreApi<DpoState>;

const PAGE = 500;

export function createDpoStore(api: Api): DpoStore {
  return createStore<DpoState>()((set, get) => ({
    deletions: [],
    nextAfterId: null,
    deletionsDone: false,
    loadingDeletions: false,
    alarms: [],
    overdue: [],
    incidents: [],
    handovers: [],
    report: null,
    reportLoading: false,
    error: null,
    async load() {
      set({ deletions: [], nextAfterId: null, deletionsDone: false });
      try {
        const [alarms, incidents, handovers] = await Promise.all([
          unwrap(api.call('alarms.list', { all: true })),
          unwrap(api.call('incidents.list', {})),
          unwrap(api.call('logs.handovers', {})),
        ]);
        set({ alarms: alarms.alarms, incidents: incidents.incidents, overdue: incidents.incidents.filter((i) => i.overdue), handovers: handovers.handovers, error: null });
      } catch (e) {
        set({ error: errorText(e) });
      }
      await get().moreDeletions();
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
    async moreDeletions() {
      const s = get();
      if (s.loadingDeletions || s.deletionsDone) return;
      set({ loadingDeletions: true });
      try {
        const r = await unwrap(api.call('logs.deletions', s.nextAfterId === null ? { limit: PAGE } : { afterId: s.nextAfterId, limit: PAGE }));
        set({
          deletions: [...get().deletions, ...r.deletions],
          nextAfterId: r.nextAfterId,
          deletionsDone: r.nextAfterId === null,
          loadingDeletions: false,
        });
      } catch (e) {
        set({ loadingDeletions: false, error: errorText(e) });
      }
    },
  }));
}
