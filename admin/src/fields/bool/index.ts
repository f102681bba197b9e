import type { AdminFieldType } from "../field-type";
import { BoolCell } from "./cell";
import { BoolInput } from "./input";

export const bool: AdminFieldType = {
  options: [],
  Input: BoolInput,
  Cell: BoolCell,
  formValue: (field, record) => (record ? record[field.name] : false),
  sample: () => true,
};
