import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { fileMaxSize } from "../../collections/fields/file.js";
import type { FileField } from "../../collections/model.js";
import { badRequest, issue } from "../../errors/api-error.js";
import { fileFieldName, type UploadReceiver } from "../../files/receive-upload.js";
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
/** Requests whose body was refused mid-stream: their connection is closed, not drained. */
const cutOff = new WeakSet<FastifyRequest>();

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
  app.addHook("onSend", async (request, reply) => {
    if (cutOff.has(request)) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request) => {
    await discardPending(request);
    // The rest of an over-limit body is never read: close the connection instead of draining it.
    if (cutOff.has(request)) request.raw.destroy();
  });
  app.addHook("onRequestAbort", discardPending);
}

/**
 * Reads a JSON or multipart body in PocketBase's conventions: multipart fields are strings
 * (repeated names become lists) and `@jsonPayload` holds JSON merged over them. File parts are
 * accepted on routes that name a collection (records create/update) when named after one of its
 * file fields (`avatar`, `documents+`); they are streamed to storage and appear in the body as
 * UploadedFile values. Elsewhere they are refused.
 */
export async function readBody(request: FastifyRequest, maxDepth: number): Promise<ParsedBody> {
  if (!request.isMultipart()) {
    const body = request.body;
    if (body === undefined || body === null) return { body: {}, formKeys: new Set() };
    if (typeof body !== "object" || Array.isArray(body))
      throw badRequest("The request body must be a JSON object.");
    return { body: body as Record<string, unknown>, formKeys: new Set() };
  }
  const body: Record<string, unknown> = Object.create(null);
  const formKeys = new Set<string>();
  const files = fileFieldsOf(request);
  const uploaded: UploadedFile[] = [];
  pendingUploads.set(request, uploaded);
  const largest = files ? Math.max(...[...files.values()].map(fileMaxSize)) : 0;
  // The plugin's own per-file cap sits above every field's limit, so the field's check speaks first.
  for await (const part of request.parts(files ? { limits: { fileSize: largest + 1 } } : {})) {
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

function fileFieldsOf(request: FastifyRequest): Map<string, FileField> | null {
  const receiver = request.server.uploadReceiver;
  const params = request.params as { collection?: unknown } | undefined;
  if (!receiver || typeof params?.collection !== "string") return null;
  return receiver.fileFields(params.collection);
}

/** Streams one file part to storage, refusing parts for unknown fields and more files than allowed. */
async function receiveFile(
  request: FastifyRequest,
  files: Map<string, FileField> | null,
  part: MultipartFile,
  uploaded: UploadedFile[],
): Promise<UploadedFile> {
  const receiver = request.server.uploadReceiver;
  const field = files?.get(fileFieldName(part.fieldname));
  if (!receiver || !field) {
    cutOff.add(request);
    throw badRequest(`"${part.fieldname.slice(0, 100)}" is not a file field of this collection.`);
  }
  const count = uploaded.filter((u) => fileFieldName(u.partName) === field.name).length;
  if (count >= field.maxSelect) {
    cutOff.add(request);
    throw badRequest("Failed to upload the file.", {
      [field.name]: issue("validation_too_many_files", `The maximum allowed files is ${field.maxSelect}.`, {
        maxSelect: field.maxSelect,
      }),
    });
  }
  try {
    const upload = await receiver.receive(field, part.fieldname, part.filename, part.file);
    uploaded.push(upload);
    return upload;
  } catch (err) {
    cutOff.add(request);
    throw err;
  }
}
