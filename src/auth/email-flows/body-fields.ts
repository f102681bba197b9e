import { isEmail } from "../../collections/fields/email.js";
import { badRequest, type IssueMap, issue } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import { MAX_PASSWORD_BYTES } from "../passwords.js";

/** Tokens we sign are a few hundred bytes; anything much longer is not one of ours. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * Reads the fields of a flow's request body, collecting every problem so the client gets them
 * all in one 400 (`data.<field>`), as PocketBase's forms do.
 */
export class BodyFields {
  readonly issues: IssueMap = {};

  constructor(private readonly body: Record<string, unknown>) {}

  /** A required, non-empty string of at most `maxLength` characters ("" when it isn't one). */
  string(name: string, maxLength: number): string {
    const value = this.body[name];
    if (value === undefined || value === null || value === "") {
      this.issues[name] = issue("validation_required", "Missing required value.");
      return "";
    }
    if (typeof value !== "string") {
      this.issues[name] = issue("validation_invalid_value", "Must be a string.");
      return "";
    }
    if (value.length > maxLength) {
      this.issues[name] = issue("validation_length_too_long", `Must be at most ${maxLength} characters.`, {
        max: maxLength,
      });
      return "";
    }
    return value;
  }

  /** A required email address, returned canonical ("" when invalid). */
  email(name: string): string {
    const raw = this.string(name, 254);
    if (raw === "") return "";
    const email = canonicalEmail(raw);
    if (!isEmail(email)) {
      this.issues[name] = issue("validation_is_email", "Must be a valid email address.");
      return "";
    }
    return email;
  }

  token(name = "token"): string {
    return this.string(name, MAX_TOKEN_LENGTH);
  }

  /** A required password, bounded in bytes like every password we hash. */
  password(name: string): string {
    const value = this.string(name, MAX_PASSWORD_BYTES);
    if (value !== "" && Buffer.byteLength(value) > MAX_PASSWORD_BYTES) {
      this.issues[name] = issue("validation_length_too_long", `Must be at most ${MAX_PASSWORD_BYTES} bytes.`);
      return "";
    }
    return value;
  }

  /** Throws the 400 when any field had a problem. */
  check(): void {
    if (Object.keys(this.issues).length > 0)
      throw badRequest("An error occurred while validating the submitted data.", this.issues);
  }
}
