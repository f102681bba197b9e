import { FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

export function UnknownInput({ id, label, field, value }: InputProps) {
  return (
    <FormField id={id} label={label} hint={`The admin can't edit ${field.type} fields.`}>
      <textarea id={id} class="mono" rows={3} readOnly value={JSON.stringify(value ?? null)} />
    </FormField>
  );
}
