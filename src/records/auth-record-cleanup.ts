import type { Collection } from "../collections/model.js";
import { deleteAccountRows } from "../store/account-state.js";
import type { Db } from "../store/store.js";

/** Removes what belonged to a deleted account, in the delete's transaction, so nothing dangles. */
export async function deleteAccountState(tx: Db, collection: Collection, recordId: string): Promise<void> {
  if (collection.type !== "auth") return;
  await deleteAccountRows(tx, collection.id, recordId);
}
