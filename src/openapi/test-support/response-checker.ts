import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * Checks values against the schemas of an OpenAPI document with ajv (JSON Schema 2020-12, strict):
 * the document's `components.schemas` become `$defs` of one schema, so their references resolve.
 */
export function responseChecker(doc: { components: { schemas: Record<string, unknown> } }) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  const defs = JSON.parse(
    JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"),
  );
  ajv.addSchema({ $id: "https://backroom.test/openapi", $defs: defs });
  return (schemaName: string, value: unknown): string | null => {
    const check = ajv.getSchema(`https://backroom.test/openapi#/$defs/${schemaName}`);
    if (!check) return `no schema ${schemaName}`;
    return check(value) ? null : `${schemaName}: ${ajv.errorsText(check.errors)} in ${JSON.stringify(value)}`;
  };
}
