import type { AdminFieldType } from "../field-type";
import { JsonInput } from "./input";

/** Edited as JSON text; parsed when the form is sent (a parse error shows next to the field). */
export const json: AdminFieldType = {
  options: [{ key: "maxSize", label: "Max size (bytes)", kind: "int", hint: "0: default" }],
  Input: JsonInput,
  formValue: (field, record) => {
    const value = record?.[field.name];
    return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
  },
  toBody(field, value) {
    const text = String(value ?? "").trim();
    if (text === "") return { json: { [field.name]: null } };
    try {
      return { json: { [field.name]: JSON.parse(text) } };
    } catch {
      return { error: "This is not valid JSON." };
    }
  },
  sample: () => ({ any: "json" }),
};
