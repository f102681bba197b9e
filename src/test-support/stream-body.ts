import { connect, type Socket } from "node:net";

export interface StreamedBody {
  /** The status the server answered with, if it answered before the connection ended. */
  status?: number;
  /** The answer's body, parsed as JSON when it is. */
  body?: unknown;
  /** Body bytes written before the client stopped or the connection ended. */
  sent: number;
  /** Body bytes written when the answer came in (undefined: no answer). */
  sentAtAnswer?: number;
  /** Milliseconds from the first byte written to the answer (undefined: no answer). */
  answeredAfterMs?: number;
  /** Set when the connection failed (reset by the server, or destroyed by `abortAfter`). */
  error?: string;
  /** Whether the server closed the connection while the client was still writing. */
  cutByServer: boolean;
}

export interface StreamBodyOptions {
  url: string;
  method?: string;
  contentType: string;
  /** Written first, then `fillBytes` bytes of `fill` (repeated), then `tail`. */
  head?: Buffer;
  fillBytes: number;
  /** The byte the filler repeats (default "a"). */
  fill?: number;
  tail?: Buffer;
  /** Announce the body's whole length up front (Content-Length); else it goes chunked. */
  declareLength?: boolean;
  /** Go on writing after the server has answered, as a hostile client would. */
  ignoreAnswer?: boolean;
  /** Disconnect after this many body bytes (once `beforeAbort` resolves). */
  abortAfter?: number;
  beforeAbort?: () => Promise<unknown>;
  token?: string;
}

const CHUNK_SIZE = 64 * 1024;

/**
 * Sends a request body over a plain socket, the filler made on the fly (never more than 64 kB of it
 * in memory). HTTP is written by hand so nothing in between decides when to stop: a polite client
 * stops writing as soon as the answer is in, an `ignoreAnswer` one only when the server cuts the
 * connection.
 */
export function streamBody(opts: StreamBodyOptions): Promise<StreamedBody> {
  const url = new URL(opts.url);
  const head = opts.head ?? Buffer.alloc(0);
  const tail = opts.tail ?? Buffer.alloc(0);
  const chunk = Buffer.alloc(CHUNK_SIZE, opts.fill ?? 0x61);
  const requestHead = [
    `${opts.method ?? "POST"} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Type: ${opts.contentType}`,
    opts.declareLength
      ? `Content-Length: ${head.length + opts.fillBytes + tail.length}`
      : "Transfer-Encoding: chunked",
    ...(opts.token ? [`Authorization: ${opts.token}`] : []),
    "",
    "",
  ].join("\r\n");

  return new Promise((resolve) => {
    const result: StreamedBody = { sent: 0, cutByServer: false };
    const socket = connect(Number(url.port), url.hostname);
    let started = 0;
    const answer = readAnswer(socket, (status, body) => {
      result.status = status;
      result.body = body;
      result.sentAtAnswer = result.sent;
      result.answeredAfterMs = performance.now() - started;
      if (!opts.ignoreAnswer) socket.destroy();
    });
    let writing = true;
    socket.on("error", (err) => {
      result.error ??= err.message;
    });
    socket.on("close", () => {
      if (
        writing &&
        result.error !== "aborted by client" &&
        (opts.ignoreAnswer || result.status === undefined)
      )
        result.cutByServer = true;
      answer.flush();
      resolve(result);
    });

    const send = (bytes: Buffer) =>
      new Promise<boolean>((ok) => {
        if (socket.destroyed) return ok(false);
        if (socket.write(bytes)) return ok(true);
        const onDrain = () => {
          socket.off("close", onClose);
          ok(true);
        };
        const onClose = () => {
          socket.off("drain", onDrain);
          ok(false);
        };
        socket.once("drain", onDrain);
        socket.once("close", onClose);
      });
    // Body bytes, framed as chunks when the length is not declared.
    const body = async (bytes: Buffer) => {
      if (bytes.length === 0) return true;
      const framed = opts.declareLength
        ? await send(bytes)
        : (await send(Buffer.from(`${bytes.length.toString(16)}\r\n`))) &&
          (await send(bytes)) &&
          (await send(Buffer.from("\r\n")));
      if (framed) result.sent += bytes.length;
      return framed;
    };

    const writer = async () => {
      started = performance.now();
      if (!(await send(Buffer.from(requestHead))) || !(await body(head))) return;
      let left = opts.fillBytes;
      while (left > 0) {
        if (opts.abortAfter !== undefined && result.sent >= opts.abortAfter) {
          await opts.beforeAbort?.();
          result.error = "aborted by client";
          socket.destroy();
          return;
        }
        // A polite client stops sending once the answer is in (the socket is destroyed then).
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        if (!(await body(piece))) return;
        left -= piece.length;
      }
      if (!(await body(tail))) return;
      if (!opts.declareLength) await send(Buffer.from("0\r\n\r\n"));
    };
    writer().finally(() => {
      writing = false;
    });
  });
}

/**
 * Collects the server's answer (status line, headers, a Content-Length body) as it arrives and
 * reports it once complete; `flush` reports what came if the connection ends first.
 */
function readAnswer(socket: Socket, onAnswer: (status: number, body: unknown) => void): { flush(): void } {
  let received = Buffer.alloc(0);
  let reported = false;
  const report = (force: boolean) => {
    if (reported) return;
    const end = received.indexOf("\r\n\r\n");
    if (end < 0) return;
    const headers = received.subarray(0, end).toString("latin1");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1]);
    const length = Number(/^content-length:\s*(\d+)/im.exec(headers)?.[1] ?? 0);
    const text = received.subarray(end + 4, end + 4 + length).toString("utf8");
    if (!force && Buffer.byteLength(text) < length) return;
    reported = true;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    onAnswer(status, body);
  };
  socket.on("data", (data: Buffer) => {
    if (received.length < 64 * 1024) received = Buffer.concat([received, data]);
    report(false);
  });
  return { flush: () => report(true) };
}
