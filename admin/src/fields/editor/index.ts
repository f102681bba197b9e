import type { AdminFieldType } from "../field-type";
import { EditorInput } from "./input";

export const editor: AdminFieldType = {
  options: [
    {
      key: "maxSize",
      label: "Max size (bytes)",
      kind: "int",
      hint: "0: the default limit, 5 MB (5242880 bytes)",
    },
    { key: "convertURLs", label: "Convert URLs", kind: "bool" },
    {
      key: "searchable",
      label: "Full-text searchable",
      kind: "bool",
      hint: "search('words') in filters, ?search= on lists",
    },
  ],
  Input: EditorInput,
  sample: (field) => `example ${field.name}`,
};
