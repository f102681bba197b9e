import type { Collection, Field, RecordModel } from "../api/types";
import { columnFields, displayValue, fieldTypeOf, recordLabel } from "../fields/registry";

interface RecordTableProps {
  collection: Collection;
  records: RecordModel[];
  sort: string;
  onSort: (sort: string) => void;
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
  onOpen: (record: RecordModel) => void;
  /** Columns the person chose not to see (the id is always shown). */
  hidden: Set<string>;
}

/** The next sort after a click on a column: ascending, then descending, then none. */
function nextSort(current: string, name: string): string {
  if (current === name) return `-${name}`;
  if (current === `-${name}`) return "";
  return name;
}

function ariaSort(current: string, name: string): "ascending" | "descending" | undefined {
  if (current === name) return "ascending";
  if (current === `-${name}`) return "descending";
  return undefined;
}

/** A cell as its field's type draws it, else its value as text. */
function Cell({ collection, record, field }: { collection: Collection; record: RecordModel; field: Field }) {
  const value = record[field.name];
  const { Cell: TypeCell } = fieldTypeOf(field);
  if (TypeCell)
    return (
      <TypeCell
        collection={collection}
        record={record}
        field={field}
        value={value}
        recordLabelOf={recordLabel}
      />
    );
  const text = displayValue(field, value);
  return (
    <span class={`cell-text cell-${field.type}`} title={text.length > 40 ? text : undefined}>
      {text || <span class="muted">—</span>}
    </span>
  );
}

/**
 * Records as a table: sortable column headers, a checkbox per row for bulk actions, the id opens
 * the editor. A wide table scrolls sideways with the checkbox and id columns pinned.
 */
export function RecordTable({
  collection,
  records,
  sort,
  onSort,
  selected,
  onSelect,
  onOpen,
  hidden,
}: RecordTableProps) {
  const fields = columnFields(collection).filter((f) => f.name === "id" || !hidden.has(f.name));
  const pinned = (f: Field) => (f.name === "id" ? "col-id pinned" : undefined);
  const allSelected = records.length > 0 && records.every((r) => selected.has(r.id));
  const toggleAll = () => onSelect(allSelected ? new Set() : new Set(records.map((r) => r.id)));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <div class="table-wrap">
      <table class="records-table">
        <caption class="sr-only">Records of {collection.name}</caption>
        <thead>
          <tr>
            <th scope="col" class="col-check pinned">
              <input
                type="checkbox"
                aria-label="Select all records on this page"
                checked={allSelected}
                onChange={toggleAll}
              />
            </th>
            {fields.map((f) => (
              <th key={f.name} scope="col" aria-sort={ariaSort(sort, f.name)} class={pinned(f)}>
                <button type="button" class="sort-button" onClick={() => onSort(nextSort(sort, f.name))}>
                  <span class="field-type-label" aria-hidden="true">
                    {f.type}
                  </span>
                  {f.name}
                  <span class="sort-mark" aria-hidden="true">
                    {sort === f.name ? "▲" : sort === `-${f.name}` ? "▼" : ""}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} class={selected.has(r.id) ? "row-selected" : undefined}>
              <td class="col-check pinned">
                <input
                  type="checkbox"
                  aria-label={`Select record ${r.id}`}
                  checked={selected.has(r.id)}
                  onChange={() => toggle(r.id)}
                />
              </td>
              {fields.map((f) => (
                <td key={f.name} class={pinned(f)}>
                  {f.name === "id" ? (
                    <button
                      type="button"
                      class="link-button mono"
                      onClick={() => onOpen(r)}
                      aria-label={`Edit record ${r.id}`}
                    >
                      {r.id}
                    </button>
                  ) : (
                    <Cell collection={collection} record={r} field={f} />
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
