import { randomInt } from "node:crypto";
import { collectionFromInput } from "./collection-input.js";
import { collectionToApi } from "./collection-json.js";
import { timestampFields } from "./system-fields.js";

const TIMESTAMP_IDS = new Set(timestampFields().map((f) => f.id));
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Empty collections of each type, as PocketBase's dashboard expects them for its "new collection"
 * form: only the system fields (`id`; an auth collection's password, tokenKey, email,
 * emailVisibility, verified; none for a view), without `created`/`updated` (the form adds those
 * itself), and an auth collection's unique tokenKey and email indexes named with a random suffix
 * and an empty table name (filled in with the collection's name when it is saved).
 */
export function scaffolds(): Record<string, unknown> {
  const suffix = Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join("");
  const out: Record<string, unknown> = {};
  for (const type of ["base", "auth", "view"] as const) {
    const c = collectionToApi(collectionFromInput({ type, name: "", viewQuery: "" }, undefined));
    const fields = (c.fields as { id?: unknown }[]).filter((f) => !TIMESTAMP_IDS.has(f.id));
    const indexes =
      type === "auth"
        ? [
            `CREATE UNIQUE INDEX \`idx_tokenKey_${suffix}\` ON \`\` (\`tokenKey\`)`,
            `CREATE UNIQUE INDEX \`idx_email_${suffix}\` ON \`\` (\`email\`) WHERE \`email\` != ''`,
          ]
        : [];
    out[type] = { ...c, id: "", name: "", fields, indexes, created: "", updated: "" };
  }
  return out;
}
