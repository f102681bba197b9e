import type { JSX } from "preact";
import type { ApiError } from "../api/client";
import type { Collection, Field } from "../api/types";
import { fieldTypeOf } from "../fields/registry";
import { CheckboxField, describedBy, FormField } from "../ui/form-field";

/** A new field of a type, with the options its type starts with (what the API would assume). */
export function newField(type: string, name: string): Field {
  const field: Field = { name, type, required: false, hidden: false, presentable: false, system: false };
  return { ...field, ...fieldTypeOf(field).defaults };
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
  const specs = fieldTypeOf(field).options;
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
