import { isFileField } from "../../collections/fields/index.js";
import type { Collection } from "../../collections/model.js";
import type { Db } from "../../store/store.js";
import type { MappedFields } from "./oauth2-options.js";
import { randomToken } from "./pkce.js";
import type { OAuth2User } from "./provider-user.js";

const hasField = (c: Collection, name: string) => name !== "" && c.fields.some((f) => f.name === name);

/** A username is only proposed when no record has it yet, so the sign-up doesn't fail on it. */
async function usernameFree(db: Db, c: Collection, field: string, value: string): Promise<boolean> {
  const row = await db.selectFrom(c.name).select("id").where(field, "=", value).executeTakeFirst();
  return row === undefined;
}

/**
 * The create body for a new account: the client's createData, a random password unless one was
 * given, the collection's mapped fields (unless createData set them), and the email only when
 * the provider verified it. The email always comes from the provider, never from createData:
 * otherwise anyone could reserve someone else's address.
 */
export async function newAccountData(
  db: Db,
  c: Collection,
  mapped: MappedFields,
  user: OAuth2User,
  createData: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = { ...createData, email: user.emailVerified ? user.email : "" };
  if (typeof data.password !== "string" || data.password === "") {
    data.password = randomToken();
    data.passwordConfirm = data.password;
  }
  const setMapped = (field: string, value: string) => {
    if (hasField(c, field) && !(field in createData) && value !== "") data[field] = value;
  };
  setMapped(mapped.id, user.id);
  setMapped(mapped.name, user.name);
  if (user.username !== "" && hasField(c, mapped.username)) {
    if (await usernameFree(db, c, mapped.username, user.username)) setMapped(mapped.username, user.username);
  }
  // File fields would need the avatar downloaded; Backroom stores the URL in text/url fields only.
  const avatarField = c.fields.find((f) => f.name === mapped.avatarURL);
  if (avatarField && !isFileField(avatarField)) setMapped(mapped.avatarURL, user.avatarURL);
  return data;
}
