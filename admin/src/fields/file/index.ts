import { type AdminFieldType, holdsList } from "../field-type";
import { FileCell } from "./cell";
import { type FileChanges, FileInput } from "./input";

/** Files travel as multipart uploads (`field+` adds to a list); removals as `field-` names. */
export const file: AdminFieldType = {
  options: [
    { key: "maxSelect", label: "Max files", kind: "int" },
    {
      key: "maxSize",
      label: "Max size per file (bytes)",
      kind: "int",
      hint: "0: the default limit, 5 MB (5242880 bytes)",
    },
    { key: "mimeTypes", label: "MIME types", kind: "list", hint: "e.g. image/png, image/jpeg" },
    { key: "thumbs", label: "Thumb sizes", kind: "list", hint: "e.g. 100x100, 0x300" },
    { key: "protected", label: "Protected (needs a file token)", kind: "bool" },
  ],
  defaults: { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false },
  Input: FileInput,
  Cell: FileCell,
  formValue: (): FileChanges => ({ added: [], removed: [] }),
  toBody(field, value) {
    const { added, removed } = value as FileChanges;
    const part = holdsList(field) ? `${field.name}+` : field.name;
    return {
      ...(removed.length ? { json: { [`${field.name}-`]: removed } } : {}),
      files: added.map((f): [string, File] => [part, f]),
    };
  },
  sample: () => undefined,
  multiple: holdsList,
};
