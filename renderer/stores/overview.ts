/**
 * The overview: roots, storage, each camera's oldest and newest recording, the retention
 * horizon, the next deletions, open incidents by review date, alarms, and the chart of stored
 * hours per camera per day. The chart is loaded after the rest so the first paint never waits
 * for it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlarmView, IncidentSummaryView, StatusView, SweepPreviewView } from '../../common/api/types.js';
import { errorText, isoMs, unwrap, type Api } from '../lib/api.js';
import { hoursPerDay, siteDays, type DayBucket } from '../lib/chart.js';
import { addSiteDays } from '../lib/format.js';
import { DAY, type Span } from '../lib/timeline.js';
import { byReviewDate } from './incidents.js';

export interface ChartSeries {
  camera: string;
  name: string;
  days: DayBucket[];
}

export interface OverviewState {
  status: StatusView | null;
  error: string | null;
  incidents: IncidentSummaryView[];
  preview: SweepPreviewView | null;
  alarms: AlarmView[];
  chart: ChartSeries[] | null;
  chartDays: number[];
  chartLoading: boolean;
  chartError: string | null;
  load(ops: ReadonlySet<string>): Promise<void>;
  loadChart(): Promise<void>;
  ack(id: number, note?: string): Promise<void>;
}

export type OverviewStore = StoreApi<OverviewState>;

/** At most this many days are charted (the retention window and a little before it). */
export const CHART_MAX_DAYS = 75;
/**
 * Above this many segments the chart is counted only when asked for: it is summed from the
 * segment lists (the contract has no per-day totals yet), which on a large index is a lot of data.
 */
export const CHART_AUTO_MAX_SEGMENTS = 200_000;
const CHUNK_MS = 31 * DAY;

export function createOverviewStore(api: Api, now: () => number = () => Date.now()): OverviewStore {
  return createStore<OverviewState>()((set, get) => ({
    status: null,
    error: null,
    incidents: [],
    preview: null,
    alarms: [],
    chart: null,
    chartDays: [],
    chartLoading: false,
    chartError: null,
    async load(ops) {
      // The status first, painted as soon as it comes; the rest fills in beside it.
      const rest = [
        ops.has('incidents.list') ? unwrap(api.call('incidents.list', {})).then((r) => set({ incidents: byReviewDate(r.incidents) })) : null,
        ops.has('sweep.dryRun') ? unwrap(api.call('sweep.dryRun', {})).then((preview) => set({ preview })) : null,
        ops.has('alarms.list') ? unwrap(api.call('alarms.list', {})).then((r) => set({ alarms: r.alarms })) : null,
      ];
      try {
        const status = await unwrap(api.call('status', {}));
        set({ status, error: null });
        await Promise.all(rest);
      } catch (e) {
        set({ error: errorText(e) });
      }
    },
    async loadChart() {
      const status = get().status;
      if (!status || get().chartLoading) return;
      const tz = status.siteTimeZone;
      const toMs = now();
      const horizon = isoMs(status.retentionHorizon) ?? toMs - 61 * DAY;
      const oldest = Math.min(horizon, ...status.cameras.map((c) => isoMs(c.oldest) ?? toMs));
      const fromMs = Math.max(oldest, toMs - CHART_MAX_DAYS * DAY);
      const days = siteDays(fromMs, toMs, tz);
      set({ chartLoading: true, chartError: null, chartDays: days });
      try {
        const series: ChartSeries[] = [];
        for (const cam of status.cameras) {
          const segs: Span[] = [];
          const holds: Span[] = [];
          for (let a = days[0] ?? fromMs; a < toMs; a += CHUNK_MS) {
            const b = Math.min(toMs, a + CHUNK_MS);
            const r = await unwrap(api.call('segments.list', { camera: cam.id, from: a, to: b, limit: 50_000 }));
            for (const s of r.segments) segs.push({ startMs: s.startMs, endMs: s.endMs });
            for (const h of r.holds) holds.push({ startMs: h.fromMs, endMs: h.toMs });
          }
          series.push({ camera: cam.id, name: cam.name ?? cam.id, days: hoursPerDay(segs, holds, days, (d) => addSiteDays(d, 1, tz)) });
        }
        set({ chart: series, chartLoading: false });
      } catch (e) {
        set({ chartLoading: false, chartError: errorText(e) });
      }
    },
    async ack(id, note) {
      await unwrap(api.call('alarms.ack', note ? { id, note } : { id }));
      const alarms = await unwrap(api.call('alarms.list', {}));
      const status = await unwrap(api.call('status', {}));
      set({ alarms: alarms.alarms, status });
    },
  }));
}
