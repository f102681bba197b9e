import { readFileSync } from "node:fs";
import type PocketBase from "pocketbase";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { countRecords, expectErrorBody, raw, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { type StreamBodyOptions, streamBody } from "../test-support/stream-body.js";
import { REFUSED_BODY_LINGER } from "./plugins/multipart-body.js";

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
/** The server's BACKROOM_BODY_LIMIT in these tests. */
const BODY_LIMIT = 1 * MB;
/** The collection's one file field may add this much to a records request (as PocketBase sizes it). */
const FILE_MAX = 2 * MB;
const CAP = BODY_LIMIT + FILE_MAX;

/** The most a loopback connection can hold in flight: the kernel's largest receive and send buffers. */
function socketBufferMax(): number {
  const max = (name: string) =>
    Number(readFileSync(`/proc/sys/net/ipv4/${name}`, "utf8").trim().split(/\s+/)[2]);
  return max("tcp_rmem") + max("tcp_wmem");
}
/** What the server may read past the point where it refuses (parser read-ahead, one socket read). */
const SLACK = 2 * MB;
/** The answer to a refused gigabyte comes within this, on a busy two-core machine. */
const ANSWER_MS = 5000;

const part = (name: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n`;

describe.each(await storesUnderTest())("multipart bodies at the edge (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let things: string;

  beforeAll(async () => {
    server = await startServer(kind, { bodyLimit: BODY_LIMIT });
    su = await server.superuserClient();
    things = uniqueName("things");
    await su.collections.create({
      name: things,
      type: "base",
      fields: [
        { name: "title", type: "text", max: 10 * MB },
        { name: "doc", type: "file", maxSelect: 1, maxSize: FILE_MAX },
      ],
      createRule: "",
    });
  });
  afterAll(() => server?.close());
  afterEach(async () => {
    // Whatever was sent, nothing was written and the server answers as before.
    expect(await countRecords(su, things)).toBe(0);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });

  const send = (opts: Omit<StreamBodyOptions, "url" | "contentType"> & { contentType?: string }) =>
    streamBody({
      url: `${server.url}/api/collections/${things}/records`,
      contentType: "multipart/form-data; boundary=zz",
      ...opts,
    });

  it("refuses the issue's body (boundary=zz, then aaaaaaaaaa) instead of creating an empty record", async () => {
    const res = await send({ head: Buffer.from("aaaaaaaaaa"), fillBytes: 0, declareLength: true });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400);
    expect((res.body as { message: string }).message).toBe(
      "The multipart body is malformed: it ends before its closing boundary.",
    );
  });

  it.each([
    ["no parts", "--zz--\r\n", "it has no parts."],
    ["a part without headers", "--zz\r\n\r\nhello\r\n--zz--\r\n", "a part has no headers."],
    [
      "a part that is not form-data",
      "--zz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--zz--\r\n",
      "a part has no",
    ],
    ["no closing boundary", `--zz\r\n${part("title")}hello\r\n`, "it ends before its closing boundary."],
    [
      "a boundary line that goes on",
      `--zzz\r\n${part("title")}hello\r\n--zz--\r\n`,
      "a boundary line goes on",
    ],
    ["a part cut off by the end", `--zz\r\n${part("title")}hel`, "it ends before its closing boundary."],
  ])("%s → 400 saying what is wrong", async (_label, body, detail) => {
    const res = await send({ head: Buffer.from(body), fillBytes: 0, declareLength: true });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expectErrorBody(res.body, 400);
    expect((res.body as { message: string }).message).toContain(`The multipart body is malformed: ${detail}`);
  });

  it("refuses a Content-Type without a usable boundary", async () => {
    for (const contentType of ["multipart/form-data", `multipart/form-data; boundary=${"b".repeat(71)}`]) {
      const res = await send({
        contentType,
        head: Buffer.from("--b\r\n"),
        fillBytes: 0,
        declareLength: true,
      });
      expect(res.status, contentType).toBe(400);
      expectErrorBody(res.body, 400);
    }
  });

  it("answers a gigabyte of garbage with a 400 at its first kilobytes", { timeout: 60_000 }, async () => {
    const res = await send({ fillBytes: GB, declareLength: false });
    expect(res.status, `connection: ${res.error ?? "no error"}`).toBe(400);
    expect((res.body as { message: string }).message).toBe(
      "The multipart body is malformed: no boundary line within its first 1024 bytes.",
    );
    // The answer came while the client was still sending, long before the gigabyte was through.
    expect(res.sentAtAnswer).toBeLessThan(socketBufferMax() + SLACK);
    expect(res.answeredAfterMs).toBeLessThan(ANSWER_MS);
  });

  it("answers garbage of a declared length under the cap with the same 400", async () => {
    const res = await send({ fillBytes: CAP - KB, declareLength: true });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/no boundary line within its first 1024 bytes/);
  });

  it.each([
    ["declared (Content-Length)", true],
    ["chunked", false],
  ])(
    "stops a body %s at the cap with a 413, fields and files counted together",
    { timeout: 60_000 },
    async (_label, declareLength) => {
      // A well-formed start, then a field that never ends.
      const res = await send({ head: Buffer.from(`--zz\r\n${part("title")}`), fillBytes: GB, declareLength });
      expect(res.status, `connection: ${res.error ?? "no error"}`).toBe(413);
      expectErrorBody(res.body, 413);
      // Announced: refused before a byte is read. Not announced: read up to the cap and no further.
      if (!declareLength) expect(res.sentAtAnswer).toBeGreaterThan(CAP - SLACK);
      expect((res.body as { message: string }).message).toBe(`The request body is larger than ${CAP} bytes.`);
      expect(res.sentAtAnswer).toBeLessThan(CAP + socketBufferMax() + SLACK);
      expect(res.answeredAfterMs).toBeLessThan(ANSWER_MS);
    },
  );

  it("counts every part: small fields that add up past the cap → 413", { timeout: 60_000 }, async () => {
    const field = `--zz\r\n${part("title")}${"x".repeat(512 * KB)}\r\n`;
    const many = Buffer.from(field.repeat(Math.ceil(CAP / (512 * KB)) + 2));
    const res = await send({
      head: many,
      fillBytes: 0,
      tail: Buffer.from("--zz--\r\n"),
      declareLength: false,
    });
    expect(res.status).toBe(413);
  });

  it("accepts a file up to its field's size on top of the body limit (as PocketBase)", async () => {
    const rec = await su.collection(things).create({
      title: "fits",
      doc: new File([Buffer.alloc(FILE_MAX - KB, 1)], "big.bin"),
    });
    expect(rec.doc).toMatch(/^big_\w+\.bin$/);
    await su.collection(things).delete(rec.id);
  });

  it("doesn't read a gigabyte its route never reads: the rest is dropped after a bounded drain", {
    timeout: 60_000,
  }, async () => {
    const res = await streamBody({
      // Answered 401 before the route would look at its body.
      url: `${server.url}/api/collections/_superusers/auth-refresh`,
      contentType: "multipart/form-data; boundary=zz",
      head: Buffer.from(`--zz\r\n${part("title")}`),
      fillBytes: GB,
      ignoreAnswer: true,
    });
    expect(res.status).toBe(401);
    expect(res.cutByServer).toBe(true);
    expect(res.sent).toBeLessThan(REFUSED_BODY_LINGER.bytes + socketBufferMax() + SLACK);
  });
});
