import { present } from "../api/client";
import { pb } from "../api/pb";
import type { Collection, RecordModel } from "../api/types";
import { columnFields, displayValue } from "../fields/registry";

/** Most rows an export fetches (page by page); a larger table wants the API, not a browser download. */
const MAX_ROWS = 50_000;
const PAGE = 500;

const cell = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** Fetches every record matching the filter and sort, and downloads them as a CSV file. */
export async function exportCsv(collection: Collection, filter: string, sort: string): Promise<number> {
  const fields = columnFields(collection);
  const lines = [fields.map((f) => cell(f.name)).join(",")];
  let count = 0;
  for (let page = 1; count < MAX_ROWS; page++) {
    const res = await pb
      .collection(collection.name)
      .getList<RecordModel>(page, PAGE, present({ filter, sort, skipTotal: 1 }));
    for (const record of res.items)
      lines.push(fields.map((f) => cell(displayValue(f, record[f.name]))).join(","));
    count += res.items.length;
    if (res.items.length < PAGE) break;
  }
  const blob = new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${collection.name}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  return count;
}
