import type { RequestContext } from "../records/request-context.js";
import type { EventFrame } from "./event-frame.js";
import { type Principal, realtimeContext } from "./principal.js";
import { ruleKeyOf } from "./rule-key.js";
import { dataKeyOf } from "./serialize-event.js";
import type { Topic } from "./topic.js";

/** How the hub reaches one connection; SSE and WebSocket implement it. */
export interface Transport {
  /** Queues one event; the frame is shared with other subscribers, so it is never changed. */
  send(frame: EventFrame): void;
  /** Keeps a quiet connection (and the proxies on its way) from timing out. */
  heartbeat(): void;
  /** Ends the connection; the transport reports the end through the hub's `disconnect`. */
  close(): void;
}

export interface Subscription {
  topic: Topic;
  client: RealtimeClient;
  /** Set by `RealtimeClient.viewOf`; stale once the client's principal changed. */
  view?: SubscriberView;
}

/**
 * What rules and serialization need to know about one subscription, worked out once and reused for
 * every event until the client's principal changes: its request context, and the keys under which
 * subscribers that must get the same rule answer (`ruleKey`) or the same bytes (`dataKey`) are
 * grouped, so each event is checked and serialized once per group rather than once per subscriber.
 */
export interface SubscriberView {
  epoch: number;
  ctx: RequestContext;
  ruleKey: string;
  dataKey: string;
}

/** One realtime connection: who it speaks for and what it listens to. */
export class RealtimeClient {
  principal: Principal | null = null;
  readonly subscriptions = new Map<string, Subscription>();
  transport: Transport | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  lifeTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever the principal changes; views of older epochs are rebuilt. */
  private epoch = 0;

  constructor(
    readonly id: string,
    readonly ip: string,
  ) {}

  /** The view of one of this client's subscriptions, cached until the principal changes. */
  viewOf(sub: Subscription): SubscriberView {
    const cached = sub.view;
    if (cached && cached.epoch === this.epoch) return cached;
    const { topic } = sub;
    const ctx = realtimeContext(this.principal, this.ip, topic.query, topic.headers);
    const view = {
      epoch: this.epoch,
      ctx,
      ruleKey: ruleKeyOf(topic, ctx),
      dataKey: dataKeyOf(topic, ctx, this.principal),
    };
    sub.view = view;
    return view;
  }

  setPrincipal(principal: Principal | null): void {
    this.principal = principal;
    this.epoch++;
  }
}
