import { describedBy, FormField } from "../../ui/form-field";
import { holdsList, type InputProps } from "../field-type";
import { ErrorLine } from "../shared/plain-input";

/** One choice: a drop-down; several: a checkbox per value. */
export function SelectInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  const values = (field.values as string[] | undefined) ?? [];
  if (holdsList(field)) {
    const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
    return (
      <fieldset
        class={`form-field choice-group${error ? " has-error" : ""}`}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <legend>{label}</legend>
        {values.map((v) => (
          <div class="checkbox-field" key={v}>
            <input
              id={`${id}-${v}`}
              type="checkbox"
              checked={chosen.has(v)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(v);
                else next.delete(v);
                onChange(values.filter((x) => next.has(x)));
              }}
            />
            <label for={`${id}-${v}`}>{v}</label>
          </div>
        ))}
        <ErrorLine id={id} error={error} />
      </fieldset>
    );
  }
  return (
    <FormField id={id} label={label} error={error}>
      <select
        id={id}
        value={value === null || value === undefined ? "" : String(value)}
        onChange={(e) => onChange(e.currentTarget.value)}
        {...describedBy(id, error)}
      >
        <option value="">—</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </FormField>
  );
}
