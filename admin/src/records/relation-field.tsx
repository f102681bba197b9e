import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, describeError, type ListResult } from "../api/client";
import { useCollections } from "../api/collections-store";
import { type Collection, type Field, isMultiple, type RecordModel } from "../api/types";
import { Dialog } from "../ui/dialog";
import { labelField } from "./display";

interface RelationFieldProps {
  id: string;
  label: ComponentChildren;
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  error: string | undefined;
}

/** Chosen related records as removable chips, and a picker that searches the related collection. */
export function RelationField({ id, label, field, value, onChange, error }: RelationFieldProps) {
  const collections = useCollections();
  const target = collections?.find((c) => c.id === field.collectionId || c.name === field.collectionId);
  const multiple = isMultiple(field);
  const ids = (Array.isArray(value) ? value : value ? [value] : []) as string[];
  const [picking, setPicking] = useState(false);
  const set = (next: string[]) => onChange(multiple ? next : (next[0] ?? ""));

  return (
    <div class={`form-field${error ? " has-error" : ""}`}>
      <span class="label" id={`${id}-label`}>
        {label}
      </span>
      <ul class="chips" aria-labelledby={`${id}-label`}>
        {ids.map((rid) => (
          <li key={rid} class="chip">
            <span class="mono">{rid}</span>
            <button
              type="button"
              class="chip-remove"
              aria-label={`Remove ${rid}`}
              onClick={() => set(ids.filter((x) => x !== rid))}
            >
              ×
            </button>
          </li>
        ))}
        {ids.length === 0 && <li class="muted small">None</li>}
      </ul>
      <button
        id={id}
        type="button"
        class="btn btn-sm"
        onClick={() => setPicking(true)}
        disabled={!target}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        Choose {target ? `from ${target.name}` : "(unknown collection)"}…
      </button>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {picking && target && (
        <RelationPicker
          target={target}
          multiple={multiple}
          chosen={ids}
          onDone={(next) => {
            set(next);
            setPicking(false);
          }}
          onCancel={() => setPicking(false)}
        />
      )}
    </div>
  );
}

function RelationPicker({
  target,
  multiple,
  chosen,
  onDone,
  onCancel,
}: {
  target: Collection;
  multiple: boolean;
  chosen: string[];
  onDone: (ids: string[]) => void;
  onCancel: () => void;
}) {
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<RecordModel[] | null>(null);
  const [error, setError] = useState("");
  const [picked, setPicked] = useState<string[]>(chosen);
  const display = labelField(target);

  useEffect(() => {
    const timer = setTimeout(async () => {
      const q = search.trim().replaceAll('"', '\\"');
      const filter = q ? (display === "id" ? `id ~ "${q}"` : `id ~ "${q}" || ${display} ~ "${q}"`) : "";
      try {
        const res = await api<ListResult<RecordModel>>(
          "GET",
          `/api/collections/${encodeURIComponent(target.name)}/records`,
          {
            query: { perPage: 50, filter, skipTotal: 1 },
          },
        );
        setItems(res.items);
        setError("");
      } catch (err) {
        setError(describeError(err));
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [search, target, display]);

  const toggle = (rid: string) => {
    if (!multiple) {
      onDone([rid]);
      return;
    }
    setPicked(picked.includes(rid) ? picked.filter((x) => x !== rid) : [...picked, rid]);
  };

  return (
    <Dialog
      title={`Choose from ${target.name}`}
      onClose={onCancel}
      footer={
        multiple ? (
          <>
            <button type="button" class="btn" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" class="btn btn-primary" onClick={() => onDone(picked)}>
              Use {picked.length} selected
            </button>
          </>
        ) : undefined
      }
    >
      <label for="relation-search">Search</label>
      <input
        id="relation-search"
        type="search"
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
        data-autofocus
      />
      {error && <p class="field-error">{error}</p>}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="muted">No records found.</p>
      ) : (
        <ul class="picker-list">
          {items.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                class="picker-item"
                aria-pressed={picked.includes(r.id)}
                onClick={() => toggle(r.id)}
              >
                <span class="mono">{r.id}</span>
                {display !== "id" && <span>{String(r[display] ?? "")}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
