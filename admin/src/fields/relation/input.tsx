import { useEffect, useState } from "preact/hooks";
import { describeError, present } from "../../api/client";
import { useCollections } from "../../api/collections-store";
import { pb } from "../../api/pb";
import type { Collection, RecordModel } from "../../api/types";
import { Dialog } from "../../ui/dialog";
import { holdsList, type InputProps, listOf } from "../field-type";
import { ErrorLine } from "../shared/plain-input";
import { expandedRecords } from "./expanded";

/**
 * Chosen related records as removable chips named by their presentable fields (the record came
 * with them expanded; picked ones bring their own), and a picker that searches the related
 * collection.
 */
export function RelationInput({
  id,
  label,
  record,
  field,
  value,
  onChange,
  errorOf,
  labelFieldOf,
  recordLabelOf,
}: InputProps) {
  const error = errorOf(field.name);
  const collections = useCollections();
  const target = collections?.find((c) => c.id === field.collectionId || c.name === field.collectionId);
  const multiple = holdsList(field);
  const ids = listOf(value);
  const [picking, setPicking] = useState(false);
  const [known, setKnown] = useState(() => expandedRecords(record, field.name));
  const set = (next: string[]) => onChange(multiple ? next : (next[0] ?? ""));
  const nameOf = (rid: string) => {
    const found = known.get(rid);
    return found && target ? recordLabelOf(target, found) : rid;
  };

  return (
    <div class={`form-field${error ? " has-error" : ""}`}>
      <span class="label" id={`${id}-label`}>
        {label}
      </span>
      <ul class="chips" aria-labelledby={`${id}-label`}>
        {ids.map((rid) => (
          <li key={rid} class="chip" title={rid}>
            <span class={nameOf(rid) === rid ? "mono" : undefined}>{nameOf(rid)}</span>
            <button
              type="button"
              class="chip-remove"
              aria-label={`Remove ${nameOf(rid)}`}
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
      <ErrorLine id={id} error={error} />
      {picking && target && (
        <RelationPicker
          target={target}
          display={labelFieldOf(target)}
          labelOf={(r) => recordLabelOf(target, r)}
          multiple={multiple}
          chosen={ids}
          onDone={(next, seen) => {
            setKnown(new Map([...known, ...seen]));
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
  display,
  labelOf,
  multiple,
  chosen,
  onDone,
  onCancel,
}: {
  target: Collection;
  /** The field that names a record in the list. */
  display: string;
  /** A listed record named by its presentable fields. */
  labelOf: (record: RecordModel) => string;
  multiple: boolean;
  chosen: string[];
  /** The chosen ids, and the records the picker listed (to name the chosen ones). */
  onDone: (ids: string[], seen: Map<string, RecordModel>) => void;
  onCancel: () => void;
}) {
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<RecordModel[] | null>(null);
  const [error, setError] = useState("");
  const [picked, setPicked] = useState<string[]>(chosen);
  const [seen] = useState(() => new Map<string, RecordModel>());

  useEffect(() => {
    const timer = setTimeout(async () => {
      const q = search.trim().replaceAll('"', '\\"');
      const filter = q ? (display === "id" ? `id ~ "${q}"` : `id ~ "${q}" || ${display} ~ "${q}"`) : "";
      try {
        const res = await pb
          .collection(target.name)
          .getList<RecordModel>(1, 50, present({ filter, skipTotal: 1 }));
        for (const r of res.items) seen.set(r.id, r);
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
      onDone([rid], seen);
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
            <button type="button" class="btn btn-primary" onClick={() => onDone(picked, seen)}>
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
                {labelOf(r) !== r.id && <span>{labelOf(r)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
