import type pg from "pg";

export const OUTBOX_CHANNEL = "backroom_outbox";

/**
 * A dedicated PostgreSQL connection that LISTENs for outbox commits of one schema (the trigger of
 * system migration 0003 notifies with the schema name) and calls `wake`. It reconnects after
 * errors and wakes once on every (re)connect, since notifications sent while it was away are lost.
 */
export class PgWakeups {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly schema: string,
    private readonly wake: () => void,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    // Imported here: only PostgreSQL deployments load the driver.
    const { default: driver } = await import("pg");
    const client = new driver.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    client.on("notification", (msg) => {
      if (msg.channel === OUTBOX_CHANNEL && msg.payload === this.schema) this.wake();
    });
    client.on("error", (err) => this.reconnectLater(client, err));
    client.on("end", () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      this.reconnectLater(client, err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.wake();
  }

  private reconnectLater(client: pg.Client, err?: Error): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    if (err) this.onError(err);
    this.client = undefined;
    client.end().catch(() => {});
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.connect().catch(() => {});
    }, 1000);
    this.retry.unref();
  }
}
