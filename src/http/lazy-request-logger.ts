import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions } from "fastify/types/logger.js";

type LogMethod = FastifyBaseLogger["info"];

/**
 * The per-request logger (`request.log`), created only when a request actually logs something.
 * Fastify otherwise builds a pino child logger for every request, which showed up in profiles of
 * the hot read path even though nearly all requests log nothing.
 */
export class LazyRequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.parent.level;
  }

  // Methods on the prototype, not arrow fields: a request that never logs allocates nothing else.
  private logger(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings, this.options);
    return this.real;
  }

  fatal(...args: Parameters<LogMethod>): void {
    this.logger().fatal(...args);
  }
  error(...args: Parameters<LogMethod>): void {
    this.logger().error(...args);
  }
  warn(...args: Parameters<LogMethod>): void {
    this.logger().warn(...args);
  }
  info(...args: Parameters<LogMethod>): void {
    this.logger().info(...args);
  }
  debug(...args: Parameters<LogMethod>): void {
    this.logger().debug(...args);
  }
  trace(...args: Parameters<LogMethod>): void {
    this.logger().trace(...args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`, handing out lazy request loggers. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
