import { holdsList, type InputProps, listOf } from "../field-type";
import { ErrorLine } from "../shared/plain-input";
import { FileThumb } from "./thumb";

/** A file field's form value: uploads to add and stored names to remove. */
export interface FileChanges {
  added: File[];
  removed: string[];
}

/** Stored files with previews and a remove toggle each, plus a picker for new ones. */
export function FileInput({ id, label, record, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  const changes = value as FileChanges;
  const stored = listOf(record?.[field.name]);
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
                <FileThumb record={record} field={field} name={name} size="small" />
                <span class="file-name">{name}</span>
                <button
                  type="button"
                  class="btn btn-ghost btn-sm"
                  aria-pressed={removed}
                  onClick={() =>
                    onChange({
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
        multiple={holdsList(field)}
        accept={accept}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange({ ...changes, added: [...(e.currentTarget.files ?? [])] })}
      />
      {changes.added.length > 0 && (
        <p class="hint">To upload: {changes.added.map((f) => f.name).join(", ")}</p>
      )}
      <ErrorLine id={id} error={error} />
    </div>
  );
}
