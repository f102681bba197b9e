import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

/** Rich text, edited as its HTML. */
export function EditorInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  return (
    <FormField id={id} label={label} error={error}>
      <textarea
        id={id}
        rows={6}
        value={value === null || value === undefined ? "" : String(value)}
        onInput={(e) => onChange(e.currentTarget.value)}
        {...describedBy(id, error)}
      />
    </FormField>
  );
}
