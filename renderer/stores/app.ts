/** All of the renderer's stores, made once per API (so tests make their own with a fake). */
import { isMsg, translator } from '../../common/i18n/catalog.js';
import type { Api } from '../lib/api.js';
import type { Lang } from '../lib/format.js';
import { createCamerasStore, type CamerasStore } from './cameras.js';
import { createThumbnailsStore, type ThumbnailsStore } from './thumbnails.js';
import { createDpoStore, type DpoStore } from './dpo.js';
import { createIncidentsStore, type IncidentsStore } from './incidents.js';
import { createJobsStore, type JobsStore } from './jobs.js';
import { createOverviewStore, type OverviewStore } from './overview.js';
import { createSessionStore, type SessionStore } from './session.js';
import { createSettingsStore, type SettingsStore } from './settings.js';
import { createTimelineStore, type TimelineStore } from './timeline.js';
import { createUiStore, type UiStore } from './ui.js';

export interface Stores {
  api: Api;
  session: SessionStore;
  ui: UiStore;
  jobs: JobsStore;
  overview: OverviewStore;
  timeline: TimelineStore;
  incidents: IncidentsStore;
  dpo: DpoStore;
  settings: SettingsStore;
  cameras: CamerasStore;
  thumbnails: ThumbnailsStore;
  /** Stops listening to pushed events. */
  dispose(): void;
}

export function createStores(api: Api, opts: { lang?: Lang; now?: () => number } = {}): Stores {
  const jobs = createJobsStore();
  const session = createSessionStore(api);
  const ui = createUiStore(opts.lang ?? 'sv');
  const stores: Stores = {
    api,
    session,
    ui,
    jobs,
    overview: createOverviewStore(api, opts.now),
    timeline: createTimelineStore(api, opts.now),
    incidents: createIncidentsStore(api, jobs),
    dpo: createDpoStore(api),
    settings: createSettingsStore(api),
    cameras: createCamerasStore(api),
    thumbnails: createThumbnailsStore(api),
    dispose: () => undefined,
  };
  const off = api.subscribe((e) => {
    jobs.getState().onEvent(e);
    // Why it ended, in the language the page shows (the event's `reason` is the English log form).
    if (e.type === 'session-ended') session.getState().expire(isMsg(e.msg) ? translator(ui.getState().lang)(e.msg) : e.reason);
    if (e.type === 'incident') stores.incidents.getState().onIncidentEvent(e);
  });
  stores.dispose = off;
  return stores;
}
