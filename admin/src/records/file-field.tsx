import type { ComponentChildren } from "preact";
import type { Collection, Field, RecordModel } from "../api/types";
import { isMultiple } from "../api/types";
import type { FileChanges } from "./field-input";
import { FileThumb } from "./file-thumb";

interface FileFieldProps {
  id: string;
  label: ComponentChildren;
  collection: Collection;
  record: RecordModel | null;
  field: Field;
  value: unknown;
  changes: FileChanges;
  onChanges: (changes: FileChanges) => void;
  error: string | undefined;
}

/** Stored files with previews and a remove toggle each, plus a picker for new ones. */
export function FileField({
  id,
  label,
  collection,
  record,
  field,
  value,
  changes,
  onChanges,
  error,
}: FileFieldProps) {
  const stored = (Array.isArray(value) ? value : value ? [value] : []) as string[];
  const multiple = isMultiple(field);
  const accept =
    Array.isArray(field.mimeTypes) && field.mimeTypes.length
      ? (field.mimeTypes as string[]).join(",")
      : undefined;
  return (
    <div class={`form-field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {stored.length > 0 && record && (
        <ul class="file-list">
          {stored.map((name) => {
            const removed = changes.removed.includes(name);
            return (
              <li key={name} class={removed ? "file-removed" : undefined}>
                <FileThumb collection={collection} record={record} field={field} name={name} size="small" />
                <span class="file-name">{name}</span>
                <button
                  type="button"
                  class="btn btn-ghost btn-sm"
                  aria-pressed={removed}
                  onClick={() =>
                    onChanges({
                      ...changes,
                      removed: removed
                        ? changes.removed.filter((n) => n !== name)
                        : [...changes.removed, name],
                    })
                  }
                >
                  {removed ? "Keep" : "Remove"}
                  <span class="sr-only"> {name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <input
        id={id}
        type="file"
        multiple={multiple}
        accept={accept}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChanges({ ...changes, added: [...(e.currentTarget.files ?? [])] })}
      />
      {changes.added.length > 0 && (
        <p class="hint">To upload: {changes.added.map((f) => f.name).join(", ")}</p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
