import type { JSX } from "preact";
import type { ApiError } from "../api/client";
import type { Collection, Field, FieldType } from "../api/types";
import { CheckboxField, describedBy, FormField } from "../ui/form-field";

type OptionKind = "int" | "nullableNumber" | "text" | "bool" | "list" | "collection";
interface OptionSpec {
  key: string;
  label: string;
  kind: OptionKind;
  hint?: string;
}

/** The options of each field type (PocketBase's names), and how to edit them. */
export const FIELD_OPTIONS: Record<FieldType, OptionSpec[]> = {
  text: [
    { key: "min", label: "Min length", kind: "int" },
    { key: "max", label: "Max length", kind: "int", hint: "0: no limit" },
    { key: "pattern", label: "Pattern (regex)", kind: "text" },
    { key: "autogeneratePattern", label: "Autogenerate pattern", kind: "text", hint: "e.g. [a-z0-9]{15}" },
  ],
  number: [
    { key: "min", label: "Min", kind: "nullableNumber" },
    { key: "max", label: "Max", kind: "nullableNumber" },
    { key: "onlyInt", label: "Integers only", kind: "bool" },
  ],
  bool: [],
  email: [
    { key: "onlyDomains", label: "Only domains", kind: "list" },
    { key: "exceptDomains", label: "Except domains", kind: "list" },
  ],
  url: [
    { key: "onlyDomains", label: "Only domains", kind: "list" },
    { key: "exceptDomains", label: "Except domains", kind: "list" },
  ],
  editor: [
    { key: "maxSize", label: "Max size (bytes)", kind: "int", hint: "0: default" },
    { key: "convertURLs", label: "Convert URLs", kind: "bool" },
  ],
  date: [
    { key: "min", label: "Min date", kind: "text", hint: "2024-01-01 00:00:00.000Z" },
    { key: "max", label: "Max date", kind: "text" },
  ],
  autodate: [
    { key: "onCreate", label: "Set on create", kind: "bool" },
    { key: "onUpdate", label: "Set on update", kind: "bool" },
  ],
  select: [
    { key: "values", label: "Choices", kind: "list", hint: "Comma-separated" },
    { key: "maxSelect", label: "Max selected", kind: "int", hint: "1: single choice" },
  ],
  file: [
    { key: "maxSelect", label: "Max files", kind: "int" },
    { key: "maxSize", label: "Max size per file (bytes)", kind: "int" },
    { key: "mimeTypes", label: "MIME types", kind: "list", hint: "e.g. image/png, image/jpeg" },
    { key: "thumbs", label: "Thumb sizes", kind: "list", hint: "e.g. 100x100, 0x300" },
    { key: "protected", label: "Protected (needs a file token)", kind: "bool" },
  ],
  relation: [
    { key: "collectionId", label: "Related collection", kind: "collection" },
    { key: "minSelect", label: "Min selected", kind: "int" },
    { key: "maxSelect", label: "Max selected", kind: "int", hint: "1: single relation" },
    { key: "cascadeDelete", label: "Delete with the related record", kind: "bool" },
  ],
  json: [{ key: "maxSize", label: "Max size (bytes)", kind: "int", hint: "0: default" }],
  geoPoint: [],
  password: [
    { key: "min", label: "Min length", kind: "int" },
    { key: "max", label: "Max length", kind: "int" },
    { key: "pattern", label: "Pattern (regex)", kind: "text" },
  ],
};

/** Defaults for a new field of a type (what the API would assume). */
export function newField(type: FieldType, name: string): Field {
  const field: Field = { name, type, required: false, hidden: false, presentable: false, system: false };
  if (type === "select") Object.assign(field, { values: [], maxSelect: 1 });
  if (type === "relation")
    Object.assign(field, { collectionId: "", maxSelect: 1, minSelect: 0, cascadeDelete: false });
  if (type === "file")
    Object.assign(field, { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false });
  if (type === "autodate") Object.assign(field, { onCreate: true, onUpdate: false });
  if (type === "number") Object.assign(field, { min: null, max: null, onlyInt: false });
  return field;
}

interface FieldOptionsProps {
  field: Field;
  index: number;
  collections: Collection[];
  error: ApiError | null;
  onChange: (field: Field) => void;
}

const listText = (v: unknown) => (Array.isArray(v) ? v.join(", ") : "");
const toList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The inputs for one field's type options. */
export function FieldOptions({ field, index, collections, error, onChange }: FieldOptionsProps) {
  const specs = FIELD_OPTIONS[field.type] ?? [];
  if (specs.length === 0) return <p class="muted small">This type has no options.</p>;
  const set = (key: string, value: unknown) => onChange({ ...field, [key]: value });
  return (
    <div class="options-grid">
      {specs.map((spec) => {
        const id = `f${index}-${spec.key}`;
        const message = error?.fieldMessage("fields", index, spec.key);
        const value = field[spec.key];
        if (spec.kind === "bool")
          return (
            <CheckboxField
              key={spec.key}
              id={id}
              label={spec.label}
              checked={Boolean(value)}
              onChange={(v) => set(spec.key, v)}
            />
          );
        let control: JSX.Element;
        if (spec.kind === "collection") {
          control = (
            <select
              id={id}
              value={String(value ?? "")}
              onChange={(e) => set(spec.key, e.currentTarget.value)}
              {...describedBy(id, message)}
            >
              <option value="">Choose…</option>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          );
        } else if (spec.kind === "list") {
          control = (
            <input
              id={id}
              value={listText(value)}
              onChange={(e) => set(spec.key, toList(e.currentTarget.value))}
              {...describedBy(id, message, Boolean(spec.hint))}
            />
          );
        } else if (spec.kind === "text") {
          control = (
            <input
              id={id}
              class="mono"
              value={String(value ?? "")}
              onInput={(e) => set(spec.key, e.currentTarget.value)}
              {...describedBy(id, message, Boolean(spec.hint))}
            />
          );
        } else {
          control = (
            <input
              id={id}
              type="number"
              step={spec.kind === "int" ? 1 : "any"}
              value={value === null || value === undefined ? "" : String(value)}
              onInput={(e) => {
                const text = e.currentTarget.value;
                set(spec.key, text === "" ? (spec.kind === "nullableNumber" ? null : 0) : Number(text));
              }}
              {...describedBy(id, message, Boolean(spec.hint))}
            />
          );
        }
        return (
          <FormField key={spec.key} id={id} label={spec.label} error={message} hint={spec.hint}>
            {control}
          </FormField>
        );
      })}
    </div>
  );
}
