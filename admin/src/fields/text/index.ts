import type { AdminFieldType } from "../field-type";
import { TextInput } from "./input";

export const text: AdminFieldType = {
  options: [
    { key: "min", label: "Min length", kind: "int" },
    { key: "max", label: "Max length", kind: "int", hint: "0: no limit" },
    { key: "pattern", label: "Pattern (regex)", kind: "text" },
    { key: "autogeneratePattern", label: "Autogenerate pattern", kind: "text", hint: "e.g. [a-z0-9]{15}" },
    {
      key: "searchable",
      label: "Full-text searchable",
      kind: "bool",
      hint: "search('words') in filters, ?search= on lists",
    },
  ],
  Input: TextInput,
  sample: (field) => `example ${field.name}`,
  namesRecords: true,
};
