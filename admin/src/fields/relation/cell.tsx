import { useCollections } from "../../api/collections-store";
import { type CellProps, listOf } from "../field-type";
import { expandedRecords } from "./expanded";

/**
 * Related records named by their presentable fields (the id in a tooltip), up to three, then how
 * many more. A related record the list did not expand (deleted, or hidden by its view rule) shows
 * its id.
 */
export function RelationCell({ record, field, value, recordLabelOf }: CellProps) {
  const collections = useCollections();
  const ids = listOf(value);
  if (ids.length === 0) return <span class="muted">—</span>;
  const target = collections?.find((c) => c.id === field.collectionId || c.name === field.collectionId);
  const related = expandedRecords(record, field.name);
  return (
    <span class="cell-relations">
      {ids.slice(0, 3).map((id) => {
        const found = related.get(id);
        const text = found && target ? recordLabelOf(target, found) : id;
        return (
          <span key={id} class={`rel-chip${text === id ? " mono" : ""}`} title={id}>
            {text}
          </span>
        );
      })}
      {ids.length > 3 && <span class="muted">+{ids.length - 3}</span>}
    </span>
  );
}
