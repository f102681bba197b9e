import { type CellProps, listOf } from "../field-type";
import { FileThumb } from "./thumb";

/** Up to three thumbnails (or names), then how many more. */
export function FileCell({ record, field, value }: CellProps) {
  const names = listOf(value);
  if (names.length === 0) return <span class="muted">—</span>;
  return (
    <span class="cell-files">
      {names.slice(0, 3).map((n) => (
        <FileThumb key={n} record={record} field={field} name={n} size="small" />
      ))}
      {names.length > 3 && <span class="muted">+{names.length - 3}</span>}
    </span>
  );
}
