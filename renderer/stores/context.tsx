/** Hands the stores to the views; `use` reads a slice of one store and re-renders on its change. */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { Stores } from './app.js';

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }): ReactNode {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('useStores outside StoresProvider');
  return s;
}

/**
 * A slice of a store (zustand's useStore, except that rendering without a DOM reads the store's
 * current state rather than its initial one, so views render under Node exactly as in a page).
 * Selectors return primitives or references held in the store, so snapshots are stable.
 */
export function useSlice<S, T>(store: StoreApi<S>, selector: (s: S) => T): T {
  const get = (): T => selector(store.getState());
  return useSyncExternalStore(store.subscribe, get, get);
}
