/** How many leading bytes decide a file's type (file-type reads at most this many). */
export const SNIFF_BYTES = 4100;

export const OCTET_STREAM = "application/octet-stream";

/**
 * The content type of a file from its bytes, never from what the client claimed: magic numbers for
 * binary formats, then a look at text for the markup types browsers would run (HTML, SVG, XML).
 */
export async function sniffContentType(head: Uint8Array): Promise<string> {
  // Loaded on the first upload (idle memory).
  const { fileTypeFromBuffer } = await import("file-type");
  const binary = await fileTypeFromBuffer(head);
  // file-type calls any XML "application/xml"; SVG is XML a browser would run, so look closer.
  if (binary && binary.mime !== "application/xml") return binary.mime;
  return textType(head) ?? binary?.mime ?? OCTET_STREAM;
}

function textType(head: Uint8Array): string | null {
  if (head.length === 0) return "text/plain";
  // NUL bytes or invalid UTF-8 (a partial last character aside) mean it is not text.
  if (head.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(trimPartialUtf8(head));
  } catch {
    return null;
  }
  const start = text
    .replace(/^\uFEFF/, "")
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if (/<svg[\s>]/.test(start) || (start.startsWith("<?xml") && start.includes("<svg")))
    return "image/svg+xml";
  if (/^<(!doctype html|html|head|body|script|iframe|meta|title|style|div|p|a|img)[\s>]/.test(start))
    return "text/html";
  if (/<(script|html|iframe|body)[\s>]/.test(start)) return "text/html";
  if (start.startsWith("<?xml")) return "application/xml";
  return "text/plain";
}

/** Drops an incomplete multi-byte character cut off at the end of the sniffed window. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > i) end -= i;
    break;
  }
  return bytes.subarray(0, end);
}
