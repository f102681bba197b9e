import { useState } from "preact/hooks";

const key = (collection: string) => `backroom.admin.hiddenColumns.${collection}`;

function read(collection: string): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(key(collection)) ?? "[]");
    return Array.isArray(stored) ? stored.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * The columns a person hid in one collection's table, kept in this browser (a view preference,
 * not the collection's schema), so a wide collection stays readable across visits.
 */
export function useHiddenColumns(collection: string): [Set<string>, (hidden: Set<string>) => void] {
  const [hidden, setHidden] = useState(() => new Set(read(collection)));
  const update = (next: Set<string>) => {
    setHidden(next);
    try {
      localStorage.setItem(key(collection), JSON.stringify([...next]));
    } catch {
      // Storage full or refused: the choice still holds for this visit.
    }
  };
  return [hidden, update];
}
