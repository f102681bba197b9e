import type { AdminFieldType } from "../field-type";
import { GeoPointInput } from "./input";

export const geoPoint: AdminFieldType = {
  options: [],
  Input: GeoPointInput,
  display: (_field, value) => {
    if (!value || typeof value !== "object") return "";
    const p = value as { lon?: number; lat?: number };
    return `${p.lat ?? 0}, ${p.lon ?? 0}`;
  },
  sample: () => ({ lon: 24.94, lat: 60.17 }),
};
