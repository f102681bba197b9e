import { PgListener } from "./pg-listener.js";

export const OUTBOX_CHANNEL = "backroom_outbox";

/**
 * A dedicated PostgreSQL connection that LISTENs for outbox commits of one schema (the trigger of
 * system migration 0003 notifies with the schema name) and calls `wake`. It reconnects after
 * errors and wakes once on every (re)connect, since notifications sent while it was away are lost.
 */
export class PgWakeups {
  private readonly listener: PgListener;

  constructor(url: string, schema: string, wake: () => void, onError: (err: Error) => void = () => {}) {
    this.listener = new PgListener({
      url,
      channels: [OUTBOX_CHANNEL],
      onNotification: (channel, payload) => {
        if (channel === OUTBOX_CHANNEL && payload === schema) wake();
      },
      onConnect: wake,
      onError,
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
