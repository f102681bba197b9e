import type { ComponentChildren } from "preact";

/** A column heading; `{ hidden }` is read by screen readers only (e.g. an actions column). */
export type Column = string | { hidden: string };

interface DataTableProps {
  /** Screen-reader caption of the table. */
  caption: string;
  columns: Column[];
  /** The `records-table compact` look, for tables inside dialogs and forms. */
  compact?: boolean;
  /** Wrap in the horizontally scrolling `table-wrap` (default true). */
  wrap?: boolean;
  /** The body rows. */
  children: ComponentChildren;
}

/** The admin's table: a hidden caption, a row of column headings, and the given rows. */
export function DataTable({ caption, columns, compact, wrap = true, children }: DataTableProps) {
  const table = (
    <table class={compact ? "records-table compact" : "records-table"}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={typeof c === "string" ? c : c.hidden}>
              {typeof c === "string" ? c : <span class="sr-only">{c.hidden}</span>}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap ? <div class="table-wrap">{table}</div> : table;
}
