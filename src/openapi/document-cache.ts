import type { JsonSchema } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { buildOpenApiDocument } from "./build-document.js";
import { renderJson, renderYaml } from "./render.js";
import { type Viewer, viewerKey } from "./viewer.js";

/** What the cache reads of the collection registry. */
export interface CatalogueSource {
  /** Bumped on every reload of the catalogue (on any node's change, see FreshDefinitions). */
  readonly version: number;
  readonly loadedVersion: string;
  all(): Collection[];
}

interface Rendered {
  document: JsonSchema;
  json?: string;
  yaml?: string;
}

/** Viewers differ by API key scopes, so the entries are bounded. */
const MAX_ENTRIES = 64;

/**
 * The documents per viewer, rendered once per catalogue version: a schema change (here or on
 * another node, loaded before the request goes on) moves `version`, which empties the cache.
 */
export class OpenApiDocuments {
  private entries = new Map<string, Rendered>();
  private builtFor = -1;

  constructor(private readonly catalogue: CatalogueSource) {}

  document(viewer: Viewer, title: string): JsonSchema {
    return this.entry(viewer, title).document;
  }

  json(viewer: Viewer, title: string): string {
    const entry = this.entry(viewer, title);
    entry.json ??= renderJson(entry.document);
    return entry.json;
  }

  async yaml(viewer: Viewer, title: string): Promise<string> {
    const entry = this.entry(viewer, title);
    entry.yaml ??= await renderYaml(entry.document);
    return entry.yaml;
  }

  private entry(viewer: Viewer, title: string): Rendered {
    if (this.catalogue.version !== this.builtFor || this.entries.size >= MAX_ENTRIES) {
      this.entries = new Map();
      this.builtFor = this.catalogue.version;
    }
    const key = `${viewerKey(viewer)}\n${title}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const document = buildOpenApiDocument(this.catalogue.all(), viewer, {
        title,
        version: this.catalogue.loadedVersion,
      });
      entry = { document };
      this.entries.set(key, entry);
    }
    return entry;
  }
}
