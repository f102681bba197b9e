import type pg from "pg";

export interface PgListenerOptions {
  url: string;
  /** Channel names (case-sensitive: they are LISTENed to quoted). */
  channels: string[];
  onNotification(channel: string, payload: string): void;
  /** After every (re)connect: notifications sent while the connection was away are lost. */
  onConnect?(): void;
  onError?(err: Error): void;
}

/**
 * A dedicated PostgreSQL connection that LISTENs on some channels. It reconnects a second after an
 * error or a lost connection, and calls `onConnect` whenever it is listening again, so its owner can
 * make up for what it missed.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: PgListenerOptions) {}

  /** Whether the connection is listening right now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

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
    const client = new driver.Client({ connectionString: this.options.url, connectionTimeoutMillis: 5000 });
    client.on("notification", (msg) => this.options.onNotification(msg.channel, msg.payload ?? ""));
    client.on("error", (err) => this.reconnectLater(client, err));
    client.on("end", () => this.reconnectLater(client));
    try {
      await client.connect();
      for (const channel of this.options.channels)
        await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch (err) {
      this.reconnectLater(client, err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.options.onConnect?.();
  }

  private reconnectLater(client: pg.Client, err?: Error): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    if (err) this.options.onError?.(err);
    this.client = undefined;
    client.end().catch(() => {});
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.connect().catch(() => {});
    }, 1000);
    this.retry.unref();
  }
}
