import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { Busboy } from "@fastify/busboy";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../errors/api-error.js";
import { FRAMING_LIMITS, MultipartFraming, multipartBoundary } from "./multipart-framing.js";
import { multipartParts } from "./multipart-parts.js";

const LIMITS = { ...FRAMING_LIMITS, maxBytes: 1024 * 1024 };
const PART_LIMITS = {
  maxBytes: 1024 * 1024,
  fileSize: 1024 * 1024,
  fields: 100,
  fieldNameSize: 200,
  fieldSize: 1024,
  parts: 100,
};

/** A body as a real encoder writes it (undici's FormData, what fetch and the SDK send). */
async function encoded(
  entries: [string, string | File][],
): Promise<{ boundary: string; contentType: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  const res = new Response(form);
  const contentType = res.headers.get("content-type") as string;
  return {
    boundary: multipartBoundary(contentType),
    contentType,
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** Feeds the body in the given pieces; returns the error thrown (and after how many bytes) or the part count. */
function check(boundary: string, pieces: Buffer[], limits = LIMITS) {
  const framing = new MultipartFraming(boundary, limits);
  let fed = 0;
  try {
    for (const piece of pieces) {
      fed += piece.length;
      framing.push(piece);
    }
    framing.end();
    return { parts: framing.parts };
  } catch (err) {
    return { error: err as ApiError, fed };
  }
}

const split = (body: Buffer, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const c of [...at, body.length]) {
    pieces.push(body.subarray(from, c));
    from = c;
  }
  return pieces;
};

describe("multipart framing", () => {
  it("accepts what a real encoder writes, however the bytes arrive", async () => {
    const { boundary, body } = await encoded([
      ["title", "Hello"],
      ["@jsonPayload", '{"tags":["a"]}'],
      ["doc", new File(["--not the boundary\r\n\r\n"], "a.txt", { type: "text/plain" })],
    ]);
    expect(
      check(
        boundary,
        [...body].map((byte) => Buffer.from([byte])),
      ),
    ).toEqual({ parts: 3 });
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
        expect(check(boundary, split(body, cuts))).toEqual({ parts: 3 });
      }),
    );
  });

  it("allows a short preamble and epilogue (RFC 2046), and the boundary in quotes", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b:c"')).toBe("a b:c");
    const body = Buffer.from(
      'This is a message in MIME format.\r\n--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\nbye\r\n',
    );
    expect(check("zz", [body])).toEqual({ parts: 1 });
  });

  const part = 'Content-Disposition: form-data; name="title"\r\n\r\nx';
  it.each([
    ["garbage and no boundary (the issue's body)", "aaaaaaaaaa", "it ends before its closing boundary."],
    ["no parts at all", "--zz--\r\n", "it has no parts."],
    ["no closing boundary", `--zz\r\n${part}\r\n`, "it ends before its closing boundary."],
    ["a part cut short", `--zz\r\n${part}`, "it ends before its closing boundary."],
    ["a part without headers", "--zz\r\n\r\nvalue\r\n--zz--", "a part has no headers."],
    [
      "a part without Content-Disposition",
      "--zz\r\nContent-Type: text/plain\r\n\r\nvalue\r\n--zz--",
      'a part has no "Content-Disposition: form-data; name=…" header.',
    ],
    [
      "an attachment instead of form-data",
      '--zz\r\nContent-Disposition: attachment; name="a"\r\n\r\nv\r\n--zz--',
      'a part has no "Content-Disposition: form-data; name=…" header.',
    ],
    [
      "headers cut by a boundary",
      '--zz\r\nContent-Disposition: form-data; name="a"\r\n--zz--\r\n\r\n',
      "a part's headers are cut by a boundary.",
    ],
    [
      "a boundary line that goes on",
      `--zzz\r\n${part}\r\n--zz--`,
      "a boundary line goes on after the boundary.",
    ],
    [
      "a longer preamble",
      `${"p".repeat(1100)}\r\n--zz\r\n${part}\r\n--zz--`,
      "no boundary line within its first 1024 bytes.",
    ],
    [
      "a longer epilogue",
      `--zz\r\n${part}\r\n--zz--${"e".repeat(1100)}`,
      "more than 1024 bytes follow its closing boundary.",
    ],
    [
      "a part's headers over 16 KiB",
      `--zz\r\nX-Pad: ${"h".repeat(17 * 1024)}\r\n${part}\r\n--zz--`,
      "a part's headers are longer than 16384 bytes.",
    ],
  ])("%s → 400", (_label, text, detail) => {
    const { error } = check("zz", [Buffer.from(text)]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.toJSON()).toEqual({
      status: 400,
      message: `The multipart body is malformed: ${detail}`,
      data: {},
    });
  });

  it("says so at the first bytes that show it, not at the end of a gigabyte", () => {
    const garbage = Buffer.alloc(64 * 1024, 0x61);
    const framing = new MultipartFraming("zz", { ...LIMITS, maxBytes: 2 ** 40 });
    // The first 64 KiB already hold more than the preamble allows: the first push throws.
    expect(() => framing.push(garbage)).toThrow(/no boundary line within its first 1024 bytes/);
  });

  it("stops at the byte limit with a 413, counting every part", () => {
    const body = Buffer.from(`--zz\r\n${part}${"x".repeat(2000)}\r\n--zz--`);
    const { error, fed } = check("zz", split(body, [500, 1000, 1500, 2000]), { ...LIMITS, maxBytes: 1200 });
    expect(error?.status).toBe(413);
    expect(fed).toBe(1500);
  });

  it.each([
    ["no boundary", "multipart/form-data"],
    ["an empty boundary", "multipart/form-data; boundary="],
    ["a boundary over 70 characters", `multipart/form-data; boundary=${"b".repeat(71)}`],
  ])("refuses a Content-Type with %s", (_label, contentType) => {
    expect(() => multipartBoundary(contentType)).toThrow(/boundary of 1 to 70 characters/);
  });

  it("reads only what busboy parses in full, part for part; anything else is a 4xx", async () => {
    const samples = await Promise.all([
      encoded([["a", "1"]]),
      encoded([
        ["a", "x\r\ny"],
        ["f", new File(["abc"], "f.bin")],
      ]),
    ]);
    const pieces = [
      "\r\n",
      "\r",
      "\n",
      "--",
      "\r\n\r\n",
      'Content-Disposition: form-data; name="b"',
      'Content-Disposition: attachment; name="c"',
      '; filename="x.txt"',
      "Content-Type: application/octet-stream",
      "x",
      "-",
      ";",
      " ",
      "DELIMITER",
      "CLOSE",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { maxLength: 4 }),
        async (sample, edits) => {
          let body = sample.body;
          for (const [at, cut, named] of edits) {
            const piece =
              named === "DELIMITER"
                ? `\r\n--${sample.boundary}`
                : named === "CLOSE"
                  ? `--${sample.boundary}--`
                  : named;
            const i = at % (body.length + 1);
            body = Buffer.concat([body.subarray(0, i), Buffer.from(piece), body.subarray(i + cut)]);
          }
          const ours = await readAll(sample.contentType, body);
          if ("error" in ours) {
            expect(ours.error).toBeInstanceOf(ApiError);
            expect([400, 413]).toContain((ours.error as ApiError).status);
            return;
          }
          expect(await busboyParts(sample.contentType, body)).toBe(ours.parts);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** The parts multipartParts reads from a request with this body, or what it threw. */
async function readAll(contentType: string, body: Buffer): Promise<{ parts: number } | { error: unknown }> {
  const req = Object.assign(Readable.from([body]), { headers: { "content-type": contentType } });
  let parts = 0;
  try {
    for await (const part of multipartParts(req as unknown as IncomingMessage, PART_LIMITS)) {
      parts++;
      if (part.type === "file") part.file.resume();
    }
    return { parts };
  } catch (error) {
    return { error };
  }
}

/** How many parts busboy reports for a body; throws when it reports an error. */
function busboyParts(contentType: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const parser = new Busboy({ headers: { "content-type": contentType } });
    let parts = 0;
    parser.on("field", () => parts++);
    parser.on("file", (_name: string, file: NodeJS.ReadableStream) => {
      parts++;
      file.resume();
    });
    parser.on("error", reject);
    parser.on("finish", () => resolve(parts));
    parser.end(body);
  });
}
