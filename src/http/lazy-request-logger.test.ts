import { Writable } from "node:stream";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { lazyChildLogger } from "./lazy-request-logger.js";

function capturingServer() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  const app = Fastify({
    logger: { level: "info", stream },
    childLoggerFactory: lazyChildLogger,
    genReqId: () => "req-1",
  });
  return { app, lines };
}

describe("lazy request logger", () => {
  it("writes a request's log lines with the request id, as Fastify's own child logger does", async () => {
    const { app, lines } = capturingServer();
    app.get("/warns", async (request) => {
      request.log.warn({ order: "o1" }, "stock low");
      request.log.debug("not at info level");
      return { ok: true };
    });
    const res = await app.inject({ method: "GET", url: "/warns" });
    expect(res.statusCode).toBe(200);
    const warning = lines.find((l) => l.msg === "stock low");
    expect(warning).toMatchObject({ reqId: "req-1", order: "o1", level: 40 });
    expect(lines.some((l) => l.msg === "not at info level")).toBe(false);
    await app.close();
  });

  it("logs a handler's failure through the request logger", async () => {
    const { app, lines } = capturingServer();
    app.get("/fails", async () => {
      throw new Error("boom");
    });
    const res = await app.inject({ method: "GET", url: "/fails" });
    expect(res.statusCode).toBe(500);
    expect(lines.find((l) => l.reqId === "req-1" && l.level === 50)).toBeDefined();
    await app.close();
  });

  it("reports the parent's level and hands out real child loggers", async () => {
    const { app, lines } = capturingServer();
    app.get("/child", async (request) => {
      expect(request.log.level).toBe("info");
      request.log.child({ step: "pay" }).info("paid");
      return {};
    });
    await app.inject({ method: "GET", url: "/child" });
    expect(lines.find((l) => l.msg === "paid")).toMatchObject({ reqId: "req-1", step: "pay" });
    await app.close();
  });
});
