import { fieldType } from "../collections/fields/index.js";
import type { Collection, Field } from "../collections/model.js";
import type { DialectName } from "../store/sql-fragments.js";

/**
 * Per-collection functions that build records as single object literals, generated from the
 * field list. A loop that adds `out[field.name]` one key at a time makes V8 treat every such site
 * as megamorphic and walk map transitions for each property of each record; a literal with fixed
 * keys is allocated in one step with its final shape. These two builders run for every record the
 * API reads or returns, so the difference shows on every request.
 *
 * Field names come from validated collection schemas; they are still written as JSON string
 * literals, so no name can change the generated code.
 */
interface CompiledShape {
  fromRow(row: Record<string, unknown>, dialect: DialectName): Record<string, unknown>;
  /** The wire shape with every visible field, and (auth collections) the same without `email`. */
  toApi(collection: Collection, values: Record<string, unknown>): Record<string, unknown>;
  toApiWithoutEmail(collection: Collection, values: Record<string, unknown>): Record<string, unknown>;
}

/** Auth collections' fields that never leave the server, whoever asks (besides secret types). */
const NEVER_SHOWN = new Set(["password", "tokenKey"]);

// Collections are replaced on every schema change, so a shape never outlives its field list.
const shapes = new WeakMap<Collection, CompiledShape>();

export function compiledShape(collection: Collection): CompiledShape {
  let shape = shapes.get(collection);
  if (!shape) {
    shape = compile(collection);
    shapes.set(collection, shape);
  }
  return shape;
}

/** Whether a field is ever part of the wire shape (email aside, which depends on the caller). */
function isShownField(collection: Collection, field: Field): boolean {
  if (field.hidden || fieldType(field).secret) return false;
  return !(collection.type === "auth" && NEVER_SHOWN.has(field.name));
}

function compile(collection: Collection): CompiledShape {
  const fields = collection.fields;
  const types = fields.map((f) => fieldType(f));
  const key = (name: string) => JSON.stringify(name);

  const fromRowBody = fields
    .map((f, i) => `${key(f.name)}: types[${i}].fromDb(fields[${i}], row[${key(f.name)}], dialect)`)
    .join(",\n");
  const apiBody = (withEmail: boolean) =>
    fields
      .filter((f) => isShownField(collection, f))
      .filter((f) => withEmail || collection.type !== "auth" || f.name !== "email")
      .map((f) => `${key(f.name)}: values[${key(f.name)}]`)
      .join(",\n");
  const toApi = (withEmail: boolean) => `function (collection, values) {
    return { collectionId: collection.id, collectionName: collection.name, ${apiBody(withEmail)} };
  }`;

  const make = new Function(
    "types",
    "fields",
    `return {
      fromRow: function (row, dialect) { return { ${fromRowBody} }; },
      toApi: ${toApi(true)},
      toApiWithoutEmail: ${toApi(false)},
    };`,
  ) as (types: unknown, fields: readonly Field[]) => CompiledShape;
  return make(types, fields);
}
