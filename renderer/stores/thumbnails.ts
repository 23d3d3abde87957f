/**
 * Stills for the timeline's hover: asked once per recording (the server makes it from the first
 * keyframe and keeps it until the recording is deleted), remembered here for the last few
 * hundred, never asked twice at the same time.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StillView } from '../../common/api/types.js';
import { errorText, unwrap, type Api } from '../lib/api.js';

export const THUMBNAILS_KEPT = 300;

export type ThumbEntry = { state: 'loading' } | { state: 'ready'; still: StillView } | { state: 'failed'; error: string };

export interface ThumbnailsState {
  bySegment: Readonly<Record<number, ThumbEntry>>;
  order: readonly number[];
  want(segment: number): void;
}

export type ThumbnailsStore = StoreApi<ThumbnailsState>;

export function createThumbnailsStore(api: Api): ThumbnailsStore {
  return createStore<ThumbnailsState>()((set, get) => {
    const put = (segment: number, e: ThumbEntry): void => {
      const order = [...get().order.filter((x) => x !== segment), segment];
      const bySegment: Record<number, ThumbEntry> = { ...get().bySegment, [segment]: e };
      while (order.length > THUMBNAILS_KEPT) {
        const old = order.shift();
        if (old !== undefined) delete bySegment[old];
      }
      set({ bySegment, order });
    };
    return {
      bySegment: {},
      order: [],
      want(segment) {
        if (get().bySegment[segment]) return;
        put(segment, { state: 'loading' });
        void unwrap(api.call('thumbnails.get', { segment }))
          .then((still) => put(segment, { state: 'ready', still }))
          .catch((e: unknown) => put(segment, { state: 'failed', error: errorText(e) }));
      },
    };
  });
}
