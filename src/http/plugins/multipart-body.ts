import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { checkJsonShape } from "./json-body.js";

/** A request body with where each key came from: form strings need coercion, JSON values don't. */
export interface ParsedBody {
  body: Record<string, unknown>;
  /** Keys whose values are form strings (multipart fields other than `@jsonPayload`). */
  formKeys: Set<string>;
}

const LIMITS = { fields: 1000, fieldNameSize: 200, fieldSize: 8 * 1024 * 1024, parts: 2000 };

export async function registerMultipart(app: FastifyInstance, bodyLimit: number): Promise<void> {
  await app.register(multipart, { limits: { ...LIMITS, fileSize: bodyLimit }, throwFileSizeLimit: true });
}

/**
 * Reads a JSON or multipart body in PocketBase's conventions: multipart fields are strings
 * (repeated names become lists) and `@jsonPayload` holds JSON merged over them. File parts are
 * refused until file fields land.
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
  for await (const part of request.parts()) {
    if (part.type === "file") {
      part.file.resume();
      throw badRequest(`File uploads are not supported yet (field "${part.fieldname}").`);
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
