import { useState } from "preact/hooks";
import type { ApiError } from "../api/client";
import type { Collection, Field } from "../api/types";
import { FIELD_TYPES } from "../fields/registry";
import { CheckboxField, describedBy } from "../ui/form-field";
import { FieldOptions, newField } from "./field-options";

interface FieldsEditorProps {
  fields: Field[];
  collections: Collection[];
  error: ApiError | null;
  onChange: (fields: Field[]) => void;
}

/** The field list of a collection: rename, flags, type options, order, add and remove. */
export function FieldsEditor({ fields, collections, error, onChange }: FieldsEditorProps) {
  const [newType, setNewType] = useState("text");
  const update = (i: number, field: Field) => onChange(fields.map((f, j) => (j === i ? field : f)));
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [item] = next.splice(i, 1);
    if (item) next.splice(i + by, 0, item);
    onChange(next);
  };
  const add = () => {
    let n = fields.length + 1;
    while (fields.some((f) => f.name === `field${n}`)) n++;
    onChange([...fields, newField(newType, `field${n}`)]);
    requestAnimationFrame(() => document.getElementById(`f${fields.length}-name`)?.focus());
  };

  return (
    <div class="fields-editor">
      <p class="muted small" id="presentable-help">
        <strong>Presentable</strong>: the field's value names the record wherever another collection points at
        it (relation cells, the record drawer, pickers) instead of its id. Mark one or more short fields, e.g.
        a name or a title.
      </p>
      <ol class="field-list">
        {fields.map((f, i) => {
          const nameError = error?.fieldMessage("fields", i, "name");
          const other = fieldLevelMessage(error, i);
          return (
            <li
              key={f.id ?? `new-${i}`}
              class={`field-card${f.system ? " field-system" : ""}${nameError || other ? " has-error" : ""}`}
            >
              <div class="field-row">
                <span class={`field-type-tag type-${f.type}`}>{f.type}</span>
                <label for={`f${i}-name`} class="sr-only">
                  Field {i + 1} name
                </label>
                <input
                  id={`f${i}-name`}
                  class="field-name mono"
                  value={f.name}
                  readOnly={f.system}
                  onInput={(e) => update(i, { ...f, name: e.currentTarget.value })}
                  {...describedBy(`f${i}-name`, nameError)}
                />
                <CheckboxField
                  id={`f${i}-required`}
                  label="Required"
                  checked={Boolean(f.required)}
                  onChange={(v) => update(i, { ...f, required: v })}
                  disabled={f.system && f.name === "id"}
                />
                <CheckboxField
                  id={`f${i}-hidden`}
                  label="Hidden"
                  checked={Boolean(f.hidden)}
                  onChange={(v) => update(i, { ...f, hidden: v })}
                  disabled={f.system}
                />
                <CheckboxField
                  id={`f${i}-presentable`}
                  label="Presentable"
                  checked={Boolean(f.presentable)}
                  onChange={(v) => update(i, { ...f, presentable: v })}
                  describedById="presentable-help"
                />
                <span class="spacer" />
                {!f.system && (
                  <>
                    <button
                      type="button"
                      class="btn btn-ghost btn-sm"
                      onClick={() => move(i, -1)}
                      disabled={i === 0}
                      aria-label={`Move ${f.name} up`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="btn btn-ghost btn-sm"
                      onClick={() => move(i, 1)}
                      disabled={i === fields.length - 1}
                      aria-label={`Move ${f.name} down`}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="btn btn-danger-ghost btn-sm"
                      onClick={() => onChange(fields.filter((_, j) => j !== i))}
                      aria-label={`Remove field ${f.name}`}
                    >
                      Remove
                    </button>
                  </>
                )}
              </div>
              {nameError && (
                <p class="field-error" id={`f${i}-name-error`}>
                  {nameError}
                </p>
              )}
              {other && <p class="field-error">{other}</p>}
              {!(f.system && f.name === "id") && (
                <details class="field-options" open={Boolean(other) || undefined}>
                  <summary>Options</summary>
                  <FieldOptions
                    field={f}
                    index={i}
                    collections={collections}
                    error={error}
                    onChange={(next) => update(i, next)}
                  />
                </details>
              )}
            </li>
          );
        })}
      </ol>
      <div class="add-field">
        <label for="new-field-type">New field type</label>
        <select
          id="new-field-type"
          class="type-select"
          value={newType}
          onChange={(e) => setNewType(e.currentTarget.value)}
        >
          {Object.keys(FIELD_TYPES).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button type="button" class="btn" onClick={add}>
          + Add field
        </button>
      </div>
    </div>
  );
}

/** An error about a field as a whole, or about an option this form has no input for. */
function fieldLevelMessage(error: ApiError | null, index: number): string | undefined {
  const node = (error?.data.fields as Record<string, unknown> | undefined)?.[String(index)];
  if (!node || typeof node !== "object") return undefined;
  if ("message" in node) return String((node as { message: unknown }).message);
  const messages = Object.entries(node as Record<string, { message?: string }>)
    .filter(([key]) => key !== "name")
    .map(([key, v]) => `${key}: ${v?.message ?? "invalid"}`);
  return messages.length ? messages.join("; ") : undefined;
}
