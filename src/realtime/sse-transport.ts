import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Transport } from "./client.js";
import type { EventFrame } from "./event-frame.js";
import type { Flushable, FlushRounds } from "./flush-rounds.js";

/** Queued output that is written at once rather than at the next flush round. */
const EARLY_FLUSH_BYTES = 64 * 1024;

/**
 * Server-sent events on a raw Node response, framed as PocketBase frames them: `id:` (the client
 * id), `event:` (the topic), `data:` (one line of JSON). Frames queued between two flush rounds
 * (`flush-rounds.ts`) leave in one write, straight to the socket as one HTTP chunk: the
 * response object would cost four buffered writes and a deferred flush per call, which at thousands
 * of streams is most of the fan-out's time. Writes never wait: Node queues what the socket cannot
 * take yet, and once that passes `maxBufferBytes` the reader is too slow and the connection is
 * destroyed, so one slow reader costs bounded memory and delays nobody.
 */
export class SseTransport implements Transport, Flushable {
  private closed = false;
  /** Frames not yet written, and their length in bytes. */
  private queued = "";
  private queuedBytes = 0;
  /** Whether the next flush round will call `flush`. */
  private inRound = false;
  private readonly idLine: string;

  constructor(
    private readonly res: ServerResponse,
    clientId: string,
    private readonly maxBufferBytes: number,
    private readonly rounds: FlushRounds,
    /** Told when the reader was too slow and the connection is cut. */
    private readonly onSlowDrop: () => void = () => {},
  ) {
    this.idLine = `id:${clientId}\n`;
  }

  /** The response head and the PB_CONNECT event that tells the client its id. */
  open(clientId: string): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      // Nothing on the way may keep a copy or transform (compress) the stream: a compressing proxy
      // holds events back until its compressor's buffer fills.
      "cache-control": "no-cache, no-store, no-transform",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise hold events back in their buffers.
      "x-accel-buffering": "no",
    });
    // Through the response: this write also sends the head and settles the body's framing.
    this.res.write(`${this.idLine}event:PB_CONNECT\ndata:${JSON.stringify({ clientId })}\n\n`);
  }

  send(frame: EventFrame): void {
    // The client id is ASCII (base64url), so its line's bytes are its characters.
    this.queue(this.idLine + frame.sse, this.idLine.length + frame.sseBytes);
  }

  heartbeat(): void {
    this.queue(":\n\n", 3);
  }

  close(): void {
    if (this.closed) return;
    this.writeQueued();
    this.closed = true;
    this.res.end();
  }

  /** Called by the flush round. */
  flush(): void {
    this.inRound = false;
    this.writeQueued();
  }

  private writeQueued(): void {
    const text = this.queued;
    const bytes = this.queuedBytes;
    this.queued = "";
    this.queuedBytes = 0;
    const socket = this.liveSocket();
    if (text === "" || !socket) return;
    // HTTP/1.1 responses without a length are chunked (HTTP/1.0 ones end when the connection does).
    socket.write(this.res.chunkedEncoding ? `${bytes.toString(16)}\r\n${text}\r\n` : text);
    if (socket.writableLength > this.maxBufferBytes) this.drop();
  }

  private queue(frame: string, bytes: number): void {
    if (this.closed) return;
    if (!this.inRound) {
      this.inRound = true;
      this.rounds.schedule(this);
    }
    this.queued += frame;
    this.queuedBytes += bytes;
    // Waiting for the round is a saving, not a limit: a big batch goes out now, so what is held
    // here stays small and only the socket's own backlog (a slow reader) counts against the bound.
    if (this.queuedBytes >= EARLY_FLUSH_BYTES) this.writeQueued();
  }

  private liveSocket(): Socket | undefined {
    const socket = this.res.socket;
    return this.closed || !socket || socket.destroyed ? undefined : socket;
  }

  private drop(): void {
    this.onSlowDrop();
    this.closed = true;
    this.queued = "";
    this.queuedBytes = 0;
    this.res.destroy();
  }
}
