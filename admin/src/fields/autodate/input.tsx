import { FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

export function AutodateInput({ id, label, value }: InputProps) {
  return (
    <FormField id={id} label={label}>
      <input id={id} value={value === null || value === undefined ? "" : String(value)} readOnly />
    </FormField>
  );
}
