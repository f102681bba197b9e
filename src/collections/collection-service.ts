import type { Actor } from "../audit/audit-entry.js";
import { writeAudit } from "../audit/audit-entry.js";
import { ApiError, badRequest, notFound } from "../errors/api-error.js";
import { nowDate, randomId } from "../ids.js";
import { deleteCollectionAccountRows } from "../store/account-state.js";
import { applyCollectionDdl } from "../store/schema/collection-ddl.js";
import type { Db, Store } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";
import { collectionFromInput } from "./collection-input.js";
import { referenceOf, retarget } from "./fields/index.js";
import { formatIndex, parseIndex } from "./index-definition.js";
import type { Collection } from "./model.js";
import { bumpCatalogueVersion, CatalogueMovedError, type CollectionRegistry } from "./registry.js";
import { validateCollection } from "./validate-collection.js";
import { inferViewFields } from "./view-fields.js";

/** One collection created, updated or deleted through create/update/delete (reported after commit). */
export type CollectionChange =
  | { action: "create"; before: undefined; after: Collection }
  | { action: "update"; before: Collection; after: Collection }
  | { action: "delete"; before: Collection; after: undefined };

/** How many times a change is tried on a catalogue that keeps moving under it. */
const MOVED_ATTEMPTS = 3;

export type CollectionChangeListener = (change: CollectionChange) => Promise<void> | void;

/**
 * Creates, changes and deletes collections: validation, DDL, the `_collections` row and an audit
 * entry commit together; the registry reloads after commit.
 */
