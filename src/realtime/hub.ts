import { randomBytes } from "node:crypto";
import { resolveApiKey } from "../auth/api-keys/resolve-api-key.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { badRequest, forbidden, notFound } from "../errors/api-error.js";
import type { OutboxEntry } from "../events/outbox.js";
import type { RecordQuery } from "../records/record-query.js";
import type { Store } from "../store/store.js";
import { entitled } from "./authorize.js";
import { RealtimeClient, type Subscription, type Transport } from "./client.js";
import { FlushRounds } from "./flush-rounds.js";
import type { RemoteSubscriptions, SubscribeRequest } from "./forward-subscriptions.js";
import { DEFAULT_REALTIME_OPTIONS, type RealtimeOptions } from "./options.js";
import { identityKey, type Principal, principalOf, stillValid } from "./principal.js";
import { sendEach } from "./send-each.js";
import { parseTopic } from "./topic.js";

/** Hex characters of a node id at the start of each client id. */
const NODE_ID_LENGTH = 10;

export interface HubDeps {
  store: Store;
  registry: CollectionRegistry;
  query: RecordQuery;
}

/**
 * The transport-agnostic realtime hub: clients, their subscriptions, and per-subscriber delivery of
 * outbox events. Transports (SSE, WebSocket) only move bytes and report disconnects.
 *
 * Auth lapses are noticed without a query per event: expiry and the collection's token secret are
 * compared in memory on every event a client is a candidate for; tokenKey changes (password change)
 * and deletions of the bound record arrive as outbox events of the auth collection; a periodic sweep
 * re-reads bound records (one query per auth collection) for changes made around the outbox. A
 * client whose auth lapses continues as a guest, as PocketBase does when its auth record is deleted.
 */
export class RealtimeHub {
  readonly options: RealtimeOptions;
  /**
   * This node's id: the first NODE_ID_LENGTH characters of every client id it hands out, so any node
   * receiving a client's POST knows which node holds its stream.
   */
  readonly nodeId = randomBytes(NODE_ID_LENGTH / 2).toString("hex");
  /** Clients of other nodes (set on PostgreSQL, where several nodes may share the database). */
  remote: RemoteSubscriptions | undefined;
  /** Where SSE transports queue their output (one write per connection per round). */
  readonly flushRounds: FlushRounds;
  private readonly clients = new Map<string, RealtimeClient>();
  /** Subscriptions by lower-cased collection id or name, as the topic named it. */
  private readonly byCollection = new Map<string, Set<Subscription>>();
  /** Clients by the identity they are bound to. */
  private readonly byIdentity = new Map<string, Set<RealtimeClient>>();
  private timers: NodeJS.Timeout[] = [];
  private log: (message: string, err: unknown) => void = () => {};

  constructor(
    private readonly deps: HubDeps,
    options: Partial<RealtimeOptions> = {},
  ) {
    this.options = { ...DEFAULT_REALTIME_OPTIONS, ...options };
    this.flushRounds = new FlushRounds(() => this.options.flushIntervalMs);
  }

  setLogger(log: (message: string, err: unknown) => void): void {
    this.log = log;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Subscriptions held by this node's clients (counted when asked: metrics scrapes). */
  subscriptionCount(): number {
    let n = 0;
    for (const client of this.clients.values()) n += client.subscriptions.size;
    return n;
  }

  start(): void {
    if (this.timers.length > 0) return;
    const beat = setInterval(() => {
      for (const client of this.clients.values()) client.transport?.heartbeat();
    }, this.options.heartbeatMs);
    const sweep = setInterval(() => {
      this.sweepAuth().catch((err) => this.log("realtime auth sweep failed", err));
    }, this.options.authSweepMs);
    beat.unref();
    sweep.unref();
    this.timers.push(beat, sweep);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.disconnectAll();
  }

  /** Ends every connection (after a restore: clients reconnect and subscribe to the restored data). */
  disconnectAll(): void {
    for (const id of [...this.clients.keys()]) this.disconnect(id);
  }

  /** Registers a connection; `open` builds its transport once the client id is known. */
  connect(ip: string, open: (client: RealtimeClient) => Transport): RealtimeClient {
    const client = new RealtimeClient(this.nodeId + randomBytes(20).toString("base64url"), ip);
    this.clients.set(client.id, client);
    client.transport = open(client);
    this.armIdle(client);
    if (this.options.maxConnectionMs > 0) {
      client.lifeTimer = setTimeout(() => this.disconnect(client.id), this.options.maxConnectionMs);
      client.lifeTimer.unref();
    }
    return client;
  }

  /** Forgets a client and closes its transport; safe to call more than once. */
  disconnect(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) return;
    this.clients.delete(clientId);
    clearTimeout(client.idleTimer);
    clearTimeout(client.lifeTimer);
    for (const sub of client.subscriptions.values()) this.unindex(sub);
    client.subscriptions.clear();
    this.bind(client, null);
    client.transport?.close();
  }

