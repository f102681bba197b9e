import { badRequest } from "../errors/api-error.js";

export type FilterParams = Record<string, string | number | boolean | null>;

/**
 * Replaces `{:name}` placeholders with literals of the filter language, so values from outside
 * (a request, a webhook) can't change the filter's meaning.
 */
export function bindFilterParams(filter: string, params: FilterParams = {}): string {
  return filter.replace(/\{:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    if (!Object.hasOwn(params, name))
      throw badRequest(`The filter uses {:${name}} but no value was given for it.`);
    return literal(params[name] ?? null);
  });
}

function literal(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw badRequest("Filter parameters must be finite numbers.");
    return String(value);
  }
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
