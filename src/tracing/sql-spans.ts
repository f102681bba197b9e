import type { QueryTap } from "../store/query-tap.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Tracing } from "./tracing.js";

/**
 * A client span for every statement run inside a traced operation (a request, a job): its text
 * with placeholders, never the values bound to them. Statements outside any span (background polls)
 * start no trace of their own.
 */
export function traceStatements(
  queries: QueryTap,
  dialect: DialectName,
  { api, tracer }: Tracing,
): () => void {
  const system = dialect === "postgres" ? "postgresql" : "sqlite";
  return queries.listen((event) => {
    const parent = api.context.active();
    if (!api.trace.getSpan(parent)) return;
    const end = Date.now();
    const operation = event.sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? "SQL";
    const span = tracer.startSpan(
      operation,
      {
        kind: api.SpanKind.CLIENT,
        startTime: end - event.durationMs,
        attributes: { "db.system": system, "db.operation": operation, "db.statement": event.sql },
      },
      parent,
    );
    if (event.failed) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end(end);
  });
}
