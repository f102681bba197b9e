import { Readable } from "node:stream";

/** Thrown by `limitBytes` when a stream goes past its limit. */
export class StreamLimitError extends Error {
  constructor(readonly limit: number) {
    super(`stream exceeds ${limit} bytes`);
    this.name = "StreamLimitError";
  }
}

/**
 * Passes a stream through, counting its bytes, and fails as soon as it goes past `limit`: the
 * upload stops at the limit instead of after the whole body. `onExceeded` hears of it at once,
 * before the failure has travelled through whatever reads the stream.
 */
export function limitBytes(
  source: Readable,
  limit: number,
  onExceeded?: () => void,
): { stream: Readable; bytes: () => number } {
  let count = 0;
  async function* counted() {
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      count += bytes.length;
      if (count > limit) {
        onExceeded?.();
        throw new StreamLimitError(limit);
      }
      yield bytes;
    }
  }
  return { stream: Readable.from(counted(), { objectMode: false }), bytes: () => count };
}

/**
 * Reads the first `size` bytes (fewer if the stream ends) and returns them with a stream that
 * still yields everything, head included: the type is decided before the bytes are stored.
 */
export async function splitHead(source: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator: AsyncIterator<unknown> = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    chunks.push(bytes);
    length += bytes.length;
  }
  const all = Buffer.concat(chunks);
  async function* rest() {
    yield all;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head: all.subarray(0, size), stream: Readable.from(rest(), { objectMode: false }) };
}
