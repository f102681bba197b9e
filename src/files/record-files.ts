import { isFileField } from "../collections/fields/index.js";
import { toStringList } from "../collections/fields/string-list.js";
import type { Collection, FileField } from "../collections/model.js";

export function fileFields(collection: Collection): FileField[] {
  return collection.fields.filter(isFileField);
}

/** The stored filenames a record's file fields hold. */
export function recordFilenames(collection: Collection, record: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const field of fileFields(collection)) {
    for (const name of toStringList(record[field.name]) ?? []) names.add(name);
  }
  return names;
}

/** The file field of a record that holds filename, if any (a download must name a held file). */
export function fieldHolding(
  collection: Collection,
  record: Record<string, unknown>,
  filename: string,
): FileField | undefined {
  return fileFields(collection).find((f) => (toStringList(record[f.name]) ?? []).includes(filename));
}
