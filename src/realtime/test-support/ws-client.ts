import type { Socket } from "node:net";
import WebSocket from "ws";

export type Frame = Record<string, unknown> & { type: string };

/** A WebSocket realtime client for tests: collects frames and waits for the ones it needs. */
export class WsClient {
  readonly frames: Frame[] = [];
  clientId = "";
  /** Reads on the TCP connection under the WebSocket: how many writes the server's frames came in. */
  reads = 0;
  private tcp: Socket | undefined;
  private listeners: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    // Counted from the first frame on: a 'data' listener added during the upgrade would start the
    // socket flowing before ws listens to it.
    socket.on("upgrade", (res) => {
      this.tcp = res.socket;
    });
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === "connect") this.clientId = String(frame.clientId);
      this.frames.push(frame);
      for (const l of this.listeners) l();
    });
    socket.on("close", () => {
      for (const l of this.listeners) l();
    });
  }

  static async open(baseUrl: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const url = new URL("/api/realtime/ws", baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const client = new WsClient(new WebSocket(url, { headers }));
    await client.next((f) => f.type === "connect");
    client.tcp?.on("data", () => {
      client.reads++;
    });
    return client;
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The first frame (seen or to come) that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(found);
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`no matching frame in ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      if (!check()) this.listeners.push(listener);
    });
  }

  events(): Frame[] {
    return this.frames.filter((f) => f.type === "event");
  }

  close(): void {
    this.socket.close();
  }
}
