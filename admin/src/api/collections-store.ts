import { useEffect, useState } from "preact/hooks";
import { pb } from "./pb";
import type { Collection } from "./types";

/** Every collection, shared by the sidebar and the screens; reloaded after schema changes. */
let collections: Collection[] | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<(list: Collection[] | null) => void>();

export function reloadCollections(): Promise<void> {
  loading = pb.collections
    .getFullList<Collection>({ batch: 500 })
    .then((items) => {
      collections = items;
      for (const l of listeners) l(collections);
    })
    .finally(() => {
      loading = null;
    });
  return loading;
}

export function useCollections(): Collection[] | null {
  const [list, setList] = useState(collections);
  useEffect(() => {
    listeners.add(setList);
    // A list that arrived between this component's first render and now was announced before it
    // listened: take it, or a screen opened while the first load ran stays at "Loading…".
    setList(collections);
    if (!collections && !loading) reloadCollections().catch(() => undefined);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  return list;
}

export function forgetCollections(): void {
  collections = null;
}
