import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import type { Collection } from "../collections/model.js";
import { badRequest } from "../errors/api-error.js";
import { assertSafeKey } from "../files/storage.js";
import type { ColumnKind } from "../store/snapshot.js";
import {
  type BackupManifest,
  FILES_DIR,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_ENTRY,
  type ManifestTable,
  tableEntry,
} from "./format.js";
import { ndjsonLines } from "./ndjson-lines.js";
import { collectionColumns } from "./plan.js";

/** Bounds on what a backup zip may hold: checked against the zip's directory before anything is read. */
export interface BackupLimits {
  maxEntries: number;
  /** Sum of the entries' uncompressed sizes. */
  maxTotalBytes: number;
  /** Entries larger than `ratioAbove` bytes may expand at most this many times their compressed size. */
  maxRatio: number;
  ratioAbove: number;
  maxManifestBytes: number;
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: BackupLimits = {
  maxEntries: 2_000_000,
  maxTotalBytes: 256 * 1024 ** 3,
  maxRatio: 200,
  ratioAbove: 16 * 1024 * 1024,
  maxManifestBytes: 64 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
};

const invalid = (why: string) => badRequest(`Invalid backup file: ${why}`);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KINDS = new Set<ColumnKind>(["text", "integer", "number", "bool", "json"]);
const BATCH = 1000;

/** An opened, checked backup zip: its manifest, its table rows (checked as read) and its files. */
export class OpenedBackup {
  private constructor(
    private readonly zip: ZipFile,
    readonly manifest: BackupManifest,
    private readonly entries: Map<string, Entry>,
    private readonly limits: BackupLimits,
  ) {}

  /**
   * Opens the zip at `path` and checks everything that can be checked without reading the data:
   * entry names (no absolute or `..` paths, nothing unexpected), sizes and expansion ratios, the
   * manifest (format, version, tables, catalogue) and that every table it lists is there.
   */
  static async open(path: string, limits: BackupLimits = DEFAULT_LIMITS): Promise<OpenedBackup> {
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    } catch (err) {
      throw invalid(`not a zip archive (${(err as Error).message}).`);
    }
    try {
      if (zip.entryCount > limits.maxEntries) throw invalid(`more than ${limits.maxEntries} entries.`);
      const entries = await readDirectory(zip, limits);
      const manifestEntry = entries.get(MANIFEST_ENTRY);
      if (!manifestEntry) throw invalid("manifest.json is missing (is this a Backroom backup?).");
      for (const name of entries.keys()) checkEntryName(name);
      if (manifestEntry.uncompressedSize > limits.maxManifestBytes)
        throw invalid("manifest.json is too large.");
      const text = await readAll(zip, manifestEntry);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalid("manifest.json is not valid JSON.");
      }
      const manifest = checkManifest(parsed);
      for (const table of manifest.tables)
        if (!entries.has(tableEntry(table.name)))
          throw invalid(`the data of table "${table.name}" is missing.`);
      for (const name of entries.keys()) {
        if (name === MANIFEST_ENTRY || name.startsWith(FILES_DIR)) continue;
        if (!manifest.tables.some((t) => tableEntry(t.name) === name))
          throw invalid(`unexpected entry "${name}".`);
      }
      return new OpenedBackup(zip, manifest, entries, limits);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  /** The stored files in the backup: storage keys and sizes. */
  files(): { key: string; size: number }[] {
    return [...this.entries.values()]
      .filter((e) => e.fileName.startsWith(FILES_DIR) && !e.fileName.endsWith("/"))
      .map((e) => ({ key: e.fileName.slice(FILES_DIR.length), size: e.uncompressedSize }));
  }

  openFile(key: string): Promise<Readable> {
    const entry = this.entries.get(FILES_DIR + key);
    if (!entry) throw invalid(`file "${key}" is missing.`);
    return this.zip.openReadStreamPromise(entry);
  }

