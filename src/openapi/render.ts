import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";
import type { JsonSchema } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { buildOpenApiDocument } from "./build-document.js";
import type { Viewer } from "./viewer.js";

export type DocumentFormat = "json" | "yaml";

/** The document as JSON or YAML text. */
export function renderDocument(document: JsonSchema, format: DocumentFormat): string {
  if (format === "json") return JSON.stringify(document);
  // No anchors and aliases for repeated objects: tools read the YAML as plain data.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/** YAML for a `.yaml`/`.yml` file name, JSON otherwise. */
export function formatOfFile(path: string): DocumentFormat {
  return /\.ya?ml$/i.test(path) ? "yaml" : "json";
}

/** Writes the document for build pipelines (`backroom typegen --openapi`): apps' view, or the superuser's. */
export function writeDocumentFile(
  file: string,
  collections: Collection[],
  opts: { superuser: boolean; title: string; version: string },
): void {
  const viewer: Viewer = opts.superuser ? { kind: "superuser" } : { kind: "client" };
  const document = buildOpenApiDocument(collections, viewer, { title: opts.title, version: opts.version });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderDocument(document, formatOfFile(file)));
}
