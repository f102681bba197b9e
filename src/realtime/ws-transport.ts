import type { WebSocket } from "ws";
import type { Transport } from "./client.js";
import type { EventFrame } from "./event-frame.js";

/**
 * Realtime over WebSocket: the same topics, options and event data as SSE, as JSON text frames
 * (docs/API.md, "WebSocket realtime"). Like SSE it never waits on a slow reader: past
 * `maxBufferBytes` of unsent data the socket is terminated.
 */
export class WsTransport implements Transport {
  constructor(
    private readonly socket: WebSocket,
    private readonly maxBufferBytes: number,
  ) {}

  /** The first frame: the client id, as PB_CONNECT gives it over SSE. */
  open(clientId: string): void {
    this.write(JSON.stringify({ type: "connect", clientId }));
  }

  send(frame: EventFrame): void {
    this.write(frame.ws);
  }

  /** A reply to a client frame: `{"type":"subscribed",…}` or `{"type":"error",…}`. */
  reply(message: Record<string, unknown>): void {
    this.write(JSON.stringify(message));
  }

  heartbeat(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1000, "closed by server");
  }

  private write(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(text);
    if (this.socket.bufferedAmount > this.maxBufferBytes) this.socket.terminate();
  }
}
