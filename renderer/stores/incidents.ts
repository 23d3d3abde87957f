/**
 * Incidents: the list (overdue first, as the server sorts it), the one open in detail, and the
 * officer's actions on it. Long actions (archive) report progress through the jobs store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RequestOf } from '../../common/api/contract.js';
import type { ApiEvent, ExportView, HandoverResultView, IncidentDetailView, IncidentSummaryView, PackageDiscardView, PackageView } from '../../common/api/types.js';
import type { Zone } from '../../common/domain.js';
import { errorText, unwrap, type Api } from '../lib/api.js';
import type { JobsStore } from './jobs.js';

export interface IncidentsState {
  list: IncidentSummaryView[];
  listLoaded: boolean;
  listError: string | null;
  detail: IncidentDetailView | null;
  detailError: string | null;
  loadingDetail: boolean;
  filter: 'all' | 'open' | 'overdue' | 'closed';
  setFilter(f: IncidentsState['filter']): void;
  loadList(): Promise<void>;
  open(ref: string): Promise<void>;
  create(req: RequestOf<'incidents.create'>): Promise<IncidentSummaryView>;
  archive(ref: string): Promise<IncidentDetailView>;
  extend(ref: string, reviewBy: number, reason: string): Promise<void>;
  close(ref: string, reason: string): Promise<{ deleted: number; failed: number }>;
  reclassify(clip: number, subjects: Zone, reason: string): Promise<void>;
  exportPackage(ref: string, audience: 'police' | 'hr', zip: boolean): Promise<ExportView>;
  recordHandover(req: RequestOf<'handover.record'>): Promise<HandoverResultView>;
  discardPackage(ref: string, packageId: string, reason: string): Promise<PackageDiscardView>;
  /** The package written last in this window, by incident (its folder, zip and what was left out). */
  exported: Record<string, ExportView>;
  /** What the server last said of each incident's clips (also when the service archived them). */
  live: Record<string, { clips: number; complete: number; failed: number; status: IncidentSummaryView['status'] }>;
  /** An incident changed somewhere (this window, another, the service): the list and the open page follow. */
  onIncidentEvent(e: Extract<ApiEvent, { type: 'incident' }>): void;
}

/** The incident's packages still waiting for their handover (the ones a handover can be recorded for). */
export function pendingPackages(detail: IncidentDetailView): PackageView[] {
  return detail.packages.filter((p) => p.state === 'pending');
}

/**
 * What a handover of `packageId` will do: delete the material (nothing else waits) or keep it for
 * the audiences whose packages still wait.
 */
export function afterHandover(detail: IncidentDetailView, packageId: string): { deletes: boolean; waiting: PackageView['audience'][] } {
  const waiting = [...new Set(pendingPackages(detail).filter((p) => p.packageId !== packageId).map((p) => p.audience))];
  return { deletes: waiting.length === 0, waiting };
}

export type IncidentsStore = StoreApi<IncidentsState>;

export function filterIncidents(list: readonly IncidentSummaryView[], f: IncidentsState['filter']): IncidentSummaryView[] {
  switch (f) {
    case 'open':
      return list.filter((i) => i.status === 'open' || i.status === 'archived');
    case 'overdue':
      return list.filter((i) => i.overdue);
    case 'closed':
      return list.filter((i) => i.status === 'handed-over' || i.status === 'deleted');
    default:
      return [...list];
  }
}

/** Open incidents by review date, soonest first (the overview's list). */
export function byReviewDate(list: readonly IncidentSummaryView[]): IncidentSummaryView[] {
  return list.filter((i) => i.status === 'open' || i.status === 'archived').sort((a, b) => Date.parse(a.reviewBy) - Date.parse(b.reviewBy));
}

export function createIncidentsStore(api: Api, jobs: JobsStore): IncidentsStore {
  return createStore<IncidentsState>()((set, get) => {
    const refresh = async (ref?: string): Promise<void> => {
      await get().loadList();
      if (ref && get().detail?.ref === ref) await get().open(ref);
    };
    // Events come in bursts (a clip a second while archiving): one reload at a time, and one more after it if needed.
    let reloading: Promise<void> | null = null;
    let again = false;
    const follow = (ref: string): void => {
      if (reloading) {
        again = true;
        return;
      }
      reloading = (async () => {
        do {
          again = false;
          await get().loadList();
          if (get().detail?.ref === ref) await get().open(ref);
        } while (again);
      })().finally(() => {
        reloading = null;
      });
    };
    return {
      list: [],
      listLoaded: false,
      listError: null,
      detail: null,
      detailError: null,
      loadingDetail: false,
      filter: 'all',
      exported: {},
      live: {},
      onIncidentEvent(e) {
        set({ live: { ...get().live, [e.ref]: { clips: e.clips, complete: e.complete, failed: e.failed, status: e.status } } });
        if (get().listLoaded || get().detail?.ref === e.ref) follow(e.ref);
      },
      setFilter(filter) {
        set({ filter });
      },
      async loadList() {
        try {
          const r = await unwrap(api.call('incidents.list', {}));
          set({ list: r.incidents, listLoaded: true, listError: null });
        } catch (e) {
          set({ listLoaded: true, listError: errorText(e) });
        }
      },
      async open(ref) {
        set({ loadingDetail: get().detail?.ref !== ref, detailError: null });
        try {
          const d = await unwrap(api.call('incidents.show', { ref }));
          set({ detail: d, loadingDetail: false });
        } catch (e) {
          set({ detail: null, loadingDetail: false, detailError: errorText(e) });
        }
      },
      async create(req) {
        const inc = await unwrap(api.call('incidents.create', req));
        await get().loadList();
        return inc;
      },
      async archive(ref) {
        jobs.getState().start('archive', ref);
        try {
          const d = await unwrap(api.call('incidents.archive', { ref }));
          jobs.getState().finish('archive', ref);
          set({ detail: d });
          await get().loadList();
          return d;
        } catch (e) {
          jobs.getState().finish('archive', ref, errorText(e));
          throw e;
        }
      },
      async extend(ref, reviewBy, reason) {
        await unwrap(api.call('incidents.extend', { ref, reviewBy, reason }));
        await refresh(ref);
      },
      async close(ref, reason) {
        const r = await unwrap(api.call('incidents.close', { ref, reason }));
        await refresh(ref);
        return { deleted: r.deleted, failed: r.failed.length };
      },
      async exportPackage(ref, audience, zip) {
        jobs.getState().start('export', ref);
        try {
          const r = await unwrap(api.call('exports.create', { ref, audience, zip }));
          jobs.getState().finish('export', ref);
          set({ exported: { ...get().exported, [ref]: r } });
          if (get().detail?.ref === ref) await get().open(ref);
          return r;
        } catch (e) {
          jobs.getState().finish('export', ref, errorText(e));
          throw e;
        }
      },
      async recordHandover(req) {
        const r = await unwrap(api.call('handover.record', req));
        await refresh(req.ref);
        return r;
      },
      async discardPackage(ref, packageId, reason) {
        const r = await unwrap(api.call('packages.discard', { packageId, reason }));
        await refresh(ref);
        return r;
      },
      async reclassify(clip, subjects, reason) {
        await unwrap(api.call('clips.reclassify', { clip, subjects, reason }));
        const ref = get().detail?.ref;
        if (ref) await get().open(ref);
      },
    };
  });
}
