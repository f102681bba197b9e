import type PocketBase from "pocketbase";
import { uniqueName } from "../../test-support/api.js";

export const OWNER_RULE = "owner = @request.auth.id";

/**
 * A fresh base collection of `{ title, owner }` records that each user sees only when they own
 * them (listRule, and viewRule unless `viewRule: null`); resolves with its name.
 */
export async function ownedCollection(
  su: PocketBase,
  { viewRule = OWNER_RULE }: { viewRule?: string | null } = {},
): Promise<string> {
  const name = uniqueName("orders");
  await su.collections.create({
    name,
    type: "base",
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "text" },
    ],
    listRule: OWNER_RULE,
    ...(viewRule === null ? {} : { viewRule }),
  } as never);
  return name;
}
