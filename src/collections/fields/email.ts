import { issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { type DomainOptions, domainAllowed, domainOptionIssues, isDomain } from "./domains.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import { requiredIssue, unsupportedTypeIssue } from "./issues.js";
import { orEmpty, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { coerceString } from "./string-value.js";

export interface EmailField extends FieldCommon, DomainOptions {
  type: "email";
}

const OPTIONS: OptionSchema = {
  exceptDomains: { kind: "stringsOrNull", default: null },
  onlyDomains: { kind: "stringsOrNull", default: null },
};

// RFC 5321 limits: 64 octets for the local part, 254 for the whole address.
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function isEmail(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.lastIndexOf("@");
  if (at <= 0) return false;
  const local = value.slice(0, at);
  return local.length <= MAX_LOCAL_LENGTH && LOCAL_PART.test(local) && isDomain(value.slice(at + 1));
}

export const emailType: FieldTypeDef<EmailField> = {
  type: "email",

  normalize: (raw) => buildField<EmailField>("email", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    return Object.keys(issues).length > 0 ? issues : domainOptionIssues(field);
  },

  column: () => ({ storage: "text" }),

  zero: () => "",

  coerce: (_field, raw) => coerceString(raw),

  validate(field, value) {
    if (typeof value !== "string") return unsupportedTypeIssue();
    if (value === "") return field.required ? requiredIssue() : null;
    if (!isEmail(value)) return issue("validation_is_email", "Must be a valid email address.");
    if (!domainAllowed(field, value.slice(value.lastIndexOf("@") + 1))) {
      return issue("validation_email_domain_not_allowed", "Email domain is not allowed.");
    }
    return null;
  },

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => textFromDb(raw),

  filter: () => TEXT_FILTER,

  // Nullable when read: an auth collection leaves the address out for callers who may not see it.
  graphqlType: () => "String",

  tsType: () => "string",

  // The domain lists are not expressed: JSON Schema patterns have no case-insensitive flag.
  jsonSchema: (field, shape) =>
    shape === "read"
      ? { type: "string" }
      : { type: "string", ...orEmpty({ format: "email", maxLength: MAX_EMAIL_LENGTH }, field.required) },
};
