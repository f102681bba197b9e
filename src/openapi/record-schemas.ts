import { fieldType, isFileField, type JsonSchema, referenceOf } from "../collections/fields/index.js";
import type { Collection, Field } from "../collections/model.js";
import { neverShown, optionalOnCreate, serverFilled } from "../typegen/field-types.js";
import { sampleOf } from "./sample-value.js";
import { ref } from "./shared-components.js";

/**
 * The JSON Schemas of one collection's records, from its fields' own `jsonSchema` (the field
 * types own their wire shapes; nothing here looks at a field's type): what the API returns
 * (`read`), and the create and update bodies as JSON and as multipart forms.
 */
export interface RecordSchemaNames {
  /** The component name of a collection's schemas (`Posts` → `PostsRecord`, `PostsCreate`, …). */
  base(collection: Collection): string;
  /** Whether the viewer's document holds the collection (expand points at it only then). */
  listed(collectionId: string): Collection | undefined;
}

/** The record as the API returns it: hidden fields and secrets never leave the server, whoever asks. */
export function readSchema(c: Collection, names: RecordSchemaNames): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    collectionId: { type: "string", const: c.id },
    collectionName: { type: "string", const: c.name },
  };
  const required = ["id", "collectionId", "collectionName"];
  const expand: Record<string, JsonSchema> = {};
  for (const f of c.fields) {
    if (neverShown(c, f) || f.hidden) continue;
    const schema = fieldType(f).jsonSchema(f, "read");
    if (!schema) continue;
    properties[f.name] = schema;
    // The email of an auth record shows only to itself, managers and when emailVisibility is on.
    if (!(c.type === "auth" && f.name === "email") && f.name !== "id") required.push(f.name);
    const target = expandTarget(f, names);
    if (target) expand[f.name] = target;
  }
  properties["expand"] = {
    type: "object",
    description:
      "The related records asked for with `expand` (back-relations as `<collection>_via_<field>`).",
    properties: expand,
  };
  return withExample({
    type: "object",
    description: `A record of the ${c.type} collection "${c.name}". With \`fields\`, only the keys asked for.`,
    required,
    properties,
    additionalProperties: false,
  });
}

/** The schema with an example value made from it, when one can be. */
function withExample(schema: JsonSchema): JsonSchema {
  const example = sampleOf(schema);
  return example === undefined ? schema : { ...schema, examples: [example] };
}

function expandTarget(f: Field, names: RecordSchemaNames): JsonSchema | undefined {
  const reference = referenceOf(f);
  if (!reference) return undefined;
  const target = names.listed(reference.collectionId);
  const one = target ? ref("schemas", `${names.base(target)}Record`) : { type: "object" };
  return reference.multi ? { type: "array", items: one } : one;
}

/** The fields a client may send on create or update, with their schemas. */
function inputFields(c: Collection, shape: "create" | "update"): [Field, JsonSchema][] {
  const out: [Field, JsonSchema][] = [];
  for (const f of c.fields) {
    if (serverFilled(c, f)) continue;
    const schema = fieldType(f).jsonSchema(f, shape);
    if (schema) out.push([f, schema]);
  }
  return out;
}

/** A JSON create (or update) body. Unknown keys are ignored by the server, as PocketBase does. */
export function inputSchema(c: Collection, shape: "create" | "update"): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [f, schema] of inputFields(c, shape)) {
    properties[f.name] =
      f.name === "id" ? { ...schema, description: "Optional: the server makes one." } : schema;
    if (shape === "create" && f.name !== "id" && !optionalOnCreate(f)) required.push(f.name);
  }
  if (c.type === "auth") {
    properties["passwordConfirm"] = { type: "string", writeOnly: true, description: "The password again." };
    if (shape === "create") required.push("passwordConfirm");
    else
      properties["oldPassword"] = {
        type: "string",
        writeOnly: true,
        description: "The current password, needed to change it unless the requester manages the record.",
      };
  }
  return withExample({
    type: "object",
    description:
      shape === "create"
        ? `The body that creates a record of "${c.name}".`
        : `The body that updates a record of "${c.name}": any subset of its fields. Modifiers \`field+\`, \`+field\` and \`field-\` append, prepend and remove (numbers add and subtract).`,
    ...(required.length ? { required } : {}),
    properties,
  });
}

/** Whether the collection has a file field, so its writes take multipart forms with file parts. */
export function hasFiles(c: Collection): boolean {
  return c.fields.some(isFileField);
}

/**
 * The same body as a multipart form: file fields as binary parts (several parts of one name for a
 * multi-file field); other fields as form values, which the server coerces to the types the JSON
 * body has (so they are described with those types); `@jsonPayload` holds JSON fields merged over
 * the other values.
 */
export function multipartSchema(c: Collection, shape: "create" | "update"): JsonSchema {
  const { examples: _, ...json } = inputSchema(c, shape);
  return {
    ...json,
    description: `The ${shape} body as multipart/form-data, for file uploads. Values are form strings coerced per field.`,
    properties: {
      ...(json["properties"] as Record<string, JsonSchema>),
      "@jsonPayload": {
        type: "string",
        contentMediaType: "application/json",
        description: "A JSON object of non-file fields, merged over the other form values.",
      },
    },
  };
}
