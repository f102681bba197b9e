import { type AdminFieldType, holdsList } from "../field-type";
import { RelationCell } from "./cell";
import { RelationInput } from "./input";

export const relation: AdminFieldType = {
  options: [
    { key: "collectionId", label: "Related collection", kind: "collection" },
    { key: "minSelect", label: "Min selected", kind: "int" },
    { key: "maxSelect", label: "Max selected", kind: "int", hint: "1: single relation" },
    { key: "cascadeDelete", label: "Delete with the related record", kind: "bool" },
  ],
  defaults: { collectionId: "", maxSelect: 1, minSelect: 0, cascadeDelete: false },
  Input: RelationInput,
  Cell: RelationCell,
  formValue: (field, record) => (record ? record[field.name] : holdsList(field) ? [] : ""),
  sample: (field) => (holdsList(field) ? ["RELATED_ID"] : "RELATED_ID"),
  multiple: holdsList,
  target: (field) => (typeof field.collectionId === "string" ? field.collectionId : undefined),
};
