import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { notFound } from "../../errors/api-error.js";
import { parseRange } from "../../files/byte-range.js";
import { type DownloadTarget, findDownload } from "../../files/download-target.js";
import { signFileToken } from "../../files/file-token.js";
import { contentDisposition, servePolicy, wantsDownload } from "../../files/serve-policy.js";
import { SNIFF_BYTES, sniffContentType } from "../../files/sniff.js";
import { type FileStorage, type StoredObject, thumbKey } from "../../files/storage.js";
import { parseThumb, THUMB_SOURCE_TYPES, Thumbnails, thumbAllowed } from "../../files/thumbs.js";
import { contextOf, requireAuth } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { collection: string; recordId: string; filename: string };
type Query = { thumb?: string; token?: string; download?: string };

const PUBLIC_CACHE = "max-age=2592000, stale-while-revalidate=86400";
const PRIVATE_CACHE = "private, no-store";

/** The files API: downloads (with thumbs, ranges, conditional requests) and file tokens. */
export function fileRoutes(app: FastifyInstance, services: Services): void {
  const storage = services.files;
  const thumbs = new Thumbnails(storage);
  const deps = { registry: services.registry, query: services.records.query };

  app.post("/api/files/token", async (req) => {
    const ctx = await requireAuth(req, services);
    return { token: await signFileToken(ctx.auth as NonNullable<typeof ctx.auth>) };
  });

  app.get<{ Params: Params; Querystring: Query }>(
    "/api/files/:collection/:recordId/:filename",
    async (req, reply) => {
      const target = await findDownload(
        deps,
        req.params,
        typeof req.query.token === "string" ? req.query.token : "",
        await contextOf(req, services),
      );
      let object = await storage.stat(target.key);
      if (!object) throw notFound();
      let contentType = object.contentType ?? (await sniffStored(storage, object));
      const thumb = typeof req.query.thumb === "string" ? req.query.thumb : "";
      if (thumb !== "" && THUMB_SOURCE_TYPES.has(contentType) && thumbAllowed(target.field, thumb)) {
        const made = await thumbFor(storage, thumbs, target, thumb, contentType);
        if (made) object = made;
        else contentType = object.contentType ?? contentType;
      }
      return sendObject(req, reply, storage, object, {
        contentType,
        filename: target.filename,
        forceDownload: wantsDownload(req.query.download),
        cache: target.field.protected ? PRIVATE_CACHE : PUBLIC_CACHE,
      });
    },
  );
}

/** The thumb's stored object, made if needed; null when the source can't be thumbed (serve it as is). */
async function thumbFor(
  storage: FileStorage,
  thumbs: Thumbnails,
  target: DownloadTarget,
  spec: string,
  contentType: string,
): Promise<StoredObject | null> {
  const parsed = parseThumb(spec);
  if (!parsed) return null;
  const key = thumbKey(target.collection.id, target.recordId, target.filename, spec);
  if (!(await thumbs.ensure(target.key, key, parsed, contentType))) return null;
  return storage.stat(key);
}

/** Local files carry no type: it is decided from their first bytes, as on upload. */
async function sniffStored(storage: FileStorage, object: StoredObject): Promise<string> {
  if (object.size === 0) return sniffContentType(new Uint8Array());
  const stream = await storage.read(object.key, { start: 0, end: Math.min(object.size, SNIFF_BYTES) - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return sniffContentType(Buffer.concat(chunks));
}

interface SendOptions {
  contentType: string;
  filename: string;
  forceDownload: boolean;
  cache: string;
}

async function sendObject(
  req: FastifyRequest,
  reply: FastifyReply,
  storage: FileStorage,
  object: StoredObject,
  opts: SendOptions,
) {
  // Stored names are unique and files never change in place: size + time identify the bytes.
  const etag = `"${object.size.toString(36)}-${object.modified.getTime().toString(36)}"`;
  const policy = servePolicy(opts.contentType, opts.forceDownload);
  reply
    .header("etag", etag)
    .header("cache-control", opts.cache)
    .header("x-content-type-options", "nosniff")
    .header("accept-ranges", "bytes")
    .header("content-disposition", contentDisposition(policy.disposition, opts.filename));
  if (policy.contentType !== "application/pdf")
    reply.header("content-security-policy", "default-src 'none'; img-src data:; media-src 'self'; sandbox");
  if (etagMatches(req.headers["if-none-match"], etag)) return reply.code(304).send();

  const ifRange = req.headers["if-range"];
  const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
  const range = parseRange(rangeHeader, object.size);
  reply.type(policy.contentType);
  if (range === "unsatisfiable") {
    return reply.code(416).header("content-range", `bytes */${object.size}`).send();
  }
  if (range) {
    reply
      .code(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${object.size}`)
      .header("content-length", range.end - range.start + 1);
    return reply.send(await storage.read(object.key, range));
  }
  reply.header("content-length", object.size);
  if (object.size === 0) return reply.send("");
  return reply.send(await storage.read(object.key));
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === etag || t === "*");
}
