import http from "node:http";

export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/**
 * A bare SSE reader over node:http, light enough to open a thousand of and able to stop reading
 * (a slow client). Parses `id:`/`event:`/`data:` frames as they arrive.
 */
export class RawSse {
  readonly events: SseEvent[] = [];
  clientId = "";
  closed = false;
  private request: http.ClientRequest | undefined;
  private response: http.IncomingMessage | undefined;
  private listeners: (() => void)[] = [];

  static async open(baseUrl: string, agent?: http.Agent): Promise<RawSse> {
    const sse = new RawSse();
    await sse.connect(baseUrl, agent);
    return sse;
  }

  private connect(baseUrl: string, agent?: http.Agent): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffer = "";
      this.request = http.get(new URL("/api/realtime", baseUrl), { ...(agent ? { agent } : {}) }, (res) => {
        this.response = res;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = parseFrame(frame);
            if (!event) continue;
            if (event.event === "PB_CONNECT") {
              this.clientId = event.id;
              resolve();
            }
            this.events.push(event);
            for (const l of this.listeners) l();
          }
        });
        res.on("close", () => {
          this.closed = true;
          for (const l of this.listeners) l();
        });
      });
      this.request.on("error", (err) => {
        this.closed = true;
        reject(err);
      });
    });
  }

  /** Stops reading: the socket's buffers fill and the server sees a slow reader. */
  pause(): void {
    this.response?.pause();
    this.response?.socket.pause();
  }

  close(): void {
    this.request?.destroy();
  }

  /** Resolves when `predicate` holds (checked on every frame and on close). */
  until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out; ${this.events.length} events, closed=${this.closed}`));
      }, timeoutMs);
      this.listeners.push(check);
    });
  }
}

function parseFrame(frame: string): SseEvent | undefined {
  const out: SseEvent = { event: "message", id: "", data: "" };
  let any = false;
  for (const line of frame.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") out.event = value;
    else if (field === "id") out.id = value;
    else if (field === "data") out.data += value;
    any = true;
  }
  return any ? out : undefined;
}
