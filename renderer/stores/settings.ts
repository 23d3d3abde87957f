/** The administrator's settings screen: site settings, roots, cameras, users. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CameraView, Mask, SettingsView, StatusView, UserView } from '../../common/api/types.js';
import type { Role } from '../../common/permissions.js';
import type { SettingKey } from '../../common/settings.js';
import type { Zone } from '../../common/domain.js';
import { errorText, unwrap, type Api } from '../lib/api.js';

export interface SettingsState {
  settings: SettingsView | null;
  cameras: CameraView[];
  users: UserView[];
  status: StatusView | null;
  error: string | null;
  load(ops: ReadonlySet<string>): Promise<void>;
  change(key: SettingKey, value: unknown): Promise<void>;
  setCamera(id: string, patch: { name?: string | null; zone?: Zone; masks?: Mask[] }): Promise<void>;
  addUser(name: string, role: Role, password: string): Promise<void>;
  setRole(name: string, role: Role): Promise<void>;
  disableUser(name: string): Promise<void>;
  /** An administrator's reset: the user's sessions end, a lock from failed logins goes. */
  setPassword(name: string, password: string): Promise<void>;
  unlockUser(name: string): Promise<void>;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(api: Api): SettingsStore {
  return createStore<SettingsState>()((set, get) => ({
    settings: null,
    cameras: [],
    users: [],
    status: null,
    error: null,
    async load(ops) {
      try {
        const [settings, cameras, users, status] = await Promise.all([
          unwrap(api.call('settings.get', {})),
          unwrap(api.call('cameras.list', {})).then((r) => r.cameras),
          ops.has('users.list') ? unwrap(api.call('users.list', {})).then((r) => r.users) : Promise.resolve([]),
          unwrap(api.call('status', {})),
        ]);
        set({ settings, cameras, users, status, error: null });
      } catch (e) {
        set({ error: errorText(e) });
      }
    },
    async change(key, value) {
      const r = await unwrap(api.call('settings.set', { key, value }));
      const s = get().settings;
      if (s) set({ settings: { ...s, [r.key]: r.value } as SettingsView });
    },
    async setCamera(id, patch) {
      const cam = await unwrap(api.call('cameras.set', { id, ...patch }));
      set({ cameras: get().cameras.map((c) => (c.id === id ? cam : c)) });
    },
    async addUser(name, role, password) {
      await unwrap(api.call('users.add', { name, role, password }));
      set({ users: (await unwrap(api.call('users.list', {}))).users });
    },
    async setRole(name, role) {
      await unwrap(api.call('users.setRole', { name, role }));
      set({ users: (await unwrap(api.call('users.list', {}))).users });
    },
    async disableUser(name) {
      await unwrap(api.call('users.disable', { name }));
      set({ users: (await unwrap(api.call('users.list', {}))).users });
    },
    async setPassword(name, password) {
      await unwrap(api.call('users.setPassword', { name, password }));
      set({ users: (await unwrap(api.call('users.list', {}))).users });
    },
    async unlockUser(name) {
      await unwrap(api.call('users.unlock', { name }));
      set({ users: (await unwrap(api.call('users.list', {}))).users });
    },
  }));
}

