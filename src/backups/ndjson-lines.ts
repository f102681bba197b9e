import type { Readable } from "node:stream";

/**
 * The lines of a stream, each at most `maxLineBytes` long (a longer one is an error, so a hostile
 * file can't make one line fill the memory). The last line may lack its newline.
 */
export async function* ndjsonLines(stream: Readable, maxLineBytes: number): AsyncIterable<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (pendingBytes + piece.length > maxLineBytes) throw new Error("a line is too long");
      pending.push(piece);
      const line = Buffer.concat(pending).toString("utf8");
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      if (line !== "") yield line;
    }
    const rest = chunk.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > maxLineBytes) throw new Error("a line is too long");
    if (rest.length > 0) pending.push(rest);
  }
  const last = Buffer.concat(pending).toString("utf8");
  if (last !== "") yield last;
}
