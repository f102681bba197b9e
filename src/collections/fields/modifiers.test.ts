import { describe, expect, it } from "vitest";
import type { Modifier } from "./field-type.js";
import { fieldType, normalizeField } from "./index.js";

function modify(
  raw: Record<string, unknown>,
  current: unknown,
  modifier: Modifier,
  operand: unknown,
): unknown {
  const field = normalizeField({ id: "f1", name: "f", ...raw });
  const def = fieldType(field);
  return def.applyModifier ? def.applyModifier(field, current, modifier, operand) : "unsupported";
}

const number = { type: "number" };
const multi = { type: "select", values: ["a", "b", "c"], maxSelect: 3 };
const single = { type: "select", values: ["a", "b"] };
const relations = { type: "relation", collectionId: "x", maxSelect: 9 };
const relation = { type: "relation", collectionId: "x" };
const files = { type: "file", maxSelect: 5 };

describe("applyModifier", () => {
  const cases: Array<[string, Record<string, unknown>, unknown, Modifier, unknown, unknown]> = [
    ["number add", number, 5, "append", 2, 7],
    ["number subtract", number, 5, "remove", 2, 3],
    ["number add form string", number, 5, "append", "2.5", 7.5],
    ["number add to unset", number, undefined, "append", 1, 1],
    ["number prepend unsupported", number, 5, "prepend", 1, undefined],
    ["number bad operand left for validate", number, 5, "append", "x", "x"],
    ["multi append", multi, ["a"], "append", "b", ["a", "b"]],
    ["multi append list, no duplicates", multi, ["a", "b"], "append", ["b", "c"], ["a", "b", "c"]],
    ["multi prepend", multi, ["a"], "prepend", ["c", "b"], ["c", "b", "a"]],
    ["multi remove", multi, ["a", "b", "c"], "remove", ["a", "c"], ["b"]],
    ["multi remove missing", multi, ["a"], "remove", "z", ["a"]],
    ["multi append to empty", multi, [], "append", "a", ["a"]],
    ["single remove clears when matching", single, "a", "remove", "a", ""],
    ["single remove keeps when not matching", single, "a", "remove", "b", "a"],
    ["single append to empty sets", single, "", "append", "b", "b"],
    ["single append to set gives too many", single, "a", "append", "b", ["a", "b"]],
    ["relations append", relations, ["r1"], "append", ["r2"], ["r1", "r2"]],
    ["relation remove", relation, "r1", "remove", ["r1"], ""],
    ["files remove", files, ["a.png", "b.png"], "remove", "a.png", ["b.png"]],
    ["files prepend", files, ["a.png"], "prepend", "b.png", ["b.png", "a.png"]],
    ["bad operand left", multi, ["a"], "append", [{ x: 1 }], [{ x: 1 }]],
  ];

  it.each(cases)("%s", (_label, field, current, modifier, operand, expected) => {
    expect(modify(field, current, modifier, operand)).toEqual(expected);
  });

  it.each(["text", "bool", "email", "url", "editor", "date", "autodate", "json", "geoPoint", "password"])(
    "%s has no modifiers",
    (type) => {
      expect(modify({ type }, "", "append", "x")).toBe("unsupported");
    },
  );
});
