import type { ServerResponse } from "node:http";
import type { Transport } from "./client.js";

/**
 * Server-sent events on a raw Node response, framed as PocketBase frames them: `id:` (the client
 * id), `event:` (the topic), `data:` (one line of JSON). Writes never wait: Node queues what the
 * socket cannot take yet, and once that queue passes `maxBufferBytes` the reader is too slow and
 * the connection is destroyed, so one slow reader costs bounded memory and delays nobody.
 */
export class SseTransport implements Transport {
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly clientId: string,
    private readonly maxBufferBytes: number,
  ) {}

  /** The response head and the PB_CONNECT event that tells the client its id. */
  open(): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise hold events back in their buffers.
      "x-accel-buffering": "no",
    });
    this.send("PB_CONNECT", JSON.stringify({ clientId: this.clientId }));
  }

  send(topic: string, data: string): void {
    this.write(`id:${this.clientId}\nevent:${topic}\ndata:${data}\n\n`);
  }

  heartbeat(): void {
    this.write(":\n\n");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.end();
  }

  private write(frame: string): void {
    if (this.closed || this.res.destroyed) return;
    this.res.write(frame);
    if (this.res.writableLength > this.maxBufferBytes) {
      this.closed = true;
      this.res.destroy();
    }
  }
}
