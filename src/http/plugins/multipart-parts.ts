import type { IncomingMessage } from "node:http";
import { type Readable, Transform } from "node:stream";
import { Busboy } from "@fastify/busboy";
import { ApiError, badRequest } from "../../errors/api-error.js";
import { FRAMING_LIMITS, MultipartFraming, multipartBoundary } from "./multipart-framing.js";

export type MultipartPart =
  | { type: "field"; fieldname: string; value: string }
  | { type: "file"; fieldname: string; filename: string; file: Readable };

export interface MultipartLimits {
  /** The whole body: past it, reading stops with a 413. */
  maxBytes: number;
  /** A file part's own cap (a backstop: the caller counts each file against its field first). */
  fileSize: number;
  fields: number;
  fieldNameSize: number;
  fieldSize: number;
  parts: number;
}

/**
 * Reads a `multipart/form-data` request one part at a time (a file part's stream must be read to
 * its end before the next part comes). Every byte first passes the framing check, so a malformed
 * body (garbage instead of parts, a part without headers, no closing boundary) is a 400 and a body
 * over `maxBytes` a 413, thrown where the reading is, as soon as it shows, not after the rest was
 * read. The iteration ends only once the request has ended with its closing boundary.
 */
export async function* multipartParts(
  req: IncomingMessage,
  limits: MultipartLimits,
): AsyncGenerator<MultipartPart> {
  const contentType = req.headers["content-type"] ?? "";
  const framing = new MultipartFraming(multipartBoundary(contentType), {
    ...FRAMING_LIMITS,
    maxBytes: limits.maxBytes,
  });
  const declared = Number(req.headers["content-length"]);
  if (declared > limits.maxBytes)
    throw new ApiError(413, `The request body is larger than ${limits.maxBytes} bytes.`);

  const queue: MultipartPart[] = [];
  let failure: Error | undefined;
  let parsed = false;
  let checked = false;
  let reported = 0;
  let overFileSize = false;
  let wake: (() => void) | undefined;
  let currentFile: Readable | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        framing.push(chunk);
        callback(null, chunk);
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback) {
      try {
        framing.end();
        checked = true;
        notify();
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
  const parser = new Busboy({
    headers: { "content-type": contentType },
    limits: {
      fields: limits.fields,
      fieldNameSize: limits.fieldNameSize,
      fieldSize: limits.fieldSize,
      fileSize: limits.fileSize,
      parts: limits.parts,
      // Above what the framing check lets through, so busboy never drops a header it let pass.
      headerPairs: FRAMING_LIMITS.headerBlock,
      headerSize: FRAMING_LIMITS.headerBlock * 2,
    },
  });

  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    req.unpipe(guard);
    guard.unpipe(parser);
    // A file part may still sit in the queue, handed to nobody: without a listener of its own, the
    // error it is destroyed with would be an uncaught exception.
    currentFile?.on("error", () => {});
    currentFile?.destroy(err);
    notify();
  };
  const tooMany = (what: string, max: number) => () =>
    fail(new ApiError(413, `The multipart body has more than ${max} ${what}.`));

  guard.on("error", fail);
  parser.on("field", (fieldname: string, value: string, nameTruncated: boolean, valueTruncated: boolean) => {
    if (nameTruncated || valueTruncated)
      return fail(
        new ApiError(
          413,
          `The form field "${fieldname.slice(0, 100)}" is larger than ${limits.fieldSize} bytes.`,
        ),
      );
    reported++;
    queue.push({ type: "field", fieldname, value });
    notify();
  });
  parser.on("file", (fieldname: string, file: Readable, filename: string | undefined) => {
    reported++;
    currentFile = file;
    file.once("end", () => {
      if (currentFile === file) currentFile = undefined;
    });
    // Not destroyed here: the caller's own (lower) limit has the bytes past it already and speaks
    // first; a caller that took a cut-off file anyway hears of it when it asks for the next part.
    file.once("limit", () => {
      overFileSize = true;
    });
    queue.push({ type: "file", fieldname, filename: filename ?? "", file });
    notify();
  });
  parser.on("partsLimit", tooMany("parts", limits.parts));
  parser.on("fieldsLimit", tooMany("fields", limits.fields));
  // What the framing check let through busboy parses; its own complaints are about the same bytes.
  parser.on("error", (err: Error) => fail(badRequest(`The multipart body is malformed: ${err.message}.`)));
  parser.on("finish", () => {
    parsed = true;
    notify();
  });
  req.once("close", () => {
    if (!req.complete) fail(badRequest("The client closed the connection before the body was complete."));
  });
  req.pipe(guard).pipe(parser);

  try {
    for (;;) {
      if (overFileSize) fail(new ApiError(413, `A file is larger than ${limits.fileSize - 1} bytes.`));
      if (failure) throw failure;
      const part = queue.shift();
      if (part) {
        yield part;
        continue;
      }
      if (parsed && checked) {
        // busboy skips, without a word, parts it can't name (odd Content-Disposition parameters):
        // every part the framing counted must have come through.
        if (reported !== framing.parts)
          throw badRequest(
            "The multipart body is malformed: a part's Content-Disposition could not be read.",
          );
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    // Left early (the caller refused a part) or failed: nothing reads on.
    if (!(parsed && checked)) {
      req.unpipe(guard);
      guard.unpipe(parser);
    }
  }
}
