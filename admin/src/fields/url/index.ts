import type { AdminFieldType } from "../field-type";
import { UrlInput } from "./input";

export const url: AdminFieldType = {
  options: [
    { key: "onlyDomains", label: "Only domains", kind: "list" },
    { key: "exceptDomains", label: "Except domains", kind: "list" },
  ],
  Input: UrlInput,
  sample: () => "https://example.com",
};
