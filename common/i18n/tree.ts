/**
 * Namespaces kept as nested JSON (the UI's and the desktop shell's words, which people edit as
 * trees) are flattened to the catalogue's flat keys: `{ "app": { "name": "…" } }` becomes the one
 * key "app.name" (the catalogue has `keySeparator: false`), so `t('app.name')` reads the same
 * string whichever way it was written.
 */

/** A tree of sentences as JSON holds them. */
export interface Tree {
  readonly [key: string]: string | Tree;
}

/** The flat keys of a tree type: "a.b" for `{ a: { b: string } }`. */
export type FlatKeys<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : FlatKeys<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A tree's sentences by flat key. */
export type Flat<T> = { readonly [K in FlatKeys<T>]: string };

export function flatten<T extends Tree>(tree: T): Flat<T> {
  const out: Record<string, string> = {};
  const walk = (node: Tree, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') out[`${prefix}${k}`] = v;
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(tree, '');
  // The walk wrote exactly the leaves FlatKeys<T> names.
  return out as Flat<T>;
}
