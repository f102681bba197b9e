import type { GraphQLSchema } from "graphql";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { executableSchema, type GraphqlDeps } from "./executable-schema.js";
import { graphqlNames } from "./names.js";

/** What a root field does, for rate limits: the collection and the records API's action tags. */
export interface RootAction {
  collection: Collection;
  tags: readonly string[];
}

interface Built {
  version: number;
  schema: GraphQLSchema | undefined;
  actions: Map<string, RootAction>;
}

/**
 * The executable schema of the loaded catalogue, built on first use after the
 * catalogue version moved (`CollectionRegistry.version`, which `FreshDefinitions` keeps current
 * before each request), so a collection change is in the next request's schema on every node.
 */
export class GraphqlSchemas {
  private built: Built | undefined;

  constructor(
    private readonly registry: CollectionRegistry,
    private readonly deps: GraphqlDeps,
  ) {}

  schema(): GraphQLSchema {
    const built = this.current();
    built.schema ??= executableSchema(this.registry.all(), this.deps);
    return built.schema;
  }

  /** The collection action of a root field (`posts`, `createPosts`, …), for its rate-limit labels. */
  action(fieldName: string): RootAction | undefined {
    return this.current().actions.get(fieldName);
  }

  private current(): Built {
    if (this.built?.version === this.registry.version) return this.built;
    const collections = this.registry.all();
    const actions = new Map<string, RootAction>();
    for (const [id, n] of graphqlNames(collections)) {
      const collection = collections.find((c) => c.id === id) as Collection;
      actions.set(n.listField, { collection, tags: ["list"] });
      actions.set(n.byIdField, { collection, tags: ["view"] });
      actions.set(n.createField, { collection, tags: ["create"] });
      actions.set(n.updateField, { collection, tags: ["update"] });
      actions.set(n.deleteField, { collection, tags: ["delete"] });
      actions.set(n.authWithPasswordField, { collection, tags: ["authWithPassword", "auth"] });
    }
    this.built = { version: this.registry.version, schema: undefined, actions };
    return this.built;
  }
}
