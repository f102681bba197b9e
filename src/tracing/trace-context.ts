import type { Attributes, Link } from "@opentelemetry/api";
import { activeTracing } from "./tracing.js";

/**
 * The current span's W3C `traceparent`, to store with work done later (an outbox event, a job) or
 * to send on (a webhook); null when tracing is off or nothing is being traced.
 */
export function currentTraceparent(): string | null {
  const tracing = activeTracing();
  if (!tracing) return null;
  const { api } = tracing;
  if (!api.trace.getActiveSpan()) return null;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent ?? null;
}

export interface SpanOptions {
  kind?: "internal" | "client" | "consumer";
  attributes?: Attributes;
  /** A stored `traceparent` this work links back to (the request that enqueued it). */
  linkTo?: string | null;
  /** Start a trace of its own (linked to `linkTo`) rather than a child of the current span. */
  root?: boolean;
}

/**
 * Runs `fn` inside a new span while tracing is on (a failure marks the span and is rethrown); with
 * tracing off it is `fn()` and nothing else.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  const tracing = activeTracing();
  if (!tracing) return fn();
  const { api, tracer } = tracing;
  const links: Link[] = [];
  if (options.linkTo) {
    const linked = api.trace.getSpanContext(
      api.propagation.extract(api.ROOT_CONTEXT, { traceparent: options.linkTo }),
    );
    if (linked) links.push({ context: linked });
  }
  const kind =
    options.kind === "client"
      ? api.SpanKind.CLIENT
      : options.kind === "consumer"
        ? api.SpanKind.CONSUMER
        : api.SpanKind.INTERNAL;
  const parent = options.root ? api.ROOT_CONTEXT : api.context.active();
  const span = tracer.startSpan(name, { kind, links, attributes: options.attributes ?? {} }, parent);
  try {
    return await api.context.with(api.trace.setSpan(parent, span), fn);
  } catch (err) {
    span.setStatus({
      code: api.SpanStatusCode.ERROR,
      message: err instanceof Error ? err.message : String(err),
    });
    throw err;
  } finally {
    span.end();
  }
}

/** `fn()` in a span while tracing is on, for synchronous work (compiling a rule); else just `fn()`. */
export function inSyncSpan<T>(name: string, attributes: Attributes, fn: () => T): T {
  const tracing = activeTracing();
  if (!tracing?.api.trace.getActiveSpan()) return fn();
  const span = tracing.tracer.startSpan(name, { attributes });
  try {
    return fn();
  } catch (err) {
    span.setStatus({ code: tracing.api.SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}
