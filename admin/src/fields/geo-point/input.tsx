import type { InputProps } from "../field-type";
import { ErrorLine } from "../shared/plain-input";

/** Latitude and longitude, in degrees. */
export function GeoPointInput({ id, label, field, value, onChange, errorOf }: InputProps) {
  const error = errorOf(field.name);
  const point = (value && typeof value === "object" ? value : { lon: 0, lat: 0 }) as {
    lon: number;
    lat: number;
  };
  const read = (e: Event) => Number((e.currentTarget as HTMLInputElement).value);
  return (
    <fieldset class={`form-field inline-pair${error ? " has-error" : ""}`}>
      <legend>{label}</legend>
      <label for={`${id}-lat`}>Latitude</label>
      <input
        id={`${id}-lat`}
        type="number"
        step="any"
        value={point.lat}
        onInput={(e) => onChange({ ...point, lat: read(e) })}
      />
      <label for={`${id}-lon`}>Longitude</label>
      <input
        id={`${id}-lon`}
        type="number"
        step="any"
        value={point.lon}
        onInput={(e) => onChange({ ...point, lon: read(e) })}
      />
      <ErrorLine id={id} error={error} />
    </fieldset>
  );
}