export class CollectionService {
  private readonly changeListeners: CollectionChangeListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
  ) {}

  create(input: Record<string, unknown>, actor: Actor | null): Promise<Collection> {
    return this.againIfMoved(() => this.createOnce(input, actor));
  }

  private async createOnce(input: Record<string, unknown>, actor: Actor | null): Promise<Collection> {
    const candidate = collectionFromInput(input, undefined);
    if (this.registry.get(candidate.id)) {
      throw new ApiError(400, "Failed to save the collection.", {
        id: { code: "validation_collection_id_exists", message: "The id is already taken." },
      });
    }
    const after = await this.save(candidate, undefined, actor);
    await this.changed({ action: "create", before: undefined, after });
    return after;
  }

  /**
   * Calls `listener` after each create/update/delete has committed (not for system collections
   * created at bootstrap nor for imports); the caller waits for it.
   */
  onChange(listener: CollectionChangeListener): void {
    this.changeListeners.push(listener);
  }

  private async changed(change: CollectionChange): Promise<void> {
    for (const listener of this.changeListeners) await listener(change);
  }

  /** Creates one of Backroom's own collections (bootstrap only): it can't be renamed or deleted. */
  async createSystem(input: Record<string, unknown>): Promise<Collection> {
    const candidate = { ...collectionFromInput(input, undefined), system: true };
    return this.save(candidate, undefined, null);
  }

  update(idOrName: string, input: Record<string, unknown>, actor: Actor | null): Promise<Collection> {
    return this.againIfMoved(() => this.updateOnce(idOrName, input, actor));
  }

  private async updateOnce(
    idOrName: string,
    input: Record<string, unknown>,
    actor: Actor | null,
  ): Promise<Collection> {
    const previous = this.require(idOrName);
    const after = await this.save(collectionFromInput(input, previous), previous, actor);
    await this.changed({ action: "update", before: previous, after });
    return after;
  }

  delete(idOrName: string, actor: Actor | null): Promise<void> {
    return this.againIfMoved(() => this.deleteOnce(idOrName, actor));
  }

  private async deleteOnce(idOrName: string, actor: Actor | null): Promise<void> {
    const previous = this.require(idOrName);
    if (previous.system) throw badRequest("System collections cannot be deleted.");
    const referrer = this.registry
      .all()
      .find(
        (c) => c.id !== previous.id && c.fields.some((f) => referenceOf(f)?.collectionId === previous.id),
      );
    if (referrer) {
      throw badRequest(
        `The collection is referenced by a relation field of "${referrer.name}"; remove that field first.`,
      );
    }
    const view = this.registry.all().find((c) => c.type === "view" && viewReads(c, previous.name));
    if (view)
      throw badRequest(
        `The collection is used by the view collection "${view.name}"; change or delete that view first.`,
      );
    await this.store.transaction(async (tx) => {
      await this.registry.lockForChange(tx);
      await applyCollectionDdl(tx, this.store.dialect, previous, undefined);
      if (previous.type === "auth") await deleteCollectionAccountRows(tx, previous.id);
      await systemTables(tx).deleteFrom("_collections").where("id", "=", previous.id).execute();
      await bumpCatalogueVersion(tx, `${nowDate()} ${randomId(6)}`);
      await writeAudit(tx, {
        action: "collection.delete",
        collectionId: previous.id,
        collectionName: previous.name,
        actor,
      });
    });
    await this.reloaded();
    await this.changed({ action: "delete", before: previous, after: undefined });
  }

  /** Replaces or merges many collections at once, in one transaction (PocketBase's import). */
  import(inputs: Record<string, unknown>[], deleteMissing: boolean, actor: Actor | null): Promise<void> {
    return this.againIfMoved(() => this.importOnce(inputs, deleteMissing, actor));
  }

  /**
   * Runs a change again on the committed catalogue when another node (or process) changed it
   * between this node's last look and the change's transaction (see lockForChange).
   */
  private async againIfMoved<T>(change: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await change();
      } catch (err) {
        if (!(err instanceof CatalogueMovedError) || attempt >= MOVED_ATTEMPTS) throw err;
        await this.registry.refresh();
      }
    }
  }

  private async importOnce(
    inputs: Record<string, unknown>[],
    deleteMissing: boolean,
    actor: Actor | null,
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.registry.lockForChange(tx);
      const working = new Map(this.registry.all().map((c) => [c.id, c]));
      const lookup = (idOrName: string) =>
        working.get(idOrName) ??
        [...working.values()].find((c) => c.name.toLowerCase() === idOrName.toLowerCase());
      const importedIds = new Set<string>();
      for (const input of inputs) {
        const previous =
          (typeof input.id === "string" ? working.get(input.id) : undefined) ??
          (typeof input.name === "string" ? lookup(input.name) : undefined);
        const candidate = collectionFromInput(input, previous);
        working.set(candidate.id, candidate);
        importedIds.add(candidate.id);
      }
      if (deleteMissing) {
        // Views first: they depend on the tables they read.
        const doomed = [...working.values()].sort(
          (x, y) => Number(y.type === "view") - Number(x.type === "view"),
        );
        for (const c of doomed) {
          if (!importedIds.has(c.id) && !c.system) {
            await this.persist(tx, undefined, c, actor);
            working.delete(c.id);
          }
        }
      }
      // Tables first, then relations can point at them: create/alter in input order.
      for (const id of importedIds) {
        const c = working.get(id) as Collection;
        const previous = this.registry.get(id);
        const final = await this.prepare(tx, c, previous, lookup);
        working.set(id, final);
        await this.persist(tx, final, previous, actor);
      }
    });
    await this.reloaded();
  }

  private require(idOrName: string): Collection {
    const c = this.registry.get(idOrName);
    if (!c) throw notFound();
    return c;
  }

  private async save(
    candidate: Collection,
    previous: Collection | undefined,
    actor: Actor | null,
  ): Promise<Collection> {
    const lookup = (idOrName: string) => {
      if (idOrName === candidate.id || idOrName.toLowerCase() === candidate.name.toLowerCase())
        return candidate;
      const found = this.registry.get(idOrName);
      return found?.id === candidate.id ? candidate : found;
    };
    const saved = await this.store.transaction(async (tx) => {
      await this.registry.lockForChange(tx);
      const final = await this.prepare(tx, candidate, previous, lookup);
      await this.persist(tx, final, previous, actor);
      return final;
    });
    await this.reloaded();
    return this.registry.get(saved.id) ?? saved;
  }

  /** Validates and completes a candidate (view fields, index table names). */
  private async prepare(
    tx: Db,
    candidate: Collection,
    previous: Collection | undefined,
    lookup: (idOrName: string) => Collection | undefined,
  ): Promise<Collection> {
    let c = candidate;
    if (c.type === "view") {
      const fields = await inferViewFields(tx, c.viewQuery ?? "", lookup);
      c = { ...c, fields };
    }
    c = {
      ...c,
      fields: resolveRelationTargets(c, lookup),
      indexes: withAuthIndexes(c).map((i) => renameIndexTable(i, c.name)),
    };
    validateCollection(c, previous, {
      getCollection: lookup,
      others: this.registry.all().filter((o) => o.id !== c.id),
      frags: this.store.frags,
    });
    return c;
  }

  /** DDL plus the catalogue row plus the audit entry, inside the caller's transaction. */
  private async persist(
    tx: Db,
    c: Collection | undefined,
    previous: Collection | undefined,
    actor: Actor | null,
  ) {
    const target = c ?? previous;
    if (!target) return;
    await applyCollectionDdl(tx, this.store.dialect, previous, c);
    if (!c) {
      // Its accounts' sign-in codes, links and push subscriptions go with it (nothing would reach them).
      if (target.type === "auth") await deleteCollectionAccountRows(tx, target.id);
      await systemTables(tx).deleteFrom("_collections").where("id", "=", target.id).execute();
    } else if (previous) {
      await systemTables(tx)
        .updateTable("_collections")
        .set({ name: c.name, data: JSON.stringify(c), updated: c.updated })
        .where("id", "=", c.id)
        .execute();
    } else {
      await systemTables(tx)
        .insertInto("_collections")
        .values({
          id: c.id,
          name: c.name,
          type: c.type,
          system: c.system ? 1 : 0,
          data: JSON.stringify(c),
          created: c.created,
          updated: c.updated,
        })
        .execute();
    }
    await bumpCatalogueVersion(tx, `${nowDate()} ${randomId(6)}`);
    await writeAudit(tx, {
      action: c ? (previous ? "collection.update" : "collection.create") : "collection.delete",
      collectionId: target.id,
      collectionName: target.name,
      actor,
    });
  }

  private async reloaded(): Promise<void> {
    this.store.schemaChanged();
    await this.registry.load();
  }
}

