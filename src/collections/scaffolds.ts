import { collectionFromInput } from "./collection-input.js";
import { collectionToApi } from "./collection-json.js";

/** Empty collections of each type with their default fields and options (for admin forms). */
export function scaffolds(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of ["base", "auth", "view"] as const) {
    const c = collectionToApi(collectionFromInput({ type, name: "", viewQuery: "" }, undefined));
    out[type] = { ...c, id: "", name: "", created: "", updated: "" };
  }
  return out;
}
