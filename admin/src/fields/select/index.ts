import type { Field } from "../../api/types";
import { type AdminFieldType, holdsList } from "../field-type";
import { SelectInput } from "./input";

const values = (field: Field) => (Array.isArray(field.values) ? (field.values as string[]) : []);

export const select: AdminFieldType = {
  options: [
    { key: "values", label: "Choices", kind: "list", hint: "Comma-separated" },
    { key: "maxSelect", label: "Max selected", kind: "int", hint: "1: single choice" },
  ],
  defaults: { values: [], maxSelect: 1 },
  Input: SelectInput,
  formValue: (field, record) => (record ? record[field.name] : holdsList(field) ? [] : ""),
  sample: (field) => (holdsList(field) ? values(field).slice(0, 2) : (values(field)[0] ?? "")),
  multiple: holdsList,
};
