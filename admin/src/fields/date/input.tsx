import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

/** PocketBase dates ("2024-05-01 10:30:00.000Z", UTC) ↔ the value of a datetime-local input. */
const toLocalInput = (value: unknown) =>
  typeof value === "string" && value ? value.slice(0, 16).replace(" ", "T") : "";
const fromLocalInput = (value: string) => (value ? `${value.replace("T", " ")}:00.000Z` : "");

export function DateInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  return (
    <FormField
      id={id}
      label={
        <>
          {label} <span class="muted">(UTC)</span>
        </>
      }
      error={error}
    >
      <input
        id={id}
        type="datetime-local"
        value={toLocalInput(value)}
        onInput={(e) => onChange(fromLocalInput(e.currentTarget.value))}
        {...describedBy(id, error)}
      />
    </FormField>
  );
}
