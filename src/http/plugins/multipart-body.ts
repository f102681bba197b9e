import type { IncomingMessage } from "node:http";
import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import type { FilePartPolicy } from "../../files/file-parts.js";
import type { UploadReceiver } from "../../files/receive-upload.js";
import type { UploadedFile } from "../../files/uploaded-file.js";
import { checkJsonShape } from "./json-body.js";

/** A request body with where each key came from: form strings need coercion, JSON values don't. */
export interface ParsedBody {
  body: Record<string, unknown>;
  /** Keys whose values are form strings (multipart fields other than `@jsonPayload`). */
  formKeys: Set<string>;
}

const LIMITS = { fields: 1000, fieldNameSize: 200, fieldSize: 8 * 1024 * 1024, parts: 2000 };

declare module "fastify" {
  interface FastifyInstance {
    /** Where file parts of records create/update bodies go; absent = file parts are refused. */
    uploadReceiver: UploadReceiver | null;
  }
}

/** Uploads of each request still waiting to be placed under a record. */
const pendingUploads = new WeakMap<FastifyRequest, UploadedFile[]>();
/** Requests whose body was refused midway: the rest of it is not read (see lingerThenClose). */
const cutOff = new WeakSet<FastifyRequest>();
/** How much of a refused body is still read, and for how long, after the answer (see lingerThenClose). */
export const REFUSED_BODY_LINGER = { bytes: 16 * 1024 * 1024, ms: 2000 };

export async function registerMultipart(
  app: FastifyInstance,
  bodyLimit: number,
  uploads: UploadReceiver | null = null,
): Promise<void> {
  await app.register(multipart, { limits: { ...LIMITS, fileSize: bodyLimit }, throwFileSizeLimit: true });
  app.decorate("uploadReceiver", uploads);
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
        if (cutOff.has(request)) lingerThenClose(request.raw);
      } catch (err) {
        request.log.error({ err }, "letting go of a refused request body failed");
      }
      done();
    };
    if (!pendingUploads.has(request)) return finish();
    void discardPending(request).then(finish, finish);
  });
  app.addHook("onRequestAbort", discardPending);
}

/**
 * Reads a JSON or multipart body in PocketBase's conventions: multipart fields are strings
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
  if (!request.isMultipart()) {
    const body = request.body;
    if (body === undefined || body === null) return { body: {}, formKeys: new Set() };
    if (typeof body !== "object" || Array.isArray(body))
      throw badRequest("The request body must be a JSON object.");
    return { body: body as Record<string, unknown>, formKeys: new Set() };
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
  files: FilePartPolicy | null,
  uploaded: UploadedFile[],
): Promise<ParsedBody> {
  const body: Record<string, unknown> = Object.create(null);
  const formKeys = new Set<string>();
  // The plugin's own per-file cap sits above every part's limit, so the part's own check speaks first.
  for await (const part of request.parts(files ? { limits: { fileSize: files.largest + 1 } } : {})) {
    if (part.type === "file") {
      const upload = await receiveFile(request, files, part, uploaded);
      const existing = body[part.fieldname];
      body[part.fieldname] = existing === undefined ? [upload] : [...toList(existing), upload];
      continue;
    }
    if (["__proto__", "constructor", "prototype"].includes(part.fieldname))
      throw badRequest(`The key "${part.fieldname}" is not allowed.`);
    const value = String(part.value);
    if (part.fieldname === "@jsonPayload") {
      let payload: unknown;
      try {
        payload = JSON.parse(value);
      } catch {
        throw badRequest("@jsonPayload is not valid JSON.");
      }
      if (!payload || typeof payload !== "object" || Array.isArray(payload))
        throw badRequest("@jsonPayload must be a JSON object.");
      checkJsonShape(payload, maxDepth);
      for (const [k, v] of Object.entries(payload)) {
        body[k] = v;
        formKeys.delete(k);
      }
      continue;
    }
    const existing = body[part.fieldname];
    body[part.fieldname] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    formKeys.add(part.fieldname);
  }
  return { body: { ...body }, formKeys };
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
  part: MultipartFile,
  uploaded: UploadedFile[],
): Promise<UploadedFile> {
  const receiver = request.server.uploadReceiver;
  if (!receiver || !files) throw badRequest(`"${part.fieldname.slice(0, 100)}" is not a file field.`);
  const target = files.target(part.fieldname, uploaded);
  const upload = await receiver.receive(target, part.filename, part.file, () => stopReading(request));
  uploaded.push(upload);
  return upload;
}

/** A refused body is read no further: the parser lets go of the request, which stays paused. */
function stopReading(request: FastifyRequest): void {
  cutOff.add(request);
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
