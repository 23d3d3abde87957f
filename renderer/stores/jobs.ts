/** Long work reported by progress events (archiving, exporting): one bar per task and incident. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiEvent } from '../../common/api/types.js';

export interface Job {
  key: string;
  task: string;
  ref: string;
  fraction: number;
  label: string;
  /** What the work is doing now, as a code worded by the catalogue (ui:steps.<step>). */
  step?: string;
  state: 'running' | 'done' | 'failed';
  error?: string;
}

export interface JobsState {
  jobs: Record<string, Job>;
  start(task: string, ref: string, label?: string): void;
  progress(task: string, ref: string, fraction: number, label: string, step?: string): void;
  finish(task: string, ref: string, error?: string): void;
  clear(task: string, ref: string): void;
  onEvent(e: ApiEvent): void;
}

export type JobsStore = StoreApi<JobsState>;

export const jobKey = (task: string, ref: string): string => `${task}:${ref}`;

export function createJobsStore(): JobsStore {
  return createStore<JobsState>()((set, get) => ({
    jobs: {},
    start(task, ref, label = '') {
      set({ jobs: { ...get().jobs, [jobKey(task, ref)]: { key: jobKey(task, ref), task, ref, fraction: 0, label, state: 'running' } } });
    },
    progress(task, ref, fraction, label, step) {
      const key = jobKey(task, ref);
      const prev = get().jobs[key];
      // Events can arrive after the call returned: a finished job keeps its end state.
      if (prev && prev.state !== 'running') return;
      const f = Math.min(1, Math.max(prev?.fraction ?? 0, fraction));
      set({ jobs: { ...get().jobs, [key]: { key, task, ref, fraction: f, label, ...(step ? { step } : {}), state: 'running' } } });
    },
    finish(task, ref, error) {
      const key = jobKey(task, ref);
      const prev = get().jobs[key];
      const base = prev ?? { key, task, ref, fraction: 0, label: '', state: 'running' as const };
      set({ jobs: { ...get().jobs, [key]: error === undefined ? { ...base, fraction: 1, state: 'done' } : { ...base, state: 'failed', error } } });
    },
    clear(task, ref) {
      const next = { ...get().jobs };
      delete next[jobKey(task, ref)];
      set({ jobs: next });
    },
    onEvent(e) {
      if (e.type === 'progress') get().progress(e.task, e.ref, e.fraction, e.label, e.step);
    },
  }));
}