  /** A table's rows in batches, each checked against the manifest's columns (shape and value kinds). */
  async *rows(table: ManifestTable): AsyncIterable<unknown[][]> {
    const entry = this.entries.get(tableEntry(table.name));
    if (!entry) throw invalid(`the data of table "${table.name}" is missing.`);
    const stream = await this.zip.openReadStreamPromise(entry);
    let batch: unknown[][] = [];
    let line = 0;
    let count = 0;
    try {
      for await (const text of ndjsonLines(stream, this.limits.maxLineBytes)) {
        line++;
        batch.push(checkRow(text, table, line));
        if (batch.length === BATCH) {
          count += batch.length;
          yield batch;
          batch = [];
        }
      }
    } catch (err) {
      if ((err as { status?: number }).status === 400) throw err;
      throw invalid(`table "${table.name}": ${(err as Error).message}.`);
    } finally {
      stream.destroy();
    }
    count += batch.length;
    if (batch.length > 0) yield batch;
    if (count !== table.rows)
      throw invalid(`table "${table.name}" holds ${count} rows, the manifest says ${table.rows}.`);
  }

  close(): void {
    this.zip.close();
  }
}

async function readDirectory(zip: ZipFile, limits: BackupLimits): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let total = 0;
  return new Promise((resolve, reject) => {
    zip.on("entry", (entry: Entry) => {
      const name = entry.fileName;
      try {
        // Paths that could leave a folder are refused at once; other unexpected names once the
        // manifest says whether this is a backup at all.
        if (name.startsWith("/") || name.includes("\\") || name.split("/").includes(".."))
          throw invalid(`unsafe entry name "${name.slice(0, 200)}".`);
        if (entries.has(name)) throw invalid(`entry "${name}" appears twice.`);
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes)
          throw invalid(`it expands to more than ${limits.maxTotalBytes} bytes.`);
        if (
          entry.uncompressedSize > limits.ratioAbove &&
          entry.uncompressedSize > entry.compressedSize * limits.maxRatio
        )
          throw invalid(`entry "${name}" expands more than ${limits.maxRatio} times (a zip bomb?).`);
        entries.set(name, entry);
        zip.readEntry();
      } catch (err) {
        reject(err);
      }
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", (err: Error) =>
      reject((err as { status?: number }).status ? err : invalid(`${err.message}.`)),
    );
    zip.readEntry();
  });
}

function checkEntryName(name: string): void {
  if (name === MANIFEST_ENTRY) return;
  if (/^tables\/[A-Za-z_][A-Za-z0-9_]{0,62}\.ndjson$/.test(name)) return;
  if (name.startsWith(FILES_DIR)) {
    const key = name.slice(FILES_DIR.length);
    try {
      assertSafeKey(key);
    } catch {
      throw invalid(`unsafe entry name "${name.slice(0, 200)}".`);
    }
    if (key.startsWith(".") || key.endsWith("/") || key.split("/").length < 3)
      throw invalid(`unexpected entry "${name.slice(0, 200)}".`);
    return;
  }
  throw invalid(`unexpected entry "${name.slice(0, 200)}".`);
}

