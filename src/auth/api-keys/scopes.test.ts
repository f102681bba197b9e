import { describe, expect, it } from "vitest";
import { generateApiKey, looksLikeApiKey } from "./api-key-secret.js";
import { hasSystemScope, parseScopes, scopeAllows } from "./scopes.js";

const orders = { id: "pbc_orders", name: "orders" };

describe("API key scopes", () => {
  it("allow exactly the named operations, by collection name or id", () => {
    const parsed = parseScopes([{ collection: "orders", operations: ["view", "list", "view"] }]);
    if (!("scopes" in parsed)) throw new Error("expected scopes");
    expect(parsed.scopes).toEqual([{ collection: "orders", operations: ["list", "view"] }]);
    expect(scopeAllows(parsed.scopes, orders, "list")).toBe(true);
    expect(scopeAllows(parsed.scopes, orders, "create")).toBe(false);
    expect(scopeAllows(parsed.scopes, { id: "x", name: "notes" }, "list")).toBe(false);
    expect(scopeAllows([{ collection: "pbc_orders", operations: ["delete"] }], orders, "delete")).toBe(true);
  });

  it('"*" never reaches _superusers', () => {
    const all = [{ collection: "*", operations: ["list" as const] }];
    expect(scopeAllows(all, orders, "list")).toBe(true);
    expect(scopeAllows(all, { id: "pbc_su", name: "_superusers" }, "list")).toBe(false);
    expect("issues" in parseScopes([{ collection: "_superusers", operations: ["list"] }])).toBe(true);
  });

  it('"metrics" is a scope of its own: it reads the metrics and no collection', () => {
    const parsed = parseScopes(["metrics", "metrics", { collection: "orders", operations: ["view"] }]);
    if (!("scopes" in parsed)) throw new Error("expected scopes");
    expect(parsed.scopes).toEqual(["metrics", { collection: "orders", operations: ["view"] }]);
    expect(hasSystemScope(parsed.scopes, "metrics")).toBe(true);
    expect(scopeAllows(["metrics"], orders, "view")).toBe(false);
    expect("issues" in parseScopes(["everything"])).toBe(true);
  });

  it("keys have the documented shape", () => {
    const key = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(`${key}x`)).toBe(false);
    expect(looksLikeApiKey("eyJhbGciOiJIUzI1NiJ9.e30.x")).toBe(false);
    expect(generateApiKey()).not.toBe(key);
  });
});
