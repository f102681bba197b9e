import net from "node:net";

/**
 * An SSE reader on a bare socket that checks the HTTP framing itself: the status line and headers,
 * then (for HTTP/1.1) every chunk's declared size against the bytes that follow it. It keeps each
 * chunk, so a test can see how events were grouped into writes.
 */
export class ChunkedSse {
  head = "";
  /** Body chunks as sent (HTTP/1.1), or body reads (HTTP/1.0, which has no chunks). */
  readonly chunks: string[] = [];
  error: string | undefined;
  private pending = Buffer.alloc(0);
  private socket: net.Socket | undefined;
  private listeners: (() => void)[] = [];

  static async open(baseUrl: string, httpVersion: "1.0" | "1.1" = "1.1"): Promise<ChunkedSse> {
    const reader = new ChunkedSse();
    await reader.connect(new URL(baseUrl), httpVersion);
    return reader;
  }

  /** Everything received in the body, in order. */
  get body(): string {
    return this.chunks.join("");
  }

  /** The client id from PB_CONNECT. */
  get clientId(): string {
    return /"clientId":"([^"]+)"/.exec(this.body)?.[1] ?? "";
  }

  close(): void {
    this.socket?.destroy();
  }

  /** Resolves when `predicate` holds (checked on every read). */
  until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.error) return done(new Error(this.error));
        if (predicate()) done();
      };
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => done(new Error(`timed out; body so far: ${JSON.stringify(this.body.slice(-500))}`)),
        timeoutMs,
      );
      this.listeners.push(check);
    });
  }

  private connect(url: URL, httpVersion: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      this.socket = socket;
      socket.on("error", reject);
      socket.on("connect", () => {
        socket.write(`GET /api/realtime HTTP/${httpVersion}\r\nHost: ${url.host}\r\n\r\n`);
      });
      socket.on("data", (data: Buffer) => {
        this.pending = Buffer.concat([this.pending, data]);
        this.parse(httpVersion === "1.1");
        if (this.clientId !== "") resolve();
        for (const l of [...this.listeners]) l();
      });
    });
  }

  private parse(chunked: boolean): void {
    if (this.head === "") {
      const end = this.pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.head = this.pending.subarray(0, end).toString("latin1");
      this.pending = this.pending.subarray(end + 4);
    }
    if (!chunked || !/^transfer-encoding: chunked$/im.test(this.head)) {
      if (this.pending.length > 0) this.chunks.push(this.pending.toString("utf8"));
      this.pending = Buffer.alloc(0);
      return;
    }
    for (;;) {
      const lineEnd = this.pending.indexOf("\r\n");
      if (lineEnd < 0) return;
      const size = Number.parseInt(this.pending.subarray(0, lineEnd).toString("latin1"), 16);
      if (!Number.isInteger(size)) {
        this.error = `bad chunk size line ${JSON.stringify(this.pending.subarray(0, lineEnd).toString())}`;
        return;
      }
      const start = lineEnd + 2;
      if (this.pending.length < start + size + 2) return;
      if (this.pending.subarray(start + size, start + size + 2).toString("latin1") !== "\r\n") {
        this.error = `chunk of ${size} bytes not followed by CRLF: the size is wrong`;
        return;
      }
      this.chunks.push(this.pending.subarray(start, start + size).toString("utf8"));
      this.pending = this.pending.subarray(start + size + 2);
    }
  }
}
