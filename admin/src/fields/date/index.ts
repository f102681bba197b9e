import type { AdminFieldType } from "../field-type";
import { DateInput } from "./input";

export const date: AdminFieldType = {
  options: [
    { key: "min", label: "Min date", kind: "text", hint: "2024-01-01 00:00:00.000Z" },
    { key: "max", label: "Max date", kind: "text" },
  ],
  Input: DateInput,
  sample: () => "2025-01-01 10:00:00.000Z",
};
