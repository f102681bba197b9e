import type { AdminFieldType } from "../field-type";
import { UnknownInput } from "./input";

/** A type the server has and this admin doesn't: its value is shown as JSON and never sent. */
export const unknown: AdminFieldType = {
  options: [],
  Input: UnknownInput,
  toBody: () => ({}),
  sample: () => undefined,
};
