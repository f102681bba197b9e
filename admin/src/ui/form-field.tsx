import type { ComponentChildren, InputHTMLAttributes } from "preact";

interface FormFieldProps {
  /** The id of the control inside; the label points at it and the error describes it. */
  id: string;
  label: ComponentChildren;
  error?: string | undefined;
  hint?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}

/** A label, a control, and the API's message for that control right under it. */
export function FormField({ id, label, error, hint, children, class: className }: FormFieldProps) {
  return (
    <div class={`form-field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && !error && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** aria attributes that tie a control to its FormField error or hint. */
export function describedBy(id: string, error?: string, hint?: boolean) {
  const ids = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return { "aria-invalid": error ? true : undefined, "aria-describedby": ids };
}

/** A checkbox with its label after it (checkbox rows read better that way). */
export function CheckboxField({
  id,
  label,
  checked,
  onChange,
  disabled,
  describedById,
}: {
  id: string;
  label: ComponentChildren;
  checked: boolean;
  onChange: (value: boolean) => void;
  disabled?: boolean;
  /** The id of a text elsewhere that explains the checkbox (read after its label). */
  describedById?: string;
}) {
  return (
    <div class="checkbox-field">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedById}
        onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{label}</label>
    </div>
  );
}

interface InputFieldProps {
  id: string;
  label: ComponentChildren;
  error?: string | undefined;
  hint?: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  /** Further attributes of the input (type, autocomplete, class…). */
  input?: InputHTMLAttributes<HTMLInputElement>;
}

/** A FormField around a text input that is described by its error, or else its hint. */
export function InputField({ id, label, error, hint, value, onValue, input }: InputFieldProps) {
  return (
    <FormField id={id} label={label} error={error} hint={hint}>
      <input
        {...input}
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        {...describedBy(id, error, Boolean(hint))}
      />
    </FormField>
  );
}
