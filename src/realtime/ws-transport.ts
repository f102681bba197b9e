import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { Transport } from "./client.js";
import type { EventFrame } from "./event-frame.js";
import type { Flushable, FlushRounds } from "./flush-rounds.js";

/** Queued output that is written at once rather than at the next flush round. */
const EARLY_FLUSH_BYTES = 64 * 1024;

/**
 * Realtime over WebSocket: the same topics, options and event data as SSE, as JSON text frames
 * (docs/API.md, "WebSocket realtime"). Events are queued and sent in the hub's flush rounds
 * (`flush-rounds.ts`), as SSE output is: each event is still one WebSocket message, but the TCP
 * socket is corked while a round's messages are framed, so they leave in one write system call
 * instead of one per event (at thousands of sockets those calls are most of the fan-out's cost).
 * Like SSE it never waits on a slow reader: past `maxBufferBytes` of unsent data the socket is
 * terminated.
 */
export class WsTransport implements Transport, Flushable {
  /** Event messages not yet sent, and their length in characters. */
  private queued: string[] = [];
  private queuedLength = 0;
  /** Whether the next flush round will call `flush`. */
  private inRound = false;

  constructor(
    private readonly socket: WebSocket,
    /** The upgraded TCP connection under `socket`, corked around a round's messages. */
    private readonly tcp: Socket,
    private readonly maxBufferBytes: number,
    private readonly rounds: FlushRounds,
    /** Told when the reader was too slow and the socket is terminated. */
    private readonly onSlowDrop: () => void = () => {},
  ) {}

  /** The first frame: the client id, as PB_CONNECT gives it over SSE. */
  open(clientId: string): void {
    this.sendNow([JSON.stringify({ type: "connect", clientId })]);
  }

  send(frame: EventFrame): void {
    if (!this.isOpen()) return;
    if (!this.inRound) {
      this.inRound = true;
      this.rounds.schedule(this);
    }
    const text = frame.ws;
    this.queued.push(text);
    this.queuedLength += text.length;
    if (this.queuedLength >= EARLY_FLUSH_BYTES) this.sendQueued();
  }

  /**
   * A reply to a client frame: `{"type":"subscribed",…}` or `{"type":"error",…}`. Events queued
   * before it go first, so the client sees replies and events in the order they happened.
   */
  reply(message: Record<string, unknown>): void {
    this.queued.push(JSON.stringify(message));
    this.sendQueued();
  }

  heartbeat(): void {
    if (this.isOpen()) this.socket.ping();
  }

  close(): void {
    this.sendQueued();
    if (this.isOpen()) this.socket.close(1000, "closed by server");
  }

  /** Called by the flush round. */
  flush(): void {
    this.inRound = false;
    this.sendQueued();
  }

  private sendQueued(): void {
    const messages = this.queued;
    this.queued = [];
    this.queuedLength = 0;
    if (messages.length > 0) this.sendNow(messages);
  }

  private sendNow(messages: readonly string[]): void {
    if (!this.isOpen()) return;
    // Without compression (the server's setting) ws frames each message synchronously, so
    // everything written while corked goes out in one writev when the socket is uncorked.
    this.tcp.cork();
    try {
      for (const text of messages) this.socket.send(text);
    } finally {
      this.tcp.uncork();
    }
    if (this.socket.bufferedAmount > this.maxBufferBytes) {
      this.onSlowDrop();
      this.queued = [];
      this.socket.terminate();
    }
  }

  private isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}
