import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

export function NumberInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  return (
    <FormField id={id} label={label} error={error}>
      <input
        id={id}
        type="number"
        step={field.onlyInt ? 1 : "any"}
        value={value === null || value === undefined ? "" : String(value)}
        onInput={(e) => {
          const v = e.currentTarget.value;
          onChange(v === "" ? null : Number(v));
        }}
        {...describedBy(id, error)}
      />
    </FormField>
  );
}
