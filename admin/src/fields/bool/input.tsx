import { describedBy } from "../../ui/form-field";
import type { InputProps } from "../field-type";
import { ErrorLine } from "../shared/plain-input";

/** A checkbox with its label after it. */
export function BoolInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  return (
    <div class={`form-field checkbox-field${error ? " has-error" : ""}`}>
      <input
        id={id}
        type="checkbox"
        checked={Boolean(value)}
        onChange={(e) => onChange(e.currentTarget.checked)}
        {...describedBy(id, error)}
      />
      <label for={id}>{label}</label>
      <ErrorLine id={id} error={error} />
    </div>
  );
}