function readAll(zip: ZipFile, entry: Entry): Promise<string> {
  return zip.openReadStreamPromise(entry).then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The manifest's shape, checked field by field (it comes from a file anyone could have edited). */
function checkManifest(value: unknown): BackupManifest {
  if (!isObject(value) || value.format !== FORMAT) throw invalid("this is not a Backroom backup.");
  if (typeof value.formatVersion !== "number" || !Number.isInteger(value.formatVersion))
    throw invalid("the format version is missing.");
  if (value.formatVersion > FORMAT_VERSION)
    throw invalid(
      `format version ${value.formatVersion} was written by a newer Backroom; update to restore it.`,
    );
  if (value.formatVersion < 1) throw invalid(`unknown format version ${value.formatVersion}.`);
  if (value.store !== "sqlite" && value.store !== "postgres") throw invalid("unknown source store.");
  if (!Array.isArray(value.systemMigrations) || !value.systemMigrations.every((m) => typeof m === "string"))
    throw invalid("systemMigrations must be a list of names.");
  if (!Array.isArray(value.collections) || !value.collections.every(isCollection))
    throw invalid("the catalogue is malformed.");
  if (!Array.isArray(value.tables)) throw invalid("the table list is missing.");
  const tables = value.tables.map(checkTable);
  const names = new Set(tables.map((t) => t.name));
  if (names.size !== tables.length) throw invalid("a table is listed twice.");
  if (!names.has("_collections")) throw invalid("the _collections table is missing.");
  const collections = value.collections as Collection[];
  for (const collection of collections) {
    if (collection.type === "view") continue;
    const table = tables.find((t) => t.name === collection.name);
    if (table?.kind !== "collection")
      throw invalid(`the table of collection "${collection.name}" is missing.`);
    const expected = collectionColumns(collection);
    if (JSON.stringify(expected) !== JSON.stringify(table.columns))
      throw invalid(`the columns of "${collection.name}" don't match its fields.`);
  }
  for (const table of tables)
    if (table.kind === "collection" && !collections.some((c) => c.name === table.name && c.type !== "view"))
      throw invalid(`table "${table.name}" belongs to no collection.`);
  const files = isObject(value.files) ? value.files : {};
  return {
    format: FORMAT,
    formatVersion: value.formatVersion,
    backroomVersion: String(value.backroomVersion ?? ""),
    store: value.store,
    created: String(value.created ?? ""),
    systemMigrations: value.systemMigrations as string[],
    collections,
    tables,
    files: {
      count: Number(files.count ?? 0),
      bytes: Number(files.bytes ?? 0),
      missing: Array.isArray(files.missing) ? files.missing.map(String) : [],
    },
    skippedTables: Array.isArray(value.skippedTables) ? value.skippedTables.map(String) : [],
  };
}

function isCollection(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.id === "string" &&
    typeof v.name === "string" &&
    IDENT.test(v.name) &&
    (v.type === "base" || v.type === "auth" || v.type === "view") &&
    Array.isArray(v.fields) &&
    v.fields.every((f) => isObject(f) && typeof f.name === "string" && IDENT.test(f.name)) &&
    (v.indexes === undefined || (Array.isArray(v.indexes) && v.indexes.every((i) => typeof i === "string")))
  );
}

function checkTable(v: unknown): ManifestTable {
  if (
    !isObject(v) ||
    typeof v.name !== "string" ||
    !IDENT.test(v.name) ||
    (v.kind !== "system" && v.kind !== "collection") ||
    !Array.isArray(v.columns) ||
    v.columns.length === 0 ||
    typeof v.rows !== "number" ||
    !Number.isSafeInteger(v.rows) ||
    v.rows < 0
  )
    throw invalid("a table entry of the manifest is malformed.");
  const columns = v.columns.map((c) => {
    if (!isObject(c) || typeof c.name !== "string" || !IDENT.test(c.name) || !KINDS.has(c.kind as ColumnKind))
      throw invalid(`a column of table "${v.name}" is malformed.`);
    return { name: c.name, kind: c.kind as ColumnKind };
  });
  if (v.kind === "system" && !v.name.startsWith("_")) throw invalid(`"${v.name}" is not a system table.`);
  return { name: v.name, kind: v.kind, columns, rows: v.rows };
}

/** One NDJSON line → a row whose values fit its columns' kinds. */
function checkRow(text: string, table: ManifestTable, line: number): unknown[] {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch {
    throw invalid(`table "${table.name}" line ${line} is not valid JSON.`);
  }
  if (!Array.isArray(row) || row.length !== table.columns.length)
    throw invalid(`table "${table.name}" line ${line} does not have ${table.columns.length} values.`);
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value === null) continue;
    const kind = (table.columns[i] as { kind: ColumnKind }).kind;
    const ok =
      kind === "bool"
        ? typeof value === "boolean"
        : kind === "integer" || kind === "number"
          ? typeof value === "number" && Number.isFinite(value)
          : typeof value === "string";
    if (!ok) throw invalid(`table "${table.name}" line ${line}: a value does not fit its column.`);
  }
  return row;
}
