import type { RequestContext } from "../records/request-context.js";
import { type Principal, realtimeContext } from "./principal.js";
import type { Topic } from "./topic.js";

/** How the hub reaches one connection; SSE and WebSocket implement it. */
export interface Transport {
  /** Queues one event named by its subscription topic, with its JSON data. */
  send(topic: string, data: string): void;
  /** Keeps a quiet connection (and the proxies on its way) from timing out. */
  heartbeat(): void;
  /** Ends the connection; the transport reports the end through the hub's `disconnect`. */
  close(): void;
}

export interface Subscription {
  topic: Topic;
  client: RealtimeClient;
}

/** One realtime connection: who it speaks for and what it listens to. */
export class RealtimeClient {
  principal: Principal | null = null;
  readonly subscriptions = new Map<string, Subscription>();
  transport: Transport | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  lifeTimer: NodeJS.Timeout | undefined;
  private contexts = new WeakMap<Topic, RequestContext>();

  constructor(
    readonly id: string,
    readonly ip: string,
  ) {}

  /** The context of one subscription, cached until the principal changes. */
  contextFor(topic: Topic): RequestContext {
    let ctx = this.contexts.get(topic);
    if (!ctx) {
      ctx = realtimeContext(this.principal, this.ip, topic.query, topic.headers);
      this.contexts.set(topic, ctx);
    }
    return ctx;
  }

  setPrincipal(principal: Principal | null): void {
    this.principal = principal;
    this.contexts = new WeakMap();
  }
}
