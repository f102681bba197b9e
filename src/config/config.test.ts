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

  it("reads who may frame the admin UI: nobody by default, CSP sources only", () => {
    expect(loadConfig({}, {}).adminFrameAncestors).toBe("'none'");
    expect(
      loadConfig({}, { BACKROOM_ADMIN_FRAME_ANCESTORS: "self https://app.example.com *.example.org:443" })
        .adminFrameAncestors,
    ).toBe("'self' https://app.example.com *.example.org:443");
    expect(loadConfig({ adminFrameAncestors: "https:" }, {}).adminFrameAncestors).toBe("https:");
    // Another directive smuggled in, a list in the wrong syntax, keywords that don't belong here.
    for (const bad of [
      "https://a.example; script-src *",
      "https://a.example,https://b.example",
      "'unsafe-inline'",
      "'none' 'self'",
    ])
      expect(() => loadConfig({ adminFrameAncestors: bad }, {}), bad).toThrow(ConfigError);
  });

  it("takes the hook time limit from the environment", () => {
    expect(loadConfig({}, {}).hookTimeoutMs).toBe(10_000);
    expect(loadConfig({}, { BACKROOM_HOOK_TIMEOUT_MS: "2500" }).hookTimeoutMs).toBe(2500);
    expect(() => loadConfig({}, { BACKROOM_HOOK_TIMEOUT_MS: "soon" })).toThrow(ConfigError);
  });

  it("keeps files in the database on PostgreSQL, in a folder on SQLite or with --files-dir, in S3 when named", () => {
    const pgDb = { BACKROOM_DB: "postgres://u@h/db", BACKROOM_DIR: "/data" };
    expect(loadConfig({}, pgDb).files).toEqual({ kind: "database", importDir: "/data/storage" });
    expect(loadConfig({}, { BACKROOM_DIR: "/data" }).files).toEqual({ kind: "local", dir: "/data/storage" });
    expect(loadConfig({ filesDir: "/mnt/shared" }, pgDb).files).toEqual({
      kind: "local",
      dir: "/mnt/shared",
    });
    expect(loadConfig({}, { ...pgDb, BACKROOM_FILES_DIR: "/mnt/env" }).files).toEqual({
      kind: "local",
      dir: "/mnt/env",
    });
    expect(loadConfig({ filesDir: "/mnt/shared", s3Bucket: "b" }, pgDb).files).toMatchObject({ kind: "s3" });
  });

  it("takes read replicas from repeated flags or a comma-separated variable, only with PostgreSQL", () => {
    const db = "postgres://u@primary/db";
    expect(
      loadConfig({ db, dbReplicas: ["postgres://u@r1/db", "postgres://u@r2/db"] }, {}).store,
    ).toMatchObject({
      replicas: ["postgres://u@r1/db", "postgres://u@r2/db"],
    });
    expect(
      loadConfig({ db }, { BACKROOM_DB_REPLICAS: " postgres://u@r1/db, postgres://u@r2/db ," }).store,
    ).toMatchObject({ replicas: ["postgres://u@r1/db", "postgres://u@r2/db"] });
    expect(loadConfig({ db }, {}).store).not.toHaveProperty("replicas");
    expect(() => loadConfig({ dbReplicas: ["postgres://u@r1/db"] }, {})).toThrow(/needs --db/);
    expect(() => loadConfig({ db, dbReplicas: ["mysql://u:secret@r1/db"] }, {})).toThrow(ConfigError);
  });

  it("uses named prepared statements on PostgreSQL unless BACKROOM_DB_PREPARED_STATEMENTS turns them off", () => {
    const db = "postgres://u@primary/db";
    expect(loadConfig({ db }, {}).store).not.toHaveProperty("preparedStatements");
    expect(loadConfig({ db }, { BACKROOM_DB_PREPARED_STATEMENTS: "true" }).store).not.toHaveProperty(
      "preparedStatements",
    );
    for (const off of ["false", "off", "0", "FALSE"])
      expect(loadConfig({ db }, { BACKROOM_DB_PREPARED_STATEMENTS: off }).store).toMatchObject({
        preparedStatements: false,
      });
    expect(loadConfig({ db, dbPreparedStatements: false }, {}).store).toMatchObject({
      preparedStatements: false,
    });
    expect(() => loadConfig({ db }, { BACKROOM_DB_PREPARED_STATEMENTS: "nope" })).toThrow(ConfigError);
  });
});
