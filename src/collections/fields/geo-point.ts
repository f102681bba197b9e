import { issue } from "../../errors/api-error.js";
import { jsonFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema, Shape } from "./field-type.js";
import { requiredIssue, unsupportedTypeIssue } from "./issues.js";
import { parseNumeric } from "./options.js";

export interface GeoPoint {
  lon: number;
  lat: number;
}

export interface GeoPointField extends FieldCommon {
  type: "geoPoint";
}

function coordinate(raw: unknown): number | undefined {
  if (typeof raw === "number") return raw;
  if (typeof raw === "string") return parseNumeric(raw);
  return undefined;
}

/** Reads `{lon, lat}` (numbers or numeric strings; extra keys ignored), or undefined. */
function readPoint(raw: unknown): GeoPoint | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const lon = Object.hasOwn(raw, "lon") ? coordinate((raw as Record<string, unknown>)["lon"]) : 0;
  const lat = Object.hasOwn(raw, "lat") ? coordinate((raw as Record<string, unknown>)["lat"]) : 0;
  return lon === undefined || lat === undefined ? undefined : { lon, lat };
}

function coercePoint(raw: unknown): unknown {
  if (raw === null || raw === undefined || raw === "") return { lon: 0, lat: 0 };
  if (typeof raw === "string") {
    // Forms send the point as JSON text.
    try {
      return readPoint(JSON.parse(raw)) ?? raw;
    } catch {
      return raw;
    }
  }
  return readPoint(raw) ?? raw;
}

function isPoint(value: unknown): value is GeoPoint {
  if (typeof value !== "object" || value === null) return false;
  const { lon, lat } = value as Record<string, unknown>;
  return typeof lon === "number" && typeof lat === "number";
}

/**
 * Read: both coordinates. Create and update: a missing coordinate is 0, other keys are ignored;
 * (0, 0) is "not set", refused when required.
 */
function pointSchema(field: GeoPointField, shape: Shape): JsonSchema {
  const lon = { type: "number", minimum: -180, maximum: 180 };
  const lat = { type: "number", minimum: -90, maximum: 90 };
  if (shape === "read") {
    return {
      type: "object",
      properties: { lon, lat },
      required: ["lon", "lat"],
      additionalProperties: false,
    };
  }
  const schema: JsonSchema = { type: "object", properties: { lon, lat } };
  if (field.required) schema["not"] = { properties: { lon: { const: 0 }, lat: { const: 0 } } };
  return schema;
}

export const geoPointType: FieldTypeDef<GeoPointField> = {
  type: "geoPoint",

  normalize: (raw) => buildField<GeoPointField>("geoPoint", {}, raw),

  validateOptions: (field) => commonIssues(field, {}),

  column: () => ({ storage: "json", default: { lon: 0, lat: 0 } }),

  zero: () => ({ lon: 0, lat: 0 }),

  coerce: (_field, raw) => coercePoint(raw),

  validate(field, value) {
    if (!isPoint(value) || !Number.isFinite(value.lon) || !Number.isFinite(value.lat)) {
      return unsupportedTypeIssue();
    }
    // PocketBase treats "Null Island" (0, 0) as "not set".
    if (value.lon === 0 && value.lat === 0) return field.required ? requiredIssue() : null;
    if (value.lat < -90 || value.lat > 90) {
      return issue("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.");
    }
    if (value.lon < -180 || value.lon > 180) {
      return issue("validation_invalid_longitude", "Longitude must be between -180 and 180 degrees.");
    }
    return null;
  },

  toDb: (_field, value) => {
    const point = isPoint(value) ? value : { lon: 0, lat: 0 };
    return JSON.stringify({ lon: point.lon, lat: point.lat });
  },

  fromDb: (_field, raw, dialect) => readPoint(jsonFromDb(raw, dialect)) ?? { lon: 0, lat: 0 },

  filter: () => ({ kind: "point" }),

  graphqlType: (_field, shape) => (shape === "read" ? "GeoPoint!" : "GeoPointInput"),

  tsType: () => "GeoPoint",

  jsonSchema: pointSchema,
};
