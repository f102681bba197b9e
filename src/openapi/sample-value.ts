import type { JsonSchema } from "../collections/fields/index.js";

/** Strings tried in turn for a string schema; the first its constraints accept is the example. */
const STRING_CANDIDATES = ["Example", "a1b2c3d4e5f6g7h", "2024-11-10 18:45:27.123Z", "x", ""];

const isSchema = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * An example value for a JSON Schema fragment, read from the schema alone (constants, enums,
 * formats, bounds, patterns), or undefined when no simple value is sure to fit. Examples are
 * checked against their schemas in the tests, so a wrong guess shows there.
 */
export function sampleOf(schema: JsonSchema, depth = 0): unknown {
  if (depth > 6) return undefined;
  if (Array.isArray(schema["examples"]) && schema["examples"].length) return schema["examples"][0];
  if ("const" in schema) return schema["const"];
  if (Array.isArray(schema["enum"])) return schema["enum"][0];
  for (const key of ["anyOf", "oneOf"]) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    const { [key]: _, ...outer } = schema;
    // Prefer a branch that holds a value over the "" / empty-list alternative, which comes first.
    for (const branch of [...branches].reverse()) {
      const value = sampleOf({ ...outer, ...(branch as JsonSchema) }, depth + 1);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  }
  const type = Array.isArray(schema["type"]) ? schema["type"][0] : schema["type"];
  switch (type) {
    case "string":
      return sampleString(schema);
    case "integer":
    case "number":
      return sampleNumber(schema);
    case "boolean":
      return true;
    case "array":
      return sampleArray(schema, depth);
    case "object":
      return sampleObject(schema, depth);
    case undefined:
      return "not" in schema ? undefined : null;
    default:
      return undefined;
  }
}

function sampleString(schema: JsonSchema): string | undefined {
  if (schema["contentMediaType"] === "application/octet-stream") return "photo.png";
  if (schema["format"] === "email") return "ada@example.com";
  if (schema["format"] === "uri") return "https://example.com";
  const pattern = typeof schema["pattern"] === "string" ? new RegExp(schema["pattern"], "u") : undefined;
  const min = Number(schema["minLength"] ?? 0);
  const max = Number(schema["maxLength"] ?? Number.POSITIVE_INFINITY);
  return STRING_CANDIDATES.find(
    (s) => (!pattern || pattern.test(s)) && [...s].length >= min && [...s].length <= max,
  );
}

function sampleNumber(schema: JsonSchema): number {
  let n = 1;
  if (typeof schema["minimum"] === "number" && n < schema["minimum"]) n = Math.ceil(schema["minimum"]);
  if (typeof schema["maximum"] === "number" && n > schema["maximum"]) n = Math.floor(schema["maximum"]);
  return n;
}

function sampleArray(schema: JsonSchema, depth: number): unknown[] | undefined {
  if (schema["maxItems"] === 0) return [];
  const item = isSchema(schema["items"]) ? sampleOf(schema["items"], depth + 1) : undefined;
  if (item === undefined) return Number(schema["minItems"] ?? 0) > 0 ? undefined : [];
  return [item];
}

function sampleObject(schema: JsonSchema, depth: number): Record<string, unknown> | undefined {
  const properties = isSchema(schema["properties"]) ? schema["properties"] : {};
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    // References (expand) would repeat other collections' examples: left out.
    if (!isSchema(property) || "$ref" in property) continue;
    const value = sampleOf(property, depth + 1);
    if (value === undefined) {
      if (required.has(name)) return undefined;
      continue;
    }
    out[name] = value;
  }
  return out;
}
