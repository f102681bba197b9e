import yauzl from "yauzl";
import { ZipFile } from "yazl";

export interface CraftedEntry {
  name: string;
  data: Buffer;
  compress?: boolean;
}

/** The entries of a zip held in memory. */
export async function readZip(zip: Buffer): Promise<CraftedEntry[]> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out: CraftedEntry[] = [];
  for await (const entry of file.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await file.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
  }
  return out;
}

/**
 * A zip with exactly these entries, names included that zip writers refuse (`../x`, `/abs`): each
 * is written under a placeholder of the same length, then renamed in the bytes.
 */
export async function craftZip(entries: CraftedEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  const renames: [Buffer, Buffer][] = [];
  entries.forEach((entry, i) => {
    const real = Buffer.from(entry.name);
    const placeholder = `p${i}_`.padEnd(real.length, "x");
    if (placeholder !== entry.name) renames.push([Buffer.from(placeholder), real]);
    zip.addBuffer(entry.data, placeholder, { compress: entry.compress ?? true });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  let bytes = Buffer.concat(chunks);
  for (const [from, to] of renames) {
    let at = bytes.indexOf(from);
    while (at !== -1) {
      to.copy(bytes, at);
      at = bytes.indexOf(from, at + to.length);
    }
  }
  bytes = Buffer.from(bytes);
  return bytes;
}
