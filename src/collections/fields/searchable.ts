import type { EditorField } from "./editor.js";
import type { FieldCommon } from "./field-type.js";
import type { TextField } from "./text.js";

/** The field types whose text can go into a collection's full-text search index. */
export type SearchableField = TextField | EditorField;

/** Whether a field's type can be searched in full text (it has a `searchable` option). */
export function canBeSearchable(field: FieldCommon): field is SearchableField {
  return field.type === "text" || field.type === "editor";
}

/** Whether a field is marked for the full-text search index. */
export function isSearchable(field: FieldCommon): field is SearchableField {
  return canBeSearchable(field) && (field as SearchableField).searchable === true;
}

const TAG = /<[^>]*>/g;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/**
 * The text a reader sees in a searchable value (what snippets show): an editor's HTML without its
 * tags and with the common entities decoded; plain text as it is.
 */
export function searchableText(field: SearchableField, value: string): string {
  if (field.type !== "editor") return value;
  return value
    .replace(TAG, " ")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "");
}
