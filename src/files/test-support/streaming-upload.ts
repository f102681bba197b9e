import { request } from "node:http";

export interface StreamedUpload {
  /** The status the server answered with, if it answered before the connection ended. */
  status?: number;
  /** Body bytes written before the server answered or cut the connection. */
  sent: number;
  /** Set when the connection failed (cut by the server, or destroyed by `abortAfter`). */
  error?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/**
 * Sends a multipart body with one file part of `fileBytes` bytes, generated on the fly (never held
 * in memory), and stops writing as soon as the server answers or the connection ends. With
 * `abortAfter`, the client itself disconnects after that many bytes, once `beforeAbort` resolves.
 */
export function streamUpload(opts: {
  url: string;
  field: string;
  fileBytes: number;
  abortAfter?: number;
  beforeAbort?: () => Promise<unknown>;
  token?: string;
}): Promise<StreamedUpload> {
  const boundary = `----backroom${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field}"; filename="big.bin"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    const result: StreamedUpload = { sent: 0 };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      resolve(result);
    };
    const req = request(opts.url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        ...(opts.token ? { authorization: opts.token } : {}),
      },
    });
    req.on("response", (res) => {
      result.status = res.statusCode;
      res.resume();
      res.on("end", finish);
      res.on("error", finish);
    });
    req.on("error", (err) => {
      result.error = err.message;
      finish();
    });
    const write = (bytes: Buffer) =>
      new Promise<boolean>((ok) => {
        if (req.destroyed || result.status !== undefined) return ok(false);
        result.sent += bytes.length;
        if (req.write(bytes)) ok(true);
        else {
          const onDrain = () => {
            req.off("close", onClose);
            ok(true);
          };
          const onClose = () => {
            req.off("drain", onDrain);
            ok(false);
          };
          req.once("drain", onDrain);
          req.once("close", onClose);
        }
      });
    (async () => {
      if (!(await write(head))) return;
      let left = opts.fileBytes;
      while (left > 0) {
        if (opts.abortAfter !== undefined && result.sent >= opts.abortAfter) {
          await opts.beforeAbort?.();
          result.error = "aborted by client";
          req.destroy();
          finish();
          return;
        }
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        if (!(await write(piece))) return;
        left -= piece.length;
      }
      if (await write(tail)) req.end();
    })().catch(() => finish());
  });
}
