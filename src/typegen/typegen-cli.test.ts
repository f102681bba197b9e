import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { buildSchema, type GraphQLObjectType } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const BIN = fileURLToPath(new URL("../../bin/backroom.js", import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs the built CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
async function backroom(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BACKROOM_")) env[k] = v;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], {
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("backroom typegen (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-typegen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the types of a store's collections to --out; the SDK type only when asked or installed", async () => {
    const out = join(dir, "src", "types", "backroom.ts");
    const r = await backroom(["typegen", "--dir", join(dir, "data"), "--out", out, "--sdk"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`to ${out}`);
    const source = readFileSync(out, "utf8");
    expect(source).toContain("export interface UsersRecord {");
    expect(source).toContain("export interface SuperusersRecord {");
    expect(source).toContain('import type PocketBase from "pocketbase";');

    // No pocketbase package resolves from a temp folder: left out by default.
    const plain = join(dir, "plain.ts");
    expect((await backroom(["typegen", "--dir", join(dir, "data"), "--out", plain])).code).toBe(0);
    expect(readFileSync(plain, "utf8")).not.toContain("pocketbase");
  });

  it("--graphql writes the GraphQL schema (SDL) the server serves, alone or beside --out", async () => {
    const sdl = join(dir, "schema", "backroom.graphql");
    const r = await backroom(["typegen", "--dir", join(dir, "data"), "--graphql", sdl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`to ${sdl}`);
    const text = readFileSync(sdl, "utf8");
    // A valid schema document, with the collections' types and root fields.
    const schema = buildSchema(text);
    expect(schema.getQueryType()?.getFields()).toHaveProperty("usersById");
    expect(schema.getMutationType()?.getFields()).toHaveProperty("authWithPasswordUsers");
    expect(schema.getSubscriptionType()?.getFields()).toHaveProperty("users");
    expect(Object.keys((schema.getType("Users") as GraphQLObjectType).getFields())).toContain("email");

    const both = await backroom([
      "typegen",
      "--dir",
      join(dir, "data"),
      "--out",
      join(dir, "b.ts"),
      "--graphql",
      join(dir, "b.graphql"),
    ]);
    expect(both.code, both.stderr).toBe(0);
    expect(readFileSync(join(dir, "b.graphql"), "utf8")).toBe(text);
  });

  it("--openapi writes the OpenAPI 3.1 document beside the types: apps' view, or the superuser's; YAML by extension", async () => {
    const data = join(dir, "data");
    const types = join(dir, "with-openapi.ts");
    const json = join(dir, "api", "openapi.json");
    const r = await backroom(["typegen", "--dir", data, "--out", types, "--openapi", json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`OpenAPI document to ${json}`);
    const apps = JSON.parse(readFileSync(json, "utf8"));
    expect((await new Validator().validate(apps)).valid).toBe(true);
    expect(apps.openapi).toBe("3.1.0");
    expect(Object.keys(apps.paths)).toContain("/api/collections/users/auth-with-password");
    // Apps' view: no locked collection, no admin API.
    expect(Object.keys(apps.paths).filter((p) => p.includes("_superusers") || p === "/api/settings")).toEqual(
      [],
    );

    const yamlFile = join(dir, "api", "full.yaml");
    const full = await backroom([
      "typegen",
      "--dir",
      data,
      "--out",
      types,
      "--openapi",
      yamlFile,
      "--openapi-superuser",
    ]);
    expect(full.code, full.stderr).toBe(0);
    const superuser = parse(readFileSync(yamlFile, "utf8"));
    expect((await new Validator().validate(superuser)).valid).toBe(true);
    expect(Object.keys(superuser.paths)).toEqual(
      expect.arrayContaining(["/api/collections/_superusers/auth-with-password", "/api/settings"]),
    );
  });

  it("--out or --graphql is required: one line on stderr, exit 1", async () => {
    const r = await backroom(["typegen", "--dir", join(dir, "data")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--out");
    expect(existsSync(join(dir, "data"))).toBe(true);
  });
});
