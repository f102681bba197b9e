import { ApiError, type IssueMap, notFound } from "../errors/api-error.js";
import { classifyDependencyError, dependencyApiError } from "../errors/dependency-errors.js";
import { PgListener } from "../events/pg-listener.js";
import {
  answerForward,
  claimForward,
  dropStaleForwards,
  forwardReply,
  postForward,
  takeForward,
  unclaimedForwards,
} from "../store/postgres/realtime-forwards.js";
import type { Db } from "../store/store.js";

/** A `POST /api/realtime`, as the node holding the client's stream needs it. */
export interface SubscribeRequest {
  clientId: string;
  subscriptions: string[];
  /** The POST's Authorization header: the client's node resolves it, exactly as for a local POST. */
  authorization?: string;
}

/** How the hub reaches clients connected to other nodes. */
export interface RemoteSubscriptions {
  /** Applies the request on node `nodeId`; throws its answer's ApiError (404 when it has no such client). */
  forward(nodeId: string, request: SubscribeRequest): Promise<void>;
}

export interface ForwarderDeps {
  /** The primary's pool. */
  db: Db;
  /** Where this node LISTENs (a connection of its own). */
  listenUrl: string;
  /** This node's id (the first characters of its client ids). */
  nodeId: string;
  /** Applies a request for a client of this node, as a local POST would (throws ApiErrors). */
  apply(request: SubscribeRequest): Promise<void>;
  /** How long a request may wait for its node to take it before the answer is 404 (default 2 s). */
  takeTimeoutMs?: number;
  /** How long more once taken (the node is working on it) before the answer is 503 (default 5 s). */
  answerTimeoutMs?: number;
  log?(message: string, err: unknown): void;
}

/** The channel a node listens on for requests and answers. */
export const forwardChannel = (nodeId: string) => `backroom_rt_${nodeId}`;

interface Answer {
  status: number;
  message?: string;
  data?: IssueMap;
}

/**
 * `POST /api/realtime` across nodes: a balancer may send the SDK's POST to any node, while the
 * client's stream (and its subscriptions) live on the node that took its `GET`. Client ids start
 * with their node's id, so the receiving node knows where to send the request: it stores it as a
 * row and NOTIFYs that node's channel with the row's id; the owner takes the row (once), applies it
 * with the POST's own Authorization header (the same checks as a local POST: a client bound to a
 * user refuses any other identity), stores its answer and NOTIFYs back. The POST is answered only
 * then, with the owner's answer: 204, 403, 400… When no node takes the request in time (the
 * owner is gone, or never existed), the sender withdraws it — a taken request can't be withdrawn,
 * an withdrawn one can't be taken — and answers 404, as PocketBase does for an unknown client.
 */
export class SubscriptionForwarder implements RemoteSubscriptions {
  private readonly listener: PgListener;
  private readonly waiters = new Map<string, () => void>();
  /** Answers announced before their waiter was set (kept briefly). */
  private readonly early = new Set<string>();
  private readonly takeTimeoutMs: number;
  private readonly answerTimeoutMs: number;

  constructor(private readonly deps: ForwarderDeps) {
    this.takeTimeoutMs = deps.takeTimeoutMs ?? 2000;
    this.answerTimeoutMs = deps.answerTimeoutMs ?? 5000;
    this.listener = new PgListener({
      url: deps.listenUrl,
      channels: [forwardChannel(deps.nodeId)],
      onNotification: (_channel, payload) => this.notified(payload),
      onConnect: () => this.catchUp(),
      onError: (err) => this.log("realtime forwarding: LISTEN connection lost", err),
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
  }

  /** On every (re)connect: requests announced while this node wasn't listening are still served. */
  private catchUp(): void {
    const { db, nodeId } = this.deps;
    dropStaleForwards(db)
      .then(() => unclaimedForwards(db, nodeId))
      .then((ids) => Promise.all(ids.map((id) => this.serve(id))))
      .catch((err) => this.log("realtime forwarding: catching up failed", err));
  }

  stop(): Promise<void> {
    for (const wake of this.waiters.values()) wake();
    return this.listener.stop();
  }

  async forward(nodeId: string, request: SubscribeRequest): Promise<void> {
    const { db } = this.deps;
    const body = JSON.stringify({ ...request, from: this.deps.nodeId });
    const id = await postForward(db, nodeId, forwardChannel(nodeId), body);
    let outcome: Awaited<ReturnType<typeof takeForward>>;
    if (await this.answered(id, this.takeTimeoutMs)) {
      outcome = await takeForward(db, id);
    } else {
      // Withdrawn unless taken: then no node will ever apply it.
      if (await takeForward(db, id, { onlyUnclaimed: true })) throw notFound("Missing or invalid client id.");
      // Taken: its node is on it. Its answer's NOTIFY may have been lost, so look at the row too.
      const deadline = Date.now() + this.answerTimeoutMs;
      while (Date.now() < deadline && (await forwardReply(db, id)) === null) await this.answered(id, 100);
      outcome = await takeForward(db, id);
    }
    if (!outcome?.reply)
      throw new ApiError(503, "The node holding this realtime connection did not answer. Try again.");
    const answer = JSON.parse(outcome.reply) as Answer;
    if (answer.status !== 204) throw new ApiError(answer.status, answer.message ?? "", answer.data ?? {});
  }

  private notified(payload: string): void {
    const id = payload.slice(2);
    if (payload.startsWith("q:")) {
      this.serve(id).catch((err) => this.log("realtime forwarding: a forwarded request failed", err));
    } else if (payload.startsWith("r:")) {
      const wake = this.waiters.get(id);
      if (wake) wake();
      else this.rememberEarly(id);
    }
  }

  /** Takes and applies a request for one of this node's clients, then answers it. */
  private async serve(id: string): Promise<void> {
    const text = await claimForward(this.deps.db, id);
    if (text === undefined) return; // withdrawn by its sender
    const request = JSON.parse(text) as SubscribeRequest & { from: string };
    let answer: Answer = { status: 204 };
    try {
      await this.deps.apply({
        clientId: request.clientId,
        subscriptions: request.subscriptions,
        ...(request.authorization !== undefined ? { authorization: request.authorization } : {}),
      });
    } catch (err) {
      const e = asApiError(err);
      answer = { status: e.status, message: e.message, data: e.data };
    }
    await answerForward(this.deps.db, id, forwardChannel(request.from), JSON.stringify(answer));
  }

  /** Resolves true once the answer to `id` is announced, false after `ms`. */
  private answered(id: string, ms: number): Promise<boolean> {
    if (this.early.delete(id)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve(false);
      }, ms);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(true);
      });
    });
  }

  private rememberEarly(id: string): void {
    this.early.add(id);
    setTimeout(() => this.early.delete(id), this.takeTimeoutMs + this.answerTimeoutMs).unref();
  }

  private log(message: string, err: unknown): void {
    this.deps.log?.(message, err);
  }
}

/** What the POST would have answered on the owner's node. */
function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const problem = classifyDependencyError(err);
  return problem
    ? dependencyApiError(problem)
    : new ApiError(500, "Something went wrong while processing your request.");
}
