import { issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { type DomainOptions, domainAllowed, domainOptionIssues } from "./domains.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import { requiredIssue, unsupportedTypeIssue } from "./issues.js";
import { orEmpty, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { coerceString } from "./string-value.js";

export interface UrlField extends FieldCommon, DomainOptions {
  type: "url";
}

const OPTIONS: OptionSchema = {
  exceptDomains: { kind: "stringsOrNull", default: null },
  onlyDomains: { kind: "stringsOrNull", default: null },
};

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAX_URL_LENGTH = 2048;

/** The host of an absolute URL with a scheme and a host, or null when `value` isn't one. */
export function urlHost(value: string): string | null {
  if (value.length > MAX_URL_LENGTH || !SCHEME.test(value) || /\s/.test(value)) return null;
  try {
    const host = new URL(value).hostname;
    return host === "" ? null : host;
  } catch {
    return null;
  }
}

export const urlType: FieldTypeDef<UrlField> = {
  type: "url",

  normalize: (raw) => buildField<UrlField>("url", OPTIONS, raw),

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
    const host = urlHost(value);
    if (host === null) return issue("validation_invalid_url", "Must be a valid url.");
    if (!domainAllowed(field, host))
      return issue("validation_url_domain_not_allowed", "Url domain is not allowed.");
    return null;
  },

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => textFromDb(raw),

  filter: () => TEXT_FILTER,

  graphqlType: (_field, shape) => (shape === "read" ? "String!" : "String"),

  tsType: () => "string",

  // An absolute URL with a scheme and a host; the domain lists are not expressed.
  jsonSchema: (field, shape) =>
    shape === "read"
      ? { type: "string" }
      : {
          type: "string",
          ...orEmpty(
            { format: "uri", pattern: "^[A-Za-z][A-Za-z0-9+.-]*://\\S+$", maxLength: MAX_URL_LENGTH },
            field.required,
          ),
        },
};
