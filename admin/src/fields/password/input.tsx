import { describedBy, FormField } from "../../ui/form-field";
import type { InputProps } from "../field-type";
import type { PasswordValue } from "./index";

/** A new password, and its confirmation once one is typed (or always for a new record). */
export function PasswordInput({ id, label, record, field, value, onChange, errorOf }: InputProps) {
  const current = value as PasswordValue;
  const error = errorOf(field.name);
  const confirmId = `${id}-confirm`;
  const confirmError = errorOf(`${field.name}Confirm`);
  return (
    <div>
      <FormField
        id={id}
        label={label}
        error={error}
        hint={record ? "Leave empty to keep the current password." : undefined}
      >
        <input
          id={id}
          type="password"
          value={current.password}
          autoComplete="new-password"
          onInput={(e) => onChange({ ...current, password: e.currentTarget.value })}
          {...describedBy(id, error, record !== null)}
        />
      </FormField>
      {(current.password || !record) && (
        <div class="form-field">
          <label for={confirmId}>Confirm {field.name}</label>
          <input
            id={confirmId}
            type="password"
            autoComplete="new-password"
            value={current.confirm}
            onInput={(e) => onChange({ ...current, confirm: e.currentTarget.value })}
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? `${confirmId}-error` : undefined}
          />
          {confirmError && (
            <p class="field-error" id={`${confirmId}-error`}>
              {confirmError}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
