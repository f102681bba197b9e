import type { AdminFieldType } from "../field-type";
import { NumberInput } from "./input";

export const number: AdminFieldType = {
  options: [
    { key: "min", label: "Min", kind: "nullableNumber" },
    { key: "max", label: "Max", kind: "nullableNumber" },
    { key: "onlyInt", label: "Integers only", kind: "bool" },
  ],
  defaults: { min: null, max: null, onlyInt: false },
  Input: NumberInput,
  // An empty input for a new record (the API reads null as 0).
  formValue: (field, record) => (record ? record[field.name] : null),
  sample: () => 42,
};
