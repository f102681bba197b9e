/** Limits of realtime connections; every one can be set by environment variable (milliseconds, bytes). */
export interface RealtimeOptions {
  /** A connection with no subscriptions for this long is closed (PocketBase: 5 minutes). */
  idleTimeoutMs: number;
  /** Any connection is closed after this long; clients reconnect (0 = never). */
  maxConnectionMs: number;
  /** How often an otherwise quiet connection gets a heartbeat (SSE comment, WebSocket ping). */
  heartbeatMs: number;
  /** Unsent bytes a connection may hold; a reader that falls further behind is disconnected. */
  maxBufferBytes: number;
  /** Subscriptions per client, and characters per subscription. */
  maxSubscriptions: number;
  maxTopicLength: number;
  /** How often bound auth records are re-read to catch revocations the outbox did not show. */
  authSweepMs: number;
  /**
   * Least time between the starts of two flush rounds of SSE output (one write per connection per
   * round; a round also waits its own length after the previous one ended): the first event after
   * a quiet spell goes out at once, a burst's events share writes (0 = every event-loop turn).
   */
  flushIntervalMs: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  idleTimeoutMs: 5 * 60_000,
  maxConnectionMs: 24 * 60 * 60_000,
  heartbeatMs: 30_000,
  maxBufferBytes: 1024 * 1024,
  maxSubscriptions: 1000,
  maxTopicLength: 2500,
  authSweepMs: 60_000,
  flushIntervalMs: 25,
};

const ENV: Record<keyof RealtimeOptions, string> = {
  idleTimeoutMs: "BACKROOM_REALTIME_IDLE_MS",
  maxConnectionMs: "BACKROOM_REALTIME_MAX_CONNECTION_MS",
  heartbeatMs: "BACKROOM_REALTIME_HEARTBEAT_MS",
  maxBufferBytes: "BACKROOM_REALTIME_BUFFER_BYTES",
  maxSubscriptions: "BACKROOM_REALTIME_MAX_SUBSCRIPTIONS",
  maxTopicLength: "BACKROOM_REALTIME_MAX_TOPIC_LENGTH",
  authSweepMs: "BACKROOM_REALTIME_AUTH_SWEEP_MS",
  flushIntervalMs: "BACKROOM_REALTIME_FLUSH_MS",
};

/** Defaults, overridden by environment variables with non-negative integer values. */
export function realtimeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RealtimeOptions {
  const options = { ...DEFAULT_REALTIME_OPTIONS };
  for (const key of Object.keys(ENV) as (keyof RealtimeOptions)[]) {
    const raw = env[ENV[key]];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`invalid ${ENV[key]}="${raw}"`);
    options[key] = value;
  }
  return options;
}
