import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/**
 * A one-line input for text-like values (text, email, url). The record id is a text field: shown
 * in monospace, read-only once the record exists, generated when left empty.
 */
export function PlainInput({
  id,
  label,
  record,
  field,
  value,
  onChange,
  errorOf,
  type,
}: InputProps & { type: "text" | "email" | "url" }) {
  const error = errorOf(field.name);
  const isId = field.name === "id";
  return (
    <FormField id={id} label={label} error={error}>
      <input
        id={id}
        // Preact's types tie each input type to its own attributes; these three share them all.
        type={type as "text"}
        class={isId ? "mono" : undefined}
        value={text(value)}
        autoComplete="off"
        placeholder={isId && !record ? "Leave empty for a random id" : undefined}
        readOnly={isId && record !== null}
        onInput={(e) => onChange(e.currentTarget.value)}
        {...describedBy(id, error)}
      />
    </FormField>
  );
}

/** The error line under a control that is not a FormField (fieldsets, custom controls). */
export function ErrorLine({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  );
}
