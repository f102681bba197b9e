import type { Collection, Field, RecordModel } from "../api/types";
import { isMultiple } from "../api/types";
import { describedBy, FormField } from "../ui/form-field";
import { FileField } from "./file-field";
import { RelationField } from "./relation-field";

export interface FileChanges {
  added: File[];
  removed: string[];
}

interface FieldInputProps {
  collection: Collection;
  record: RecordModel | null;
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  files: FileChanges;
  onFiles: (changes: FileChanges) => void;
  error: string | undefined;
}

/** PocketBase dates ("2024-05-01 10:30:00.000Z", UTC) ↔ the value of a datetime-local input. */
const toLocalInput = (value: unknown) =>
  typeof value === "string" && value ? value.slice(0, 16).replace(" ", "T") : "";
const fromLocalInput = (value: string) => (value ? `${value.replace("T", " ")}:00.000Z` : "");

/** Whether the person must fill the field: not an id (generated), not a password being kept. */
function mustFill(field: Field, isNew: boolean): boolean {
  if (!field.required) return false;
  if (field.system && field.name === "id") return false;
  return !(field.type === "password" && !isNew);
}

function label(field: Field, isNew: boolean) {
  return (
    <>
      {field.name}
      {mustFill(field, isNew) && (
        <>
          <span class="required-mark" aria-hidden="true">
            {" *"}
          </span>
          <span class="sr-only"> (required)</span>
        </>
      )}
      <span class="field-type-label">{field.type}</span>
    </>
  );
}

/** The control for one field, chosen by its type, with the API's message for it underneath. */
export function FieldInput({
  collection,
  record,
  field,
  value,
  onChange,
  files,
  onFiles,
  error,
}: FieldInputProps) {
  const id = `field-${field.name}`;
  const aria = describedBy(id, error);
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  switch (field.type) {
    case "bool":
      return (
        <div class={`form-field checkbox-field${error ? " has-error" : ""}`}>
          <input
            id={id}
            type="checkbox"
            checked={Boolean(value)}
            onChange={(e) => onChange(e.currentTarget.checked)}
            {...aria}
          />
          <label for={id}>{label(field, record === null)}</label>
          {error && (
            <p class="field-error" id={`${id}-error`}>
              {error}
            </p>
          )}
        </div>
      );
    case "number":
      return (
        <FormField id={id} label={label(field, record === null)} error={error}>
          <input
            id={id}
            type="number"
            step={field.onlyInt ? 1 : "any"}
            value={text(value)}
            onInput={(e) => {
              const v = inputValue(e);
              onChange(v === "" ? null : Number(v));
            }}
            {...aria}
          />
        </FormField>
      );
    case "editor":
      return (
        <FormField id={id} label={label(field, record === null)} error={error}>
          <textarea
            id={id}
            rows={6}
            value={text(value)}
            onInput={(e) => onChange(e.currentTarget.value)}
            {...aria}
          />
        </FormField>
      );
    case "json":
      return (
        <FormField
          id={id}
          label={label(field, record === null)}
          error={error}
          hint="JSON: an object, a list, a string in quotes, a number, true/false or null."
        >
          <textarea
            id={id}
            class="mono"
            rows={6}
            spellcheck={false}
            value={text(value)}
            onInput={(e) => onChange(e.currentTarget.value)}
            {...describedBy(id, error, true)}
          />
        </FormField>
      );
    case "date":
      return (
        <FormField
          id={id}
          label={
            <>
              {label(field, record === null)} <span class="muted">(UTC)</span>
            </>
          }
          error={error}
        >
          <input
            id={id}
            type="datetime-local"
            value={toLocalInput(value)}
            onInput={(e) => onChange(fromLocalInput(inputValue(e)))}
            {...aria}
          />
        </FormField>
      );
    case "select": {
      const values = (field.values as string[] | undefined) ?? [];
      if (isMultiple(field)) {
        const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
        return (
          <fieldset
            class={`form-field choice-group${error ? " has-error" : ""}`}
            aria-describedby={error ? `${id}-error` : undefined}
          >
            <legend>{label(field, record === null)}</legend>
            {values.map((v) => (
              <div class="checkbox-field" key={v}>
                <input
                  id={`${id}-${v}`}
                  type="checkbox"
                  checked={chosen.has(v)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.currentTarget.checked) next.add(v);
                    else next.delete(v);
                    onChange(values.filter((x) => next.has(x)));
                  }}
                />
                <label for={`${id}-${v}`}>{v}</label>
              </div>
            ))}
            {error && (
              <p class="field-error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </fieldset>
        );
      }
      return (
        <FormField id={id} label={label(field, record === null)} error={error}>
          <select id={id} value={text(value)} onChange={(e) => onChange(e.currentTarget.value)} {...aria}>
            <option value="">—</option>
            {values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </FormField>
      );
    }
    case "relation":
      return (
        <RelationField
          id={id}
          label={label(field, record === null)}
          field={field}
          value={value}
          onChange={onChange}
          error={error}
        />
      );
    case "file":
      return (
        <FileField
          id={id}
          label={label(field, record === null)}
          collection={collection}
          record={record}
          field={field}
          value={value}
          changes={files}
          onChanges={onFiles}
          error={error}
        />
      );
    case "geoPoint": {
      const point = (value && typeof value === "object" ? value : { lon: 0, lat: 0 }) as {
        lon: number;
        lat: number;
      };
      return (
        <fieldset class={`form-field inline-pair${error ? " has-error" : ""}`}>
          <legend>{label(field, record === null)}</legend>
          <label for={`${id}-lat`}>Latitude</label>
          <input
            id={`${id}-lat`}
            type="number"
            step="any"
            value={point.lat}
            onInput={(e) => onChange({ ...point, lat: Number(inputValue(e)) })}
          />
          <label for={`${id}-lon`}>Longitude</label>
          <input
            id={`${id}-lon`}
            type="number"
            step="any"
            value={point.lon}
            onInput={(e) => onChange({ ...point, lon: Number(inputValue(e)) })}
          />
          {error && (
            <p class="field-error" id={`${id}-error`}>
              {error}
            </p>
          )}
        </fieldset>
      );
    }
    case "autodate":
      return (
        <FormField id={id} label={label(field, record === null)}>
          <input id={id} value={text(value)} readOnly />
        </FormField>
      );
    case "password":
      return (
        <FormField
          id={id}
          label={label(field, record === null)}
          error={error}
          hint={record ? "Leave empty to keep the current password." : undefined}
        >
          <input
            id={id}
            type="password"
            value={text(value)}
            autoComplete="new-password"
            onInput={(e) => onChange(inputValue(e))}
            {...describedBy(id, error, record !== null)}
          />
        </FormField>
      );
    default: {
      // Preact's types tie each input type to its own attributes; these three share them all.
      const type = (field.type === "email" ? "email" : field.type === "url" ? "url" : "text") as "text";
      return (
        <FormField id={id} label={label(field, record === null)} error={error}>
          <input
            id={id}
            type={type}
            class={field.name === "id" ? "mono" : undefined}
            value={text(value)}
            autoComplete="off"
            placeholder={field.name === "id" && !record ? "Leave empty for a random id" : undefined}
            readOnly={field.name === "id" && record !== null}
            onInput={(e) => onChange(inputValue(e))}
            {...aria}
          />
        </FormField>
      );
    }
  }
}
