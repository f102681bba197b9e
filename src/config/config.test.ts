import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseHttpAddress } from "./config.js";

describe("configuration", () => {
  it("defaults to SQLite in ./backroom_data on 127.0.0.1:8090", () => {
    const c = loadConfig({}, {});
    expect(c.host).toBe("127.0.0.1");
    expect(c.port).toBe(8090);
    expect(c.store.kind).toBe("sqlite");
    expect(c.dir.endsWith("backroom_data")).toBe(true);
    expect(c.bodyLimit).toBe(32 * 1024 * 1024);
  });

  it("takes flags over environment variables", () => {
    const c = loadConfig(
      { http: "0.0.0.0:9000" },
      { BACKROOM_HTTP: "127.0.0.1:1", BACKROOM_DB: "postgres://u@h/db" },
    );
    expect(c.port).toBe(9000);
    expect(c.host).toBe("0.0.0.0");
    expect(c.store).toEqual({ kind: "postgres", url: "postgres://u@h/db" });
  });

  it.each(["host:", "host:99999", "nonsense", ""])("rejects the address %j", (value) => {
    expect(() => parseHttpAddress(value)).toThrow(ConfigError);
  });

  it("rejects a --db that is not a PostgreSQL URL without echoing credentials", () => {
    expect(() => loadConfig({ db: "mysql://user:secret@host/db" }, {})).toThrow(/expected postgres/);
    try {
      loadConfig({ db: "mysql://user:secret@host/db" }, {});
    } catch (err) {
      expect((err as Error).message).not.toContain("secret");
    }
  });

  it("reads CORS origins, defaulting to any, and refuses ones that aren't origins", () => {
    expect(loadConfig({}, {}).origins).toEqual(["*"]);
    expect(loadConfig({}, { BACKROOM_ORIGINS: "https://a.example, http://localhost:5173" }).origins).toEqual([
      "https://a.example",
      "http://localhost:5173",
    ]);
    expect(() => loadConfig({ origins: "https://a.example/path" }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ origins: "javascript:alert(1)" }, {})).toThrow(ConfigError);
  });

  it("takes the hook time limit from the environment", () => {
    expect(loadConfig({}, {}).hookTimeoutMs).toBe(10_000);
    expect(loadConfig({}, { BACKROOM_HOOK_TIMEOUT_MS: "2500" }).hookTimeoutMs).toBe(2500);
    expect(() => loadConfig({}, { BACKROOM_HOOK_TIMEOUT_MS: "soon" })).toThrow(ConfigError);
  });
});
