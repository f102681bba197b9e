import type * as OtelApi from "@opentelemetry/api";

/** Tracing while on: the OpenTelemetry API and Backroom's tracer. */
export interface Tracing {
  readonly api: typeof OtelApi;
  readonly tracer: OtelApi.Tracer;
  /** Sends the spans still buffered (on close: the exporter batches them). */
  flush(): Promise<void>;
}

let current: Promise<Tracing | undefined> | undefined;
let started: Tracing | undefined;

/** Whether the environment asks for traces: an OTLP endpoint named the standard way, the SDK not disabled. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts OpenTelemetry tracing once per process when the environment asks for it, else does nothing:
 * the SDK and the exporter are imported only then, so a server without tracing never loads them.
 * The exporter reads the standard variables itself (OTEL_EXPORTER_OTLP_ENDPOINT, …_HEADERS,
 * …_TRACES_ENDPOINT; OTLP over HTTP with JSON), as the batch processor does (OTEL_BSP_*).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  current ??= tracingRequested(env) ? load(env) : Promise.resolve(undefined);
  return current;
}

/** Tracing if it was started (a synchronous read for hot paths). */
export function activeTracing(): Tracing | undefined {
  return started;
}

async function load(env: NodeJS.ProcessEnv): Promise<Tracing> {
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, resources] =
    await Promise.all([
      import("@opentelemetry/api"),
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || "backroom" }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Registers the W3C trace-context propagator and the AsyncLocalStorage context manager.
  provider.register();
  started = {
    api,
    tracer: api.trace.getTracer("backroom"),
    flush: () => provider.forceFlush(),
  };
  return started;
}
