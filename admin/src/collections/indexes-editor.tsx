import type { ApiError } from "../api/client";

interface IndexesEditorProps {
  indexes: string[];
  error: ApiError | null;
  onChange: (indexes: string[]) => void;
}

/** CREATE INDEX statements, one per box; the API checks them on save. */
export function IndexesEditor({ indexes, error, onChange }: IndexesEditorProps) {
  return (
    <div class="stack">
      {indexes.length === 0 && <p class="muted">No indexes.</p>}
      {indexes.map((text, i) => {
        const id = `index-${i}`;
        const message = error?.fieldMessage("indexes", i);
        return (
          <div key={i} class={`form-field${message ? " has-error" : ""}`}>
            <label for={id}>Index {i + 1}</label>
            <div class="row">
              <textarea
                id={id}
                class="mono grow"
                rows={2}
                value={text}
                onInput={(e) => onChange(indexes.map((x, j) => (j === i ? e.currentTarget.value : x)))}
                aria-invalid={message ? true : undefined}
                aria-describedby={message ? `${id}-error` : undefined}
              />
              <button
                type="button"
                class="btn btn-danger-ghost btn-sm"
                onClick={() => onChange(indexes.filter((_, j) => j !== i))}
                aria-label={`Remove index ${i + 1}`}
              >
                Remove
              </button>
            </div>
            {message && (
              <p class="field-error" id={`${id}-error`}>
                {message}
              </p>
            )}
          </div>
        );
      })}
      <button
        type="button"
        class="btn"
        onClick={() => onChange([...indexes, "CREATE INDEX idx_name ON collection (field)"])}
      >
        + Add index
      </button>
    </div>
  );
}
