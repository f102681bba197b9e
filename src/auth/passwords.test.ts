import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.js";

describe("password hashes", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored.startsWith("$argon2id$")).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterY")).toBe(false);
  });

  it("verifies bcrypt hashes imported from PocketBase and asks for a rehash", async () => {
    const imported = await bcrypt.hash("imported password", 4);
    expect(needsRehash(imported)).toBe(true);
    expect(await verifyPassword(imported, "imported password")).toBe(true);
    expect(await verifyPassword(imported, "imported passwore")).toBe(false);
  });

  it("answers false (never throws) for malformed hashes and oversized input", async () => {
    expect(await verifyPassword("", "x")).toBe(false);
    expect(await verifyPassword("$argon2id$garbage", "x")).toBe(false);
    expect(await verifyPassword("$2b$10$short", "x")).toBe(false);
    expect(await verifyPassword(await hashPassword("a"), "a".repeat(2000))).toBe(false);
    await expect(hashPassword("a".repeat(2000))).rejects.toThrow(/too long/);
  });
});
