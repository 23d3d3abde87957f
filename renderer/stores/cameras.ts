/**
 * Cameras by name, with their zone, for every screen that names one (incident header, clips,
 * the reclassify dialog, HR's view, the deletion log, the next deletions): loaded once for roles
 * that may list cameras, and filled from an incident's own `cameraInfo` for those that may not
 * (HR). A camera nobody named is shown by its id, with its zone.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CameraView } from '../../common/api/types.js';
import type { Zone } from '../../common/domain.js';
import { unwrap, type Api } from '../lib/api.js';

export interface CameraInfo {
  id: string;
  name: string | null;
  zone: Zone;
}

export interface CamerasState {
  byId: Readonly<Record<string, CameraInfo>>;
  loaded: boolean;
  load(): Promise<void>;
  /** Cameras an answer named (an incident's cameraInfo, a camera just changed). */
  remember(list: readonly CameraInfo[]): void;
}

export type CamerasStore = StoreApi<CamerasState>;

export function createCamerasStore(api: Api): CamerasStore {
  return createStore<CamerasState>()((set, get) => ({
    byId: {},
    loaded: false,
    async load() {
      try {
        const r = await unwrap(api.call('cameras.list', {}));
        get().remember(r.cameras.map((c: CameraView) => ({ id: c.id, name: c.name, zone: c.zone })));
        set({ loaded: true });
      } catch {
        // a role that may not list cameras: names come with the answers that mention them
      }
    },
    remember(list) {
      if (list.every((c) => get().byId[c.id]?.name === c.name && get().byId[c.id]?.zone === c.zone)) return;
      const next = { ...get().byId };
      for (const c of list) next[c.id] = c;
      set({ byId: next });
    },
  }));
}
