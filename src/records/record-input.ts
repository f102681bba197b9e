import type { Modifier } from "../collections/fields/field-type.js";
import { fieldType, isFileField } from "../collections/fields/index.js";
import type { Collection, Field } from "../collections/model.js";
import { type IssueMap, issue } from "../errors/api-error.js";
import { applyFileInput } from "../files/apply-file-input.js";
import type { UploadedFile } from "../files/uploaded-file.js";
import type { RecordValues } from "./row-mapping.js";

/** Keys a client may send that are not fields: auth password confirmation and checks. */
export const AUTH_EXTRA_KEYS = new Set(["passwordConfirm", "oldPassword"]);

export interface AppliedInput {
  values: Record<string, unknown>;
  /** Field names the body set (after modifiers); drives validation, audit and `:changed`. */
  changed: Set<string>;
  issues: IssueMap;
  /** Uploaded files the new values use: the writer places them under the record before commit. */
  uploads: UploadedFile[];
}

function splitModifier(key: string): { name: string; modifier?: Modifier } {
  if (key.endsWith("+")) return { name: key.slice(0, -1), modifier: "append" };
  if (key.startsWith("+")) return { name: key.slice(1), modifier: "prepend" };
  if (key.endsWith("-")) return { name: key.slice(0, -1), modifier: "remove" };
  return { name: key };
}

/**
 * Applies a request body to a record's values: plain keys replace, `field+`/`+field`/`field-`
 * modify the current value. Unknown keys are ignored (as PocketBase does); fields the server
 * owns (autodate, tokenKey for non-superusers) are not writable.
 */
export function applyInput(
  collection: Collection,
  body: Record<string, unknown>,
  current: RecordValues,
  opts: { isSuperuser: boolean; isNew: boolean; formKeys?: ReadonlySet<string> },
): AppliedInput {
  const values: Record<string, unknown> = { ...current };
  const changed = new Set<string>();
  const issues: IssueMap = {};
  const byName = new Map(collection.fields.map((f) => [f.name, f]));
  const uploads: UploadedFile[] = [];

  // Plain assignments first, then modifiers, so `{"tags": [...], "tags+": "x"}` is well defined.
  const keys = Object.keys(body).sort(
    (a, b) =>
      Number(splitModifier(a).modifier !== undefined) - Number(splitModifier(b).modifier !== undefined),
  );
  for (const key of keys) {
    const { name, modifier } = splitModifier(key);
    const field = byName.get(name);
    if (!field || !writable(field, opts)) continue;
    if (isFileField(field)) {
      // Files arrive as uploads and leave by name; names the record doesn't hold are refused.
      const result = applyFileInput(field, current[name], values[name], body[key], modifier);
      if (result.issue) issues[name] = result.issue;
      values[name] = result.value;
      uploads.push(...result.uploads);
      changed.add(name);
      continue;
    }
    const def = fieldType(field);
    const value = def.coerce(field, body[key], opts.formKeys?.has(key) ? "form" : "json");
    if (modifier) {
      if (!def.applyModifier) {
        issues[name] = issue(
          "validation_invalid_modifier",
          `The "${key}" modifier is not supported by ${field.type} fields.`,
        );
        continue;
      }
      values[name] = def.applyModifier(field, values[name], modifier, value);
    } else {
      values[name] = value;
    }
    changed.add(name);
  }
  const kept = uploads.filter((u) => {
    const value = values[fileFieldOf(u.partName)];
    return Array.isArray(value) ? value.includes(u.name) : value === u.name;
  });
  return { values, changed, issues, uploads: kept };
}

function fileFieldOf(partName: string): string {
  return splitModifier(partName).name;
}

function writable(field: Field, opts: { isSuperuser: boolean; isNew: boolean }): boolean {
  if (fieldType(field).serverSet) return false;
  if (field.name === "id") return opts.isNew;
  // Raw token keys are for superusers only; who may set `verified` is checked in auth-fields.ts.
  if (field.name === "tokenKey") return opts.isSuperuser;
  return true;
}
