import { sql } from "kysely";
import type { Store } from "../store/store.js";
import type { CollectionService } from "./collection-service.js";
import type { CollectionRegistry } from "./registry.js";

const USERS_CREATED = "init_users_collection";

/**
 * Collections every store starts with: `_superusers` (always) and `users` (once: a user may
 * delete it, and it must not come back).
 */
export async function bootstrapCollections(
  store: Store,
  registry: CollectionRegistry,
  service: CollectionService,
): Promise<void> {
  if (!registry.get("_superusers")) {
    // Fixed ids (PocketBase's) for the collections every store creates itself, so migrations
    // written on one store (dev mode) find them, and their fields, on another.
    await service.createSystem({
      id: "pbc_3142635823",
      name: "_superusers",
      type: "auth",
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
    });
  }
  const marker = await sql<{
    file: string;
  }>`SELECT file FROM _migrations WHERE file = ${USERS_CREATED}`.execute(store.db);
  if (marker.rows.length > 0) return;
  if (!registry.get("users")) {
    await service.create(
      {
        id: "_pb_users_auth_",
        name: "users",
        type: "auth",
        fields: [{ id: "text1579384326", name: "name", type: "text", max: 255 }],
        listRule: "id = @request.auth.id",
        viewRule: "id = @request.auth.id",
        createRule: "",
        updateRule: "id = @request.auth.id",
        deleteRule: "id = @request.auth.id",
      },
      null,
    );
  }
  await sql`INSERT INTO _migrations (file, applied) VALUES (${USERS_CREATED}, ${new Date().toISOString()})`.execute(
    store.db,
  );
}
