import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import type { FilePartPolicy } from "../../files/file-parts.js";
import type { UploadReceiver } from "../../files/receive-upload.js";
import type { UploadedFile } from "../../files/uploaded-file.js";
import { formBody, MAX_FORM_FIELDS, type ParsedBody, urlEncodedFormKeys } from "./form-body.js";
import { type MultipartLimits, multipartParts } from "./multipart-parts.js";

export type { ParsedBody } from "./form-body.js";

const LIMITS = { fields: MAX_FORM_FIELDS, fieldNameSize: 200, fieldSize: 8 * 1024 * 1024, parts: 2000 };
const MULTIPART = /^multipart\/form-data\b/i;

declare module "fastify" {
  interface FastifyInstance {
    /** Where file parts of records create/update bodies go; absent = file parts are refused. */
    uploadReceiver: UploadReceiver | null;
    /** The largest request body without file parts (BACKROOM_BODY_LIMIT). */
    multipartBodyLimit: number;
  }
}

/** Whether a request's body is multipart/form-data (read by readBody, not by a content parser). */
export function isMultipart(request: FastifyRequest): boolean {
  return MULTIPART.test(request.headers["content-type"] ?? "");
}

/** Uploads of each request still waiting to be placed under a record. */
const pendingUploads = new WeakMap<FastifyRequest, UploadedFile[]>();
/** Requests whose body was refused midway: the rest of it is not read (see lingerThenClose). */
const cutOff = new WeakSet<FastifyRequest>();
/** Requests whose unread body is already being drained (from onSend). */
const drained = new WeakSet<FastifyRequest>();
/** How much of a refused body is still read, and for how long, after the answer (see lingerThenClose). */
export const REFUSED_BODY_LINGER = { bytes: 16 * 1024 * 1024, ms: 2000 };

export async function registerMultipart(
  app: FastifyInstance,
  bodyLimit: number,
  uploads: UploadReceiver | null = null,
): Promise<void> {
  // Accepted here, read by the route (readBody), which knows what file parts it takes.
  app.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null));
  app.decorate("uploadReceiver", uploads);
  app.decorate("multipartBodyLimit", bodyLimit);
  // Whatever a request uploaded and no write placed is removed when the request ends, answered or
  // abandoned by its client.
  const discardPending = async (request: FastifyRequest) => {
    const pending = pendingUploads.get(request);
    if (!pending) return;
    pendingUploads.delete(request);
    await Promise.all(pending.map((u) => u.discardPending().catch(() => {})));
  };
  // A callback hook, not an async one: it runs for every request and almost always has nothing to do.
  app.addHook("onResponse", (request, _reply, done) => {
    // done() is called whatever happens, and without an error: the request's other onResponse
    // hooks (the request log) wait for it, and an error would skip them.
    const finish = () => {
      try {
        if (cutOff.has(request) && !drained.has(request)) lingerThenClose(request.raw);
      } catch (err) {
        request.log.error({ err }, "letting go of a refused request body failed");
      }
      done();
    };
    if (!pendingUploads.has(request)) return finish();
    void discardPending(request).then(finish, finish);
  });
  app.addHook("onRequestAbort", discardPending);
  // A multipart body its route never read (answered before it looked: a 401, a 404): once the
  // answer is out Node would read all of it, however large, to keep the connection. Read a bounded
  // drain instead, from now (after the answer would be too late: Node has begun its own by then).
  app.addHook("onSend", (request, _reply, payload, done) => {
    try {
      if (!request.raw.complete && request.raw.readableFlowing === null && isMultipart(request)) {
        drained.add(request);
        lingerThenClose(request.raw);
      }
    } catch (err) {
      request.log.error({ err }, "letting go of an unread request body failed");
    }
    done(null, payload);
  });
}

/**
 * The body of a request to an endpoint that takes no files, in whichever encoding it came: JSON,
 * URL-encoded or multipart (read here, on demand, so a route that answers before it reads its body
 * never reads it). Form values are strings; the endpoint coerces what it reads.
 */
export async function requestBody(request: FastifyRequest): Promise<Record<string, unknown>> {
  return (await readBody(request, request.server.jsonMaxDepth, null)).body;
}

/**
 * Reads a JSON, URL-encoded or multipart body in PocketBase's conventions: form fields are strings
 * (repeated names become lists) and `@jsonPayload` holds JSON merged over them. File parts are
 * accepted as `fileParts` says (by default: on routes that name a collection, records create/update,
 * when named after one of its file fields, `avatar`, `documents+`); they are streamed to storage
 * and appear in the body as UploadedFile values. Elsewhere they are refused.
 */
