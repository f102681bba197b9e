import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

export function JsonInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  return (
    <FormField
      id={id}
      label={label}
      error={error}
      hint="JSON: an object, a list, a string in quotes, a number, true/false or null."
    >
      <textarea
        id={id}
        class="mono"
        rows={6}
        spellcheck={false}
        value={value === null || value === undefined ? "" : String(value)}
        onInput={(e) => onChange(e.currentTarget.value)}
        {...describedBy(id, error, true)}
      />
    </FormField>
  );
}
