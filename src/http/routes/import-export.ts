import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { exportRecords, parseExportFormat } from "../../import-export/export-records.js";
import { type ImportFormat, importRecords } from "../../import-export/import-records.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { collection: string };
type Query = { format?: string; filter?: string; search?: string };

const CSV_TYPES = ["text/csv"];
const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "application/jsonl"];

/**
 * `GET /api/collections/{c}/export?format=csv|ndjson&filter=` streams the records the requester
 * may list; `POST /api/collections/{c}/import` streams a CSV or NDJSON body into creates and
 * answers a report. See docs/API.md "Import and export".
 */
export function importExportRoutes(app: FastifyInstance, services: Services): void {
  const deps = { store: services.store, records: services.records, registry: services.registry };

  app.get<{ Params: Params; Querystring: Query }>(
    "/api/collections/:collection/export",
    async (req, reply) => {
      const collection = services.records.collection(req.params.collection);
      const format = parseExportFormat(single(req.query.format, "format"));
      const ctx = await contextOf(req, services);
      const pieces = exportRecords(deps, collection, ctx, {
        format,
        filter: single(req.query.filter, "filter") ?? "",
        search: single(req.query.search, "search") ?? "",
      });
      // The first piece before any header goes out: a bad filter or a refused rule stays a clean 4xx.
      const first = await pieces.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* pieces;
      }
      reply
        .header(
          "content-type",
          format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        )
        .header(
          "content-disposition",
          `attachment; filename="${collection.name}.${format === "csv" ? "csv" : "ndjson"}"`,
        );
      return reply.send(Readable.from(all()));
    },
  );

  // Import bodies are streams: parsed row by row by the import, never buffered whole.
  app.register(async (scope) => {
    for (const type of [...CSV_TYPES, ...NDJSON_TYPES])
      scope.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    scope.post<{ Params: Params; Querystring: Query }>("/api/collections/:collection/import", async (req) => {
      const collection = services.records.collection(req.params.collection);
      const format = importFormatOf(req, single(req.query.format, "format"));
      const ctx = await contextOf(req, services);
      return importRecords(services.records, collection, ctx, req.body as AsyncIterable<Uint8Array>, {
        format,
        maxDepth: services.config.jsonMaxDepth,
      });
    });
  });
}

function importFormatOf(req: FastifyRequest, query: string | undefined): ImportFormat {
  const type =
    String(req.headers["content-type"] ?? "")
      .split(";")[0]
      ?.trim()
      .toLowerCase() ?? "";
  const fromType = CSV_TYPES.includes(type) ? "csv" : NDJSON_TYPES.includes(type) ? "ndjson" : undefined;
  if (!fromType)
    throw badRequest("Send the rows as text/csv or application/x-ndjson.", {
      contentType: { code: "validation_invalid_value", message: "Not text/csv or application/x-ndjson." },
    });
  if (query !== undefined && query !== "" && query !== fromType)
    throw badRequest(`The format (${query}) doesn't match the Content-Type (${type}).`);
  return fromType;
}

/** A query parameter sent twice arrives as a list: refuse it rather than guess. */
function single(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw badRequest(`Send ${name} once.`);
}