  /**
   * PocketBase's POST /api/realtime, on whichever node holds the client: here, or forwarded to the
   * node its id names (which answers as it would a POST of its own). The Authorization header is
   * resolved where the client is, after the client is found there.
   */
  async subscribe(request: SubscribeRequest): Promise<void> {
    if (this.clients.has(request.clientId) || !this.remote) return this.applySubscribe(request);
    const owner = request.clientId.slice(0, NODE_ID_LENGTH);
    if (owner.length < NODE_ID_LENGTH || owner === this.nodeId || !/^[0-9a-f]+$/.test(owner))
      throw notFound("Missing or invalid client id.");
    return this.remote.forward(owner, request);
  }

  /** A POST for a client of this node (from this node's route or forwarded by another node). */
  async applySubscribe(request: SubscribeRequest): Promise<void> {
    const principal = await principalOf(request.authorization, this.deps);
    this.setSubscriptions(request.clientId, request.subscriptions, principal);
  }

  /**
   * Replaces a client's subscriptions (PocketBase's POST /api/realtime). A guest client takes the
   * caller's identity; a client bound to an identity refuses any other (403), guests included.
   */
  setSubscriptions(clientId: string, topics: readonly string[], principal: Principal | null): void {
    const client = this.clients.get(clientId);
    if (!client) throw notFound("Missing or invalid client id.");
    if (client.principal && identityKey(client.principal) !== identityKey(principal))
      throw forbidden("The current and the previous request authorization don't match.");
    const unique = [...new Set(topics)];
    if (unique.length > this.options.maxSubscriptions)
      throw badRequest(`At most ${this.options.maxSubscriptions} subscriptions per client.`);
    const parsed = unique.map((raw) => parseTopic(raw, this.options.maxTopicLength));
    // A fresh token of the same identity refreshes expiry and tokenKey.
    this.bind(client, principal);
    for (const sub of client.subscriptions.values()) this.unindex(sub);
    client.subscriptions.clear();
    for (const topic of parsed) {
      const sub: Subscription = { topic, client };
      client.subscriptions.set(topic.raw, sub);
      this.index(sub);
    }
    this.armIdle(client);
  }

  /** Delivers one committed event to every entitled subscriber. */
  async publish(entry: OutboxEntry): Promise<void> {
    const collection = this.deps.registry.get(entry.collectionId);
    if (!collection) return; // the collection is gone, and with it every rule about it
    if (collection.type === "auth") this.followAuthRecord(collection, entry);
    const candidates = this.candidates(collection, entry.recordId);
    if (candidates.length === 0) return;
    const now = Date.now();
    for (const sub of candidates) {
      const p = sub.client.principal;
      if (p && !stillValid(p, this.deps.registry, now)) this.bind(sub.client, null);
    }
    const record = { ...entry.record, id: entry.recordId };
    const allowed = await entitled(this.deps, collection, record, candidates, this.log);
    await sendEach(this.deps, collection, entry, allowed, this.log);
  }

