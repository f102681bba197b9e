import type { Field } from "../../model.js";
import { normalizeField } from "../index.js";

/** One field per type and shape, each with a non-zero value to store and read back. */
export interface Sample {
  field: Field;
  value: unknown;
}

function sample(raw: Record<string, unknown> & { name: string; type: string }, value: unknown): Sample {
  return { field: normalizeField({ id: `f_${raw.name}`, ...raw }), value };
}

export const samples: Sample[] = [
  sample(
    { name: "id", type: "text", primaryKey: true, required: true, pattern: "^[a-z0-9]+$" },
    "abcdefghij12345",
  ),
  sample({ name: "title", type: "text" }, "Héllo 😀 'quoted' \"double\" \\ back"),
  sample({ name: "amount", type: "number" }, -12.5),
  sample({ name: "big", type: "number" }, 2 ** 53 - 1),
  sample({ name: "active", type: "bool" }, true),
  sample({ name: "inactive", type: "bool" }, false),
  sample({ name: "email", type: "email" }, "a@example.com"),
  sample({ name: "site", type: "url" }, "https://example.com/?q=1"),
  sample({ name: "body", type: "editor" }, "<p>hi</p>"),
  sample({ name: "due", type: "date" }, "2024-11-10 18:45:27.123Z"),
  sample({ name: "created", type: "autodate", onCreate: true }, "2024-11-10 18:45:27.124Z"),
  sample({ name: "status", type: "select", values: ["a", "b"] }, "b"),
  sample({ name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 }, ["c", "a"]),
  sample({ name: "avatar", type: "file" }, "avatar_x1.png"),
  sample({ name: "docs", type: "file", maxSelect: 5 }, ["a.pdf", "b.pdf"]),
  sample({ name: "owner", type: "relation", collectionId: "c" }, "abcdefghij12345"),
  sample({ name: "members", type: "relation", collectionId: "c", maxSelect: 9 }, ["abcdefghij12345"]),
  sample({ name: "meta", type: "json" }, { a: [1, "two", null, true, { b: 1.5 }], __proto__: { c: 1 } }),
  sample({ name: "list", type: "json" }, [1, 2, 3]),
  sample({ name: "scalar", type: "json" }, "123"),
  sample({ name: "empty", type: "json" }, null),
  sample({ name: "place", type: "geoPoint" }, { lon: 23.32, lat: -42.7 }),
  sample({ name: "password", type: "password" }, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
];