function renameIndexTable(text: string, table: string): string {
  try {
    const def = parseIndex(text);
    return formatIndex({ ...def, table });
  } catch {
    return text; // validateCollection reports it
  }
}

/** Auth collections always keep unique tokenKey and (non-empty) email indexes. */
function withAuthIndexes(c: Collection): string[] {
  if (c.type !== "auth") return c.indexes;
  const suffix = c.id.replace(/[^A-Za-z0-9_]/g, "");
  const has = (column: string) =>
    c.indexes.some((i) => {
      try {
        const def = parseIndex(i);
        return def.unique && def.columns.length === 1 && def.columns[0]?.name === column;
      } catch {
        return false;
      }
    });
  const out = [...c.indexes];
  if (!has("tokenKey"))
    out.push(`CREATE UNIQUE INDEX \`idx_tokenKey_${suffix}\` ON \`${c.name}\` (\`tokenKey\`)`);
  if (!has("email"))
    out.push(
      `CREATE UNIQUE INDEX \`idx_email_${suffix}\` ON \`${c.name}\` (\`email\`) WHERE \`email\` != ''`,
    );
  return out;
}

/** Relations may name their target collection; we store its id so a rename cannot break them. */
function resolveRelationTargets(
  c: Collection,
  lookup: (idOrName: string) => Collection | undefined,
): Collection["fields"] {
  return c.fields.map((f) => {
    const named = referenceOf(f)?.collectionId ?? "";
    if (named === "") return f;
    const target = lookup(named);
    return target && target.id !== named ? retarget(f, target.id) : f;
  });
}

/** Whether a view's query names a table (FROM/JOIN), so dropping that table would break it. */
function viewReads(view: Collection, table: string): boolean {
  const pattern = new RegExp(`\\b(?:from|join)\\s+[\`"[]?${table}\\b`, "i");
  return pattern.test(view.viewQuery ?? "");
}