  private candidates(collection: Collection, recordId: string): Subscription[] {
    const out: Subscription[] = [];
    const keys = new Set([collection.id.toLowerCase(), collection.name.toLowerCase()]);
    for (const key of keys) {
      for (const sub of this.byCollection.get(key) ?? []) {
        if (sub.topic.recordId === "*" || sub.topic.recordId === recordId) out.push(sub);
      }
    }
    return out;
  }

  /** Keeps bound clients in step with their auth record: a new tokenKey or a delete ends the binding. */
  private followAuthRecord(collection: Collection, entry: OutboxEntry): void {
    const clients = this.byIdentity.get(`${collection.id}/${entry.recordId}`);
    if (!clients) return;
    for (const client of [...clients]) {
      const p = client.principal;
      if (p?.kind !== "auth") continue;
      if (entry.action === "delete" || String(entry.record.tokenKey ?? "") !== p.tokenKey) {
        this.bind(client, null);
      } else {
        // Rules read @request.auth.* from the record as it is now.
        // A new AuthState (not a spread of the old one), so no view of the old record is carried over.
        const auth = {
          record: { ...entry.record, id: entry.recordId },
          collection: p.auth.collection,
          isSuperuser: p.auth.isSuperuser,
        };
        client.setPrincipal({ ...p, auth });
      }
    }
  }

  /** Re-reads every bound auth record (one query per auth collection) and every bound API key. */
  private async sweepAuth(): Promise<void> {
    const byCollection = new Map<string, RealtimeClient[]>();
    for (const client of this.clients.values()) {
      const p = client.principal;
      if (p?.kind === "apiKey") {
        if (!(await resolveApiKey(this.deps.store, p.key))) this.bind(client, null);
        continue;
      }
      if (p?.kind !== "auth") continue;
      const list = byCollection.get(p.auth.collection.id) ?? [];
      list.push(client);
      byCollection.set(p.auth.collection.id, list);
    }
    const now = Date.now();
    for (const [collectionId, clients] of byCollection) {
      const collection = this.deps.registry.get(collectionId);
      const ids = clients.map((c) => (c.principal as Extract<Principal, { kind: "auth" }>).auth.record.id);
      const rows = collection ? await this.deps.query.findMany(collection, [...new Set(ids)]) : [];
      const tokenKeys = new Map(rows.map((r) => [r.id, String(r.tokenKey ?? "")]));
      for (const client of clients) {
        const p = client.principal;
        if (p?.kind !== "auth") continue;
        if (tokenKeys.get(p.auth.record.id) !== p.tokenKey || !stillValid(p, this.deps.registry, now))
          this.bind(client, null);
      }
    }
  }

  private bind(client: RealtimeClient, principal: Principal | null): void {
    const before = identityKey(client.principal);
    const after = identityKey(principal);
    if (before !== after && before !== "") {
      const set = this.byIdentity.get(before);
      set?.delete(client);
      if (set?.size === 0) this.byIdentity.delete(before);
    }
    if (after !== "" && before !== after) {
      const set = this.byIdentity.get(after) ?? new Set();
      set.add(client);
      this.byIdentity.set(after, set);
    }
    client.setPrincipal(principal);
  }

  private index(sub: Subscription): void {
    const key = sub.topic.collectionKey;
    if (key === "") return;
    const set = this.byCollection.get(key) ?? new Set();
    set.add(sub);
    this.byCollection.set(key, set);
  }

  private unindex(sub: Subscription): void {
    const set = this.byCollection.get(sub.topic.collectionKey);
    set?.delete(sub);
    if (set?.size === 0) this.byCollection.delete(sub.topic.collectionKey);
  }

  /** A client without subscriptions is closed after the idle timeout (forgotten connections). */
  private armIdle(client: RealtimeClient): void {
    clearTimeout(client.idleTimer);
    client.idleTimer = undefined;
    if (client.subscriptions.size > 0 || this.options.idleTimeoutMs <= 0) return;
    client.idleTimer = setTimeout(() => this.disconnect(client.id), this.options.idleTimeoutMs);
    client.idleTimer.unref();
  }
}
