import type { RecordModel } from "../../api/types";
import { listOf } from "../field-type";

/**
 * The related records a list or view request brought along with `expand` (PocketBase puts one
 * record, or a list for multi relations, under `record.expand[field]`), by id.
 */
export function expandedRecords(record: RecordModel | null, fieldName: string): Map<string, RecordModel> {
  const expand = record?.expand as Record<string, unknown> | undefined;
  const related = listOf(expand?.[fieldName]) as unknown as RecordModel[];
  return new Map(related.filter((r) => r && typeof r === "object").map((r) => [r.id, r]));
}
