import { describe, expect, it } from "vitest";
import type { RateLimitRule } from "../../settings/settings-model.js";
import { actionCheck, labelPath, pathCheck } from "./limit-checks.js";

const rules: RateLimitRule[] = [
  { label: "*:auth", maxRequests: 2, duration: 3, audience: "" },
  { label: "/api/", maxRequests: 300, duration: 10, audience: "" },
];

describe("limit checks", () => {
  it("spells paths the way labels do", () => {
    expect(labelPath("/api/batch/?x=1")).toBe("/api/batch");
    expect(labelPath("/api/collections/p%6Fsts/records")).toBe("/api/collections/posts/records");
    expect(labelPath("/api/%E0%A4%A")).toBe("/api/%E0%A4%A");
    expect(labelPath("/")).toBe("/");
  });

  it("counts actions per collection and rule, paths per rule; auth actions fail closed", () => {
    const target = {
      method: "POST",
      path: "/api/collections/users/auth-with-password",
      action: { collectionId: "c1", collectionName: "users", tags: ["authWithPassword", "auth"] },
    };
    expect(actionCheck(rules, target, "@guest")).toMatchObject({
      rule: { label: "*:auth" },
      bucket: "action|c1|*:auth|",
      failClosed: true,
    });
    expect(pathCheck(rules, target, "@guest")).toMatchObject({ bucket: "path|/api/|", failClosed: true });
    const list = {
      method: "GET",
      path: "/api/x",
      action: { collectionId: "c", collectionName: "x", tags: ["list"] },
    };
    expect(actionCheck(rules, list, "@guest")).toMatchObject({ rule: { label: "/api/" }, failClosed: false });
    expect(actionCheck(rules, { method: "GET", path: "/api/health" }, "@guest")).toBeUndefined();
  });
});
