import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { readBody, registerMultipart } from "./multipart-body.js";

const BOUNDARY = "----backroom-test";

function multipart(fields: Record<string, string>): string {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join("")}--${BOUNDARY}--\r\n`;
}

describe("multipart bodies", () => {
  it("still lets the request's other onResponse hooks run when closing a refused body's connection fails", async () => {
    const app = Fastify();
    await registerMultipart(app, 1024 * 1024);
    const answered: string[] = [];
    app.addHook("onResponse", (request, _reply, done) => {
      answered.push(request.url);
      done();
    });
    // Refused midway (bad @jsonPayload): the body is read no further, and let go of after the answer.
    app.post("/refused", async (request) => readBody(request, 64));
    // The letting go fails.
    app.addHook("onSend", async (request) => {
      request.raw.resume = () => {
        throw new Error("the connection is gone");
      };
    });
    try {
      const res = await app.inject({
        method: "POST",
        url: "/refused",
        headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart({ "@jsonPayload": "not json" }),
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      await expect.poll(() => answered).toEqual(["/refused"]);
    } finally {
      await app.close();
    }
  });
});