export async function readBody(
  request: FastifyRequest,
  maxDepth: number,
  fileParts?: FilePartPolicy | null,
): Promise<ParsedBody> {
  if (!isMultipart(request)) {
    const body = request.body;
    if (body === undefined || body === null) return { body: {}, formKeys: new Set() };
    if (typeof body !== "object" || Array.isArray(body))
      throw badRequest("The request body must be a JSON object.");
    return { body: body as Record<string, unknown>, formKeys: urlEncodedFormKeys(request) };
  }
  const files = fileParts === undefined ? collectionParts(request) : fileParts;
  const uploaded: UploadedFile[] = [];
  pendingUploads.set(request, uploaded);
  try {
    return await readParts(request, maxDepth, files, uploaded);
  } catch (err) {
    stopReading(request);
    throw err;
  }
}

async function readParts(
  request: FastifyRequest,
  maxDepth: number,
  policy: FilePartPolicy | null,
  uploaded: UploadedFile[],
): Promise<ParsedBody> {
  const fields: [string, string][] = [];
  const uploadsByName: Record<string, UploadedFile[]> = Object.create(null);
  // What file parts may add comes on top of the body limit (as PocketBase sizes its limit).
  const maxBytes = request.server.multipartBodyLimit + (policy?.allowance ?? 0);
  const limits: MultipartLimits = {
    ...LIMITS,
    maxBytes,
    // The parser's own per-file cap sits above every part's limit, so the part's own check speaks
    // first; where no file is taken, the refusal of the part's name does.
    fileSize: policy ? policy.largest + 1 : maxBytes,
  };
  for await (const part of multipartParts(request.raw, limits)) {
    if (part.type === "file") {
      const upload = await receiveFile(request, policy, part, uploaded);
      uploadsByName[part.fieldname] = [...(uploadsByName[part.fieldname] ?? []), upload];
      continue;
    }
    fields.push([part.fieldname, String(part.value)]);
  }
  const parsed = formBody(fields, maxDepth);
  // A file field's uploads come after the names of its files kept from before (`documents=a.txt`).
  for (const [name, uploads] of Object.entries(uploadsByName)) {
    const existing = parsed.body[name];
    parsed.body[name] = existing === undefined ? uploads : [...toList(existing), ...uploads];
  }
  return parsed;
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The file parts of a records create/update body: the file fields of the collection the route names. */
function collectionParts(request: FastifyRequest): FilePartPolicy | null {
  const receiver = request.server.uploadReceiver;
  const params = request.params as { collection?: unknown } | undefined;
  if (!receiver || typeof params?.collection !== "string") return null;
  return receiver.forCollection(params.collection);
}

/** Streams one file part to storage, or refuses it. */
async function receiveFile(
  request: FastifyRequest,
  files: FilePartPolicy | null,
  part: { fieldname: string; filename: string; file: Readable },
  uploaded: UploadedFile[],
): Promise<UploadedFile> {
  const receiver = request.server.uploadReceiver;
  if (!receiver || !files) throw badRequest(`"${part.fieldname.slice(0, 100)}" is not a file field.`);
  const target = files.target(part.fieldname, uploaded);
  const upload = await receiver.receive(target, part.filename, part.file, () => stopReading(request));
  uploaded.push(upload);
  return upload;
}

/**
 * A refused body is read no further: the parser lets go of the request, which stays paused. One
 * refused before a byte of it was read (its declared length is over the cap) is left untouched,
 * so the answer's onSend hook sees it unread and drains it (see below).
 */
export function stopReading(request: FastifyRequest): void {
  cutOff.add(request);
  if (request.raw.readableFlowing === null) return;
  request.raw.unpipe();
  request.raw.pause();
}

/**
 * After the answer to a refused body: reads on (dropping the bytes) for a moment, then closes.
 * Closing at once, with the client's bytes still unread, makes the kernel reset the connection,
 * and a reset can destroy the answer before the client has read it. Reading is bounded, so the
 * rest of a huge body is never taken; a client that ends its (small) body in time keeps its
 * connection.
 */
function lingerThenClose(req: IncomingMessage): void {
  const socket = req.socket;
  if (!req.complete) {
    let read = 0;
    const close = () => socket.destroy();
    const timer = setTimeout(close, REFUSED_BODY_LINGER.ms).unref();
    req.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > REFUSED_BODY_LINGER.bytes) close();
    });
    req.once("end", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  }
  req.resume();
}
