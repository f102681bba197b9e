import type { CellProps } from "../field-type";

export function BoolCell({ value }: CellProps) {
  return <span class={`pill ${value ? "pill-on" : ""}`}>{value ? "true" : "false"}</span>;
}
