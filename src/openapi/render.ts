import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { JsonSchema } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { buildOpenApiDocument } from "./build-document.js";
import type { Viewer } from "./viewer.js";

export type DocumentFormat = "json" | "yaml";

/** The document as JSON text. */
export function renderJson(document: JsonSchema): string {
  return JSON.stringify(document);
}

/** The document as YAML text; the YAML library is loaded on first use (idle memory). */
export async function renderYaml(document: JsonSchema): Promise<string> {
  const { stringify } = await import("yaml");
  // No anchors and aliases for repeated objects: tools read the YAML as plain data.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/** YAML for a `.yaml`/`.yml` file name, JSON otherwise. */
export function formatOfFile(path: string): DocumentFormat {
  return /\.ya?ml$/i.test(path) ? "yaml" : "json";
}

/** Writes the document for build pipelines (`backroom typegen --openapi`): apps' view, or the superuser's. */
export async function writeDocumentFile(
  file: string,
  collections: Collection[],
  opts: { superuser: boolean; title: string; version: string },
): Promise<void> {
  const viewer: Viewer = opts.superuser ? { kind: "superuser" } : { kind: "client" };
  const document = buildOpenApiDocument(collections, viewer, { title: opts.title, version: opts.version });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, formatOfFile(file) === "yaml" ? await renderYaml(document) : renderJson(document));
}
