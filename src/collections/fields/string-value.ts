/**
 * Coerces input for the string-valued types. Scalars a form or a loose client may send for a
 * string (numbers, booleans) become their text, as PocketBase does; null clears the value.
 * Objects and arrays are returned unchanged so that validation rejects them.
 */
export function coerceString(raw: unknown): unknown {
  if (raw === null || raw === undefined) return "";
  if (typeof raw === "string") return raw;
  if ((typeof raw === "number" && Number.isFinite(raw)) || typeof raw === "boolean") return String(raw);
  return raw;
}
