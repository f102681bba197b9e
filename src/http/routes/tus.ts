import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TusState } from "../../api/tus-uploads.js";
import { ApiError } from "../../errors/api-error.js";
import {
  byteCountHeader,
  httpDate,
  parseMetadata,
  TUS_CONTENT_TYPE,
  TUS_EXPOSED_HEADERS,
  TUS_EXTENSIONS,
  TUS_VERSION,
} from "../../files/tus/tus-headers.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { id: string };
const BASE = "/api/tus";

/** The tus headers a browser page on another origin may read, as one header value. */
const EXPOSED = TUS_EXPOSED_HEADERS.join(", ");

/**
 * Every tus answer, refusals included, says which protocol version it speaks, and lets a browser
 * client on another origin read its tus headers: only tus answers carry that list, not every API
 * answer (CORS itself is the server-wide plugin's).
 */
function protocolHeaders(reply: FastifyReply): void {
  reply
    .header("tus-resumable", TUS_VERSION)
    .header("cache-control", "no-store")
    .header("access-control-expose-headers", EXPOSED);
}

/** Requests other than OPTIONS must speak tus 1.0.0 (412 otherwise, naming what is served). */
function checkVersion(req: FastifyRequest, reply: FastifyReply): void {
  if (req.headers["tus-resumable"] !== TUS_VERSION) {
    reply.header("tus-version", TUS_VERSION);
    throw new ApiError(412, `Tus-Resumable must be ${TUS_VERSION}.`);
  }
}

function isTusBody(req: FastifyRequest): boolean {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() === TUS_CONTENT_TYPE;
}

function stateHeaders(reply: FastifyReply, upload: { offset: number; expires: Date }): void {
  reply.header("upload-offset", String(upload.offset)).header("upload-expires", httpDate(upload.expires));
}

/**
 * A request refused before its body was read: close the connection after the answer, so Node does
 * not read the rest of a body nobody wants (it could be gigabytes).
 */
async function closingOnRefusal<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!req.raw.complete) reply.header("connection", "close");
    throw err;
  }
}

/**
 * Resumable uploads, tus 1.0 (core, creation, creation-with-upload, termination, expiration) at
 * `/api/tus`. The work is `services.tus` (`api/tus-uploads.ts`); see docs/API.md "Resumable uploads".
 */
export function tusRoutes(parent: FastifyInstance, services: Services): void {
  parent.register(async (app) => tusScope(app, services));
}

function tusScope(app: FastifyInstance, services: Services): void {
  // Bodies are read by the routes as they arrive, never buffered whole or parsed as JSON: any type
  // passes the parser, and a PATCH that is not application/offset+octet-stream gets its 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));

  // tus discovery (no Origin) and a browser's preflight (CORS headers added, then answered here).
  const discovery = { cors: { strictPreflight: false, preflightContinue: true } };
  app.options(BASE, { config: discovery }, async (_req, reply) => {
    protocolHeaders(reply);
    reply.header("tus-version", TUS_VERSION).header("tus-extension", TUS_EXTENSIONS);
    return reply.code(204).send();
  });

  app.post(BASE, async (req, reply) => {
    protocolHeaders(reply);
    return closingOnRefusal(req, reply, async () => {
      checkVersion(req, reply);
      const withBody = isTusBody(req);
      const length = byteCountHeader(req.headers["upload-length"], "Upload-Length");
      const rawMetadata = req.headers["upload-metadata"];
      const ctx = await contextOf(req, services);
      const upload: TusState = await services.tus.create(ctx, {
        length,
        metadata: parseMetadata(rawMetadata),
        rawMetadata: typeof rawMetadata === "string" ? rawMetadata : "",
      });
      reply.header("location", `${BASE}/${upload.id}`);
      let state: { offset: number; expires: Date } = upload;
      if (withBody) {
        const contentLength = byteCountHeader(req.headers["content-length"], "Content-Length");
        const result = await services.tus.append(ctx, upload.id, 0, contentLength, req.raw, () =>
          req.raw.destroy(),
        );
        state = { offset: result.upload.offset, expires: result.expires };
      }
      stateHeaders(reply, state);
      return reply.code(201).send();
    });
  });

  app.head<{ Params: Params }>(`${BASE}/:id`, async (req, reply) => {
    protocolHeaders(reply);
    checkVersion(req, reply);
    const upload = await services.tus.state(await contextOf(req, services), req.params.id);
    stateHeaders(reply, upload);
    reply.header("upload-length", String(upload.length));
    if (upload.metadata !== "") reply.header("upload-metadata", upload.metadata);
    return reply.code(200).send();
  });

  app.patch<{ Params: Params }>(`${BASE}/:id`, async (req, reply) => {
    protocolHeaders(reply);
    return closingOnRefusal(req, reply, async () => {
      checkVersion(req, reply);
      if (!isTusBody(req)) throw new ApiError(415, `Content-Type must be ${TUS_CONTENT_TYPE}.`);
      const offset = byteCountHeader(req.headers["upload-offset"], "Upload-Offset");
      if (offset === undefined) throw new ApiError(400, "Upload-Offset is required.");
      const contentLength = byteCountHeader(req.headers["content-length"], "Content-Length");
      const ctx = await contextOf(req, services);
      const result = await services.tus.append(ctx, req.params.id, offset, contentLength, req.raw, () =>
        req.raw.destroy(),
      );
      stateHeaders(reply, { offset: result.upload.offset, expires: result.expires });
      return reply.code(204).send();
    });
  });

  app.delete<{ Params: Params }>(`${BASE}/:id`, async (req, reply) => {
    protocolHeaders(reply);
    checkVersion(req, reply);
    await services.tus.terminate(await contextOf(req, services), req.params.id);
    return reply.code(204).send();
  });
}
