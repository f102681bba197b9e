import { describe, expect, it } from "vitest";
import type { RateLimitRule } from "../../settings/settings-model.js";
import { findRule } from "./rule-matching.js";

const rule = (label: string, audience: RateLimitRule["audience"] = "", maxRequests = 1): RateLimitRule => ({
  label,
  maxRequests,
  duration: 1,
  audience,
});

const createLabels = [
  "posts:create",
  "*:create",
  "POST /api/collections/posts/records",
  "/api/collections/posts/records",
];

describe("findRule", () => {
  it("follows the label order: collection tag, wildcard tag, method + path, path", () => {
    const rules = [
      rule("/api/"),
      rule("/api/collections/posts/records"),
      rule("POST /api/collections/posts/records"),
      rule("*:create"),
      rule("posts:create"),
    ];
    expect(findRule(rules, createLabels, "@guest")?.label).toBe("posts:create");
    expect(findRule(rules.slice(0, 4), createLabels, "@guest")?.label).toBe("*:create");
    expect(findRule(rules.slice(0, 3), createLabels, "@guest")?.label).toBe(
      "POST /api/collections/posts/records",
    );
    expect(findRule(rules.slice(0, 2), createLabels, "@guest")?.label).toBe("/api/collections/posts/records");
    expect(findRule(rules.slice(0, 1), createLabels, "@guest")?.label).toBe("/api/");
  });

  it("matches prefixes only on `/` boundaries and prefers the longest prefix, whatever the order", () => {
    const rules = [rule("/api/"), rule("/api/collections/")];
    expect(findRule(rules, ["/api/collections/x/records"], "@guest")?.label).toBe("/api/collections/");
    expect(findRule([...rules].reverse(), ["/api/collections/x/records"], "@guest")?.label).toBe(
      "/api/collections/",
    );
    expect(findRule([rule("/api/bat/")], ["/api/batch"], "@guest")).toBeUndefined();
    // A prefix label also covers the path itself: `/api/batch/` governs `/api/batch`.
    expect(findRule([rule("/api/batch/")], ["/api/batch"], "@guest")?.label).toBe("/api/batch/");
    expect(findRule([rule("POST /api/")], ["POST /api/batch", "/api/batch"], "@guest")?.label).toBe(
      "POST /api/",
    );
  });

  it("an exact label beats a prefix rule of the same step, and an earlier label beats both", () => {
    const rules = [rule("/api/"), rule("/api/batch")];
    expect(findRule(rules, ["POST /api/batch", "/api/batch"], "@guest")?.label).toBe("/api/batch");
    expect(
      findRule([rule("/api/"), rule("*:auth")], ["users:auth", "*:auth", "/api/x"], "@auth")?.label,
    ).toBe("*:auth");
  });

  it("skips rules of another audience and prefers the caller's own audience for the same label", () => {
    const rules = [rule("*:auth", ""), rule("*:auth", "@guest", 5), rule("/api/", "@auth")];
    expect(findRule(rules, ["*:auth"], "@guest")).toMatchObject({ audience: "@guest", maxRequests: 5 });
    expect(findRule(rules, ["*:auth"], "@auth")).toMatchObject({ audience: "" });
    expect(findRule([rule("*:auth", "@auth")], ["*:auth", "/api/x"], "@guest")).toBeUndefined();
    expect(findRule([rule("/api/", ""), rule("/api/", "@guest", 7)], ["/api/x"], "@guest")?.maxRequests).toBe(
      7,
    );
  });

  it("finds nothing without rules or matching labels", () => {
    expect(findRule([], ["/api/x"], "@guest")).toBeUndefined();
    expect(findRule([rule("posts:list")], createLabels, "@guest")).toBeUndefined();
  });
});
