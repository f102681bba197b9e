import type { AdminFieldType } from "../field-type";
import { AutodateInput } from "./input";

/** Set by the server on create and/or update: shown, never edited. */
export const autodate: AdminFieldType = {
  options: [
    { key: "onCreate", label: "Set on create", kind: "bool" },
    { key: "onUpdate", label: "Set on update", kind: "bool" },
  ],
  defaults: { onCreate: true, onUpdate: false },
  Input: AutodateInput,
  sample: () => undefined,
  serverSet: true,
};
