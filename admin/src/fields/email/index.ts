import type { AdminFieldType } from "../field-type";
import { EmailInput } from "./input";

export const email: AdminFieldType = {
  options: [
    { key: "onlyDomains", label: "Only domains", kind: "list" },
    { key: "exceptDomains", label: "Except domains", kind: "list" },
  ],
  Input: EmailInput,
  sample: () => "someone@example.com",
  namesRecords: true,
};
