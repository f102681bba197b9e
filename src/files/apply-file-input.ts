import type { Modifier } from "../collections/fields/field-type.js";
import { fileMaxSize } from "../collections/fields/file.js";
import { isMultiValued } from "../collections/fields/index.js";
import { toStringList } from "../collections/fields/string-list.js";
import type { FileField } from "../collections/model.js";
import { type FieldIssue, issue } from "../errors/api-error.js";
import { UploadedFile } from "./uploaded-file.js";

export interface FileInput {
  /** The field's next value (a list when multi-valued or when too many for a single field). */
  value: unknown;
  uploads: UploadedFile[];
  issue?: FieldIssue;
}

/**
 * One body key for a file field, PocketBase's way: `field` sets the value to the names it lists
 * (only names the record already has) plus the files uploaded under it, `field+`/`+field` add
 * uploads, `field-` removes names; `[]`, `""` or null clear. Names never come from the client: a
 * name the record doesn't hold is refused, so no record can point at someone else's file.
 */
export function applyFileInput(
  field: FileField,
  stored: unknown,
  working: unknown,
  raw: unknown,
  modifier: Modifier | undefined,
): FileInput {
  const { names, uploads, bad } = splitItems(raw);
  if (bad)
    return { value: working, uploads: [], issue: issue("validation_invalid_value", "Invalid file value.") };
  const storedNames = toStringList(stored) ?? [];
  const unknown = names.filter((n) => !storedNames.includes(n));
  if (unknown.length > 0 && modifier !== "remove") {
    const invalidFiles = unknown.map((n) => n.slice(0, 250));
    return {
      value: working,
      uploads: [],
      issue: issue("validation_invalid_file", `Invalid files: ${invalidFiles.join(", ")}.`, { invalidFiles }),
    };
  }
  // A records body is cut off at the limit while streaming; a batch's parts are streamed before it
  // is known which field they are for, so their size is checked here.
  const tooBig = uploads.find((u) => u.size > fileMaxSize(field));
  if (tooBig) {
    const maxSize = fileMaxSize(field);
    return {
      value: working,
      uploads: [],
      issue: issue("validation_file_size_limit", `The file must not be larger than ${maxSize} bytes.`, {
        maxSize,
      }),
    };
  }
  const badType = field.mimeTypes?.length
    ? uploads.find((u) => !(field.mimeTypes as string[]).includes(u.contentType))
    : undefined;
  if (badType) {
    return {
      value: working,
      uploads: [],
      issue: issue(
        "validation_invalid_mime_type",
        `"${badType.name}" mime type must be one of: ${(field.mimeTypes as string[]).join(", ")}.`,
        { mimeTypes: field.mimeTypes },
      ),
    };
  }
  const current = toStringList(working) ?? [];
  const added = [...names, ...uploads.map((u) => u.name)];
  let next: string[];
  if (modifier === "append") next = [...current, ...added];
  else if (modifier === "prepend") next = [...added, ...current];
  else if (modifier === "remove") next = current.filter((n) => !names.includes(n));
  else next = added;
  next = [...new Set(next)];
  const value = isMultiValued(field) ? next : next.length <= 1 ? (next[0] ?? "") : next;
  return { value, uploads: modifier === "remove" ? [] : uploads };
}

function splitItems(raw: unknown): { names: string[]; uploads: UploadedFile[]; bad: boolean } {
  const names: string[] = [];
  const uploads: UploadedFile[] = [];
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    if (item instanceof UploadedFile) {
      uploads.push(item);
      continue;
    }
    const list = toStringList(item);
    if (list === null) return { names, uploads, bad: true };
    names.push(...list);
  }
  return { names, uploads, bad: false };
}
